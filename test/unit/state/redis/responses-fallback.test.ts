import { describe, expect, test } from 'bun:test'
import { MemoryKeptResponses, MemoryResponseOrigins } from '../../../../src/state/memory/responses'
import type { RedisConnection } from '../../../../src/state/redis/connection'
import { FallbackKeptResponses, FallbackResponseOrigins } from '../../../../src/state/redis/responses-fallback'
import type { KeptResponse } from '../../../../src/state/types'

// The Responses ids while Redis is away: what a replica learns meanwhile is served from its own memory, and
// handed to Redis (here a memory store standing in for it, on the same clock) once it is back, with the
// lifetime it has left; what it deleted meanwhile is deleted there too.

const connection = () => ({ available: true }) as unknown as RedisConnection & { available: boolean }
const MINUTE = 60_000

function setup() {
  const clock = { now: 1_000_000 }
  const now = () => clock.now
  const redis = connection()
  const sharedOrigins = new MemoryResponseOrigins({ now })
  const sharedKept = new MemoryKeptResponses({ now })
  return {
    clock,
    redis,
    sharedOrigins,
    sharedKept,
    origins: new FallbackResponseOrigins(redis, sharedOrigins, now),
    kept: new FallbackKeptResponses(redis, sharedKept, now),
  }
}

const response = (id: string, text = 'hi'): KeptResponse => ({ id, owner: 'alice', response: { id, object: 'response', text }, input: [], createdAt: 1 })

