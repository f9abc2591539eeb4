import { describe, expect, test } from 'bun:test'
import { MemoryServedHits } from '../../src/state/memory/served-hits'
import type { RedisConnection } from '../../src/state/redis/connection'
import { FallbackServedHits, RedisServedHits } from '../../src/state/redis/served-hits'
import { SERVED_HIT_TTL_MS, type ServedHit, type ServedHitStore } from '../../src/state/served-hits'
import { redisFixture, redisSkipReason } from './redis'
import { servedHitContract } from './suites/served-hits'

servedHitContract('MemoryServedHits', async (now) => ({ store: new MemoryServedHits({ now }), close: async () => {} }))

/** Redis away from the start: the fallback serves from the replica's own memory alone. */
const away = { available: false } as unknown as RedisConnection
const unreachable = new Proxy({} as ServedHitStore, {
  get: (_, name) => () => Promise.reject(new Error(`Redis was called (${String(name)}) while away`)),
})
servedHitContract('FallbackServedHits while Redis is away', async (now) => ({ store: new FallbackServedHits(away, unreachable, now), close: async () => {} }))

const T = 1_800_000_000_000
const exact = (entryId: number, at = T): ServedHit => ({ entryId, match: 'exact', partition: 'p', at })
const ids = (hits: ServedHit[]) => hits.map((hit) => hit.entryId)

describe('MemoryServedHits bounds', () => {
  test('past maxAccounts, the account served least recently goes first', async () => {
    const store = new MemoryServedHits({ now: () => T, maxAccounts: 3 })
    for (const account of ['a', 'b', 'c']) await store.record(account, exact(1))
    await store.record('a', exact(2)) // a is served again: b is now the least recent
    await store.record('d', exact(1))
    expect(await store.recent('b', 0)).toEqual([])
    for (const account of ['a', 'c', 'd']) expect((await store.recent(account, 0)).length).toBeGreaterThan(0)
  })

  test('past maxRecords over all accounts, whole accounts go, least recently served first', async () => {
    const store = new MemoryServedHits({ now: () => T, maxRecords: 250 })
    for (let i = 0; i < 150; i++) await store.record('a', exact(i, T - i))
    for (let i = 0; i < 90; i++) await store.record('b', exact(i, T - i))
    await store.forget('b', 0) // 239 held: forgotten records count no more
    for (let i = 0; i < 11; i++) await store.record('c', exact(i, T - i))
    expect(await store.recent('a', 0)).toHaveLength(150)
    await store.record('c', exact(99))
    expect(await store.recent('a', 0)).toEqual([])
    expect(await store.recent('b', 0)).toHaveLength(89)
    expect(await store.recent('c', 0)).toHaveLength(12)
  })

  test('accounts nobody reads again are swept once their records are a day old', async () => {
    let now = T
    const store = new MemoryServedHits({ now: () => now, maxAccounts: 2 })
    await store.record('x', exact(2, T + SERVED_HIT_TTL_MS))
    await store.record('old', exact(1))
    now += SERVED_HIT_TTL_MS + 1
    // Without the sweep 'old' would still hold a place, and y would push x (served least recently) out.
    await store.record('y', exact(3, now))
    expect(ids(await store.recent('x', 0))).toEqual([2])
  })
})

