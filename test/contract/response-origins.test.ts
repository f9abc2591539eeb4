import { describe, expect, test } from 'bun:test'
import type { RedisConnection } from '../../src/state/redis/connection'
import { MemoryResponseOrigins } from '../../src/state/memory/responses'
import { RedisResponseOrigins } from '../../src/state/redis/responses'
import { FallbackResponseOrigins } from '../../src/state/redis/responses-fallback'
import { openResponses, SqliteResponseOrigins } from '../../src/state/sqlite/responses'
import type { ResponseOriginStore } from '../../src/state/types'
import { tempFiles } from './helpers'
import { redisFixture, redisSkipReason } from './redis'
import { responseOriginContract } from './suites/response-origins'

const files = tempFiles('response-origins')

responseOriginContract('MemoryResponseOrigins', async () => ({ store: new MemoryResponseOrigins(), close: async () => {} }))

responseOriginContract('SqliteResponseOrigins', async () => {
  const db = openResponses(files.path('responses'))
  const store = new SqliteResponseOrigins(db)
  return { store, close: async () => (await store.close(), db.close()) }
})

/** Redis away from the start: the fallback serves from the replica's own memory alone. */
const away = { available: false } as unknown as RedisConnection
const unreachable = new Proxy({} as ResponseOriginStore, {
  get: (_, name) => (name === 'close' ? async () => {} : () => Promise.reject(new Error(`Redis was called (${String(name)}) while away`))),
})
responseOriginContract('FallbackResponseOrigins while Redis is away', async () => ({ store: new FallbackResponseOrigins(away, unreachable), close: async () => {} }))

describe('SqliteResponseOrigins on one file', () => {
  test('origins outlive the instance, with their expiry', async () => {
    const path = files.path('responses')
    let now = 1_000
    const db = openResponses(path)
    const first = new SqliteResponseOrigins(db, () => now)
    await first.remember('resp_1', { upstream: 'a', fingerprint: 'f1' }, 500)
    await first.remember('conv_1', { upstream: 'b', fingerprint: 'f2' }, 5_000)
    db.close()
    const again = openResponses(path)
    const second = new SqliteResponseOrigins(again, () => now)
    expect(await second.originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f1' })
    now += 1_000
    expect(await second.originOf('resp_1')).toBeUndefined()
    expect(await second.originOf('conv_1')).toEqual({ upstream: 'b', fingerprint: 'f2' })
    again.close()
  })

  test('expired rows are deleted from the file on a later write', async () => {
    let now = 1_000
    const db = openResponses(files.path('responses'))
    const store = new SqliteResponseOrigins(db, () => now)
    for (let i = 0; i < 50; i++) await store.remember(`resp_${i}`, { upstream: 'a', fingerprint: 'f' }, 100)
    const rows = () => db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM origins').get()!.n
    expect(rows()).toBe(50)
    now += 120_000
    await store.remember('resp_new', { upstream: 'a', fingerprint: 'f' }, 100)
    expect(rows()).toBe(1)
    db.close()
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  responseOriginContract('RedisResponseOrigins', async () => {
    const r = await redis.open()
    return { store: new RedisResponseOrigins(r.redis, r.prefix), close: r.close }
  })

  responseOriginContract('FallbackResponseOrigins while Redis is there', async () => {
    const r = await redis.open()
    return { store: new FallbackResponseOrigins(r.redis, new RedisResponseOrigins(r.redis, r.prefix)), close: r.close }
  })

  test('keys live under the prefix and carry a lifetime of their own', async () => {
    const r = await redis.open()
    try {
      await new RedisResponseOrigins(r.redis, r.prefix).remember('resp_1', { upstream: 'a', fingerprint: 'f' }, 60_000)
      expect(await r.redis.send('KEYS', [`${r.prefix}*`])).toEqual([`${r.prefix}resp:origin:resp_1`])
      const left = Number(await r.redis.send('PTTL', [`${r.prefix}resp:origin:resp_1`]))
      expect(left).toBeGreaterThan(55_000)
      expect(left).toBeLessThanOrEqual(60_000)
    } finally {
      await r.close()
    }
  })
})