describe('FallbackResponseOrigins', () => {
  test('learnt while Redis is away: served from memory, then written to Redis with the lifetime it has left', async () => {
    const { clock, redis, sharedOrigins, origins } = setup()
    redis.available = false
    await origins.remember('resp_1', { upstream: 'a', fingerprint: 'f' }, 10 * MINUTE)
    expect(await origins.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
    expect(await sharedOrigins.originOf('resp_1')).toBeUndefined()
    clock.now += 4 * MINUTE
    redis.available = true
    expect(await origins.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
    expect(await sharedOrigins.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
    // Written with the 6 minutes left, not 10 more.
    clock.now += 6 * MINUTE
    expect(await sharedOrigins.originOf('resp_1')).toBeUndefined()
  })

  test('ids known before the outage are unknown during it, and known again after', async () => {
    const { redis, origins } = setup()
    await origins.remember('resp_1', { upstream: 'a', fingerprint: 'f' }, MINUTE)
    redis.available = false
    expect(await origins.originOf('resp_1')).toBeUndefined()
    redis.available = true
    expect(await origins.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
  })

  test('forgotten while Redis is away: forgotten in Redis too once it is back', async () => {
    const { redis, sharedOrigins, origins } = setup()
    await origins.remember('resp_1', { upstream: 'a', fingerprint: 'f' }, MINUTE)
    redis.available = false
    await origins.forget('resp_1')
    redis.available = true
    expect(await origins.originOf('resp_1')).toBeUndefined()
    expect(await sharedOrigins.originOf('resp_1')).toBeUndefined()
  })

  test('a Redis call that fails on the connection is served from memory', async () => {
    const { sharedOrigins, redis } = setup()
    const failing = Object.assign(Object.create(sharedOrigins), {
      remember: () => Promise.reject(Object.assign(new Error('Connection closed'), { code: 'ERR_REDIS_CONNECTION_CLOSED' })),
      originOf: () => Promise.reject(Object.assign(new Error('Connection closed'), { code: 'ERR_REDIS_CONNECTION_CLOSED' })),
    })
    const origins = new FallbackResponseOrigins(redis, failing)
    await origins.remember('resp_1', { upstream: 'a', fingerprint: 'f' }, MINUTE)
    expect(await origins.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
  })
})

describe('FallbackKeptResponses', () => {
  test('kept while Redis is away: served from memory, then written to Redis once it is back', async () => {
    const { redis, sharedKept, kept } = setup()
    redis.available = false
    await kept.put(response('resp_1'), MINUTE)
    expect(await kept.get('resp_1')).toEqual(response('resp_1'))
    expect(await sharedKept.get('resp_1')).toBeUndefined()
    redis.available = true
    await kept.get('other')
    expect(await sharedKept.get('resp_1')).toEqual(response('resp_1'))
  })

  test('deleted while Redis is away: gone at once, and deleted in Redis once it is back', async () => {
    const { redis, sharedKept, kept } = setup()
    await kept.put(response('resp_1'), MINUTE)
    redis.available = false
    // Made before the outage: this replica cannot see it now, but the deletion is carried out later.
    expect(await kept.delete('resp_1')).toBe(false)
    redis.available = true
    expect(await kept.get('resp_1')).toBeUndefined()
    expect(await sharedKept.get('resp_1')).toBeUndefined()
  })

  test('put and deleted during the outage: nothing reaches Redis; deleted then put again: the new one does', async () => {
    const { redis, sharedKept, kept } = setup()
    await kept.put(response('resp_2', 'before'), MINUTE)
    redis.available = false
    await kept.put(response('resp_1'), MINUTE)
    expect(await kept.delete('resp_1')).toBe(true)
    await kept.delete('resp_2')
    await kept.put(response('resp_2', 'during'), MINUTE)
    expect(await kept.get('resp_2')).toEqual(response('resp_2', 'during'))
    redis.available = true
    await kept.get('other')
    expect(await sharedKept.get('resp_1')).toBeUndefined()
    expect(await sharedKept.get('resp_2')).toEqual(response('resp_2', 'during'))
  })

  test('a put after the outage is not overwritten by the older one from it', async () => {
    const { redis, sharedKept } = setup()
    // Writes that take a moment, as Redis's do: the older write must not land after the newer one.
    const slow = Object.assign(Object.create(sharedKept), { put: async (k: KeptResponse, ttl: number) => (await Bun.sleep(2), sharedKept.put(k, ttl)) })
    const kept = new FallbackKeptResponses(redis, slow)
    redis.available = false
    await kept.put(response('resp_1', 'during'), MINUTE)
    redis.available = true
    await Promise.all([kept.put(response('resp_1', 'after'), MINUTE), kept.get('resp_1')])
    expect(await sharedKept.get('resp_1')).toEqual(response('resp_1', 'after'))
    expect(await kept.get('resp_1')).toEqual(response('resp_1', 'after'))
  })

  test('what is owed stays owed while Redis fails again, and is written once it answers', async () => {
    const { redis, sharedKept } = setup()
    let failing = true
    const flaky = Object.assign(Object.create(sharedKept), {
      put: (k: KeptResponse, ttl: number) => (failing ? Promise.reject(Object.assign(new Error('Connection closed'), { code: 'ERR_REDIS_CONNECTION_CLOSED' })) : sharedKept.put(k, ttl)),
    })
    const kept = new FallbackKeptResponses(redis, flaky)
    redis.available = false
    await kept.put(response('resp_1'), MINUTE)
    redis.available = true
    expect(await kept.get('resp_1')).toEqual(response('resp_1'))
    expect(await sharedKept.get('resp_1')).toBeUndefined()
    failing = false
    await kept.get('other')
    expect(await sharedKept.get('resp_1')).toEqual(response('resp_1'))
  })

  test("the replica's own memory is bounded: the least recently kept go first", async () => {
    const { redis, kept } = setup()
    redis.available = false
    for (let i = 0; i < 1_005; i++) await kept.put(response(`resp_${i}`), MINUTE)
    expect(await kept.get('resp_0')).toBeUndefined()
    expect(await kept.get('resp_4')).toBeUndefined()
    expect(await kept.get('resp_5')).toEqual(response('resp_5'))
    expect(await kept.get('resp_1004')).toEqual(response('resp_1004'))
  })
})