describe('FallbackServedHits', () => {
  // Redis stood in for by a memory store on the same clock; the connection's `available` is switched.
  function setup() {
    const redis = { available: true } as unknown as RedisConnection & { available: boolean }
    const shared = new MemoryServedHits({ now: () => T })
    return { redis, shared, store: new FallbackServedHits(redis, shared, () => T) }
  }

  test('records made while Redis is away are read here beside Redis’s once it is back; forget reaches both', async () => {
    const { redis, shared, store } = setup()
    await store.record('alice', exact(1, T - 3))
    redis.available = false
    await store.record('alice', exact(2, T - 2))
    expect(ids(await store.recent('alice', 0))).toEqual([2])
    expect(ids(await shared.recent('alice', 0))).toEqual([1])
    redis.available = true
    await store.record('alice', exact(3, T - 1))
    expect(ids(await store.recent('alice', 0))).toEqual([3, 2, 1])
    expect(ids(await store.recent('alice', T - 2))).toEqual([3, 2])
    await store.forget('alice', 2)
    await store.forget('alice', 1)
    expect(ids(await store.recent('alice', 0))).toEqual([3])
    expect(ids(await shared.recent('alice', 0))).toEqual([3])
  })

  test('a Redis call that fails goes to memory: no call throws into the request', async () => {
    const { redis } = setup()
    const failing = new Proxy({} as ServedHitStore, {
      get: (_, name) => () => Promise.reject(name === 'recent' ? new Error('WRONGTYPE Operation against a key holding the wrong kind of value') : Object.assign(new Error('Connection closed'), { code: 'ERR_REDIS_CONNECTION_CLOSED' })),
    })
    const store = new FallbackServedHits(redis, failing, () => T)
    await store.record('alice', exact(1))
    expect(ids(await store.recent('alice', 0))).toEqual([1])
    await store.forget('alice', 1)
    expect(await store.recent('alice', 0)).toEqual([])
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  servedHitContract('RedisServedHits', async (now) => {
    const r = await redis.open()
    return { store: new RedisServedHits(r.redis, r.prefix, now), close: r.close }
  })

  servedHitContract('FallbackServedHits while Redis is there', async (now) => {
    const r = await redis.open()
    return { store: new FallbackServedHits(r.redis, new RedisServedHits(r.redis, r.prefix, now), now), close: r.close }
  })

  test('one sorted set per account under the prefix, given a day’s lifetime again by each record', async () => {
    const r = await redis.open()
    try {
      const store = new RedisServedHits(r.redis, r.prefix)
      await store.record('alice', exact(1, Date.now()))
      const key = `${r.prefix}served:alice`
      expect(await r.redis.send('KEYS', [`${r.prefix}*`])).toEqual([key])
      expect(await r.redis.send('TYPE', [key])).toBe('zset')
      const left = Number(await r.redis.send('PTTL', [key]))
      expect(left).toBeGreaterThan(SERVED_HIT_TTL_MS - 10_000)
      expect(left).toBeLessThanOrEqual(SERVED_HIT_TTL_MS)
      await r.redis.send('PEXPIRE', [key, 5_000])
      await store.record('alice', exact(2, Date.now()))
      expect(Number(await r.redis.send('PTTL', [key]))).toBeGreaterThan(SERVED_HIT_TTL_MS - 10_000)
      // Forgetting every record leaves no key behind (Redis drops an empty set).
      await store.forget('alice', 1)
      await store.forget('alice', 2)
      expect(await r.redis.send('EXISTS', [key])).toBe(0)
    } finally {
      await r.close()
    }
  })

  test('a record drops the account’s records over a day old from Redis, not only from what recent returns', async () => {
    const r = await redis.open()
    try {
      let now = T
      const store = new RedisServedHits(r.redis, r.prefix, () => now)
      await store.record('alice', exact(1))
      await store.record('alice', exact(2, T + 1))
      now = T + SERVED_HIT_TTL_MS
      await store.record('alice', exact(3, now))
      expect(Number(await r.redis.send('ZCARD', [`${r.prefix}served:alice`]))).toBe(2)
    } finally {
      await r.close()
    }
  })

  test('a member that does not decode is skipped, not thrown', async () => {
    const r = await redis.open()
    try {
      const store = new RedisServedHits(r.redis, r.prefix, () => T)
      await store.record('alice', exact(1))
      await r.redis.send('ZADD', [`${r.prefix}served:alice`, T, '2:x:{not json', T, '3:y:{"entryId":"3","at":1}'])
      expect(ids(await store.recent('alice', 0))).toEqual([1])
    } finally {
      await r.close()
    }
  })
})
