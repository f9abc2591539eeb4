import { describe, expect, test } from 'bun:test'
import { RedisKeyHealth } from '../../src/state/redis/key-health'
import { redisFixture, redisSkipReason } from './redis'
import { MemoryKeyHealth } from '../../src/state/memory/key-health'
import { keyHealthContract } from './suites/key-health'

keyHealthContract('MemoryKeyHealth', async () => ({ store: new MemoryKeyHealth(), close: async () => {} }))

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  keyHealthContract('RedisKeyHealth', async () => {
    const r = await redis.open()
    return { store: new RedisKeyHealth(r.redis, r.prefix), close: r.close }
  })

  // Earlier versions kept one whole-key `coolingUntil` field; it lasted at most a minute, so it is ignored
  // (not migrated), and the next cool-down deletes it. Their disabled fields are the same.
  test('RedisKeyHealth: a whole-key coolingUntil of an earlier version is ignored, and deleted at the next cool-down', async () => {
    const r = await redis.open()
    try {
      const store = new RedisKeyHealth(r.redis, r.prefix)
      const T = 1_800_000_000_000
      await r.redis.send('HSET', [`${r.prefix}health:old`, 'coolingUntil', T + 60_000])
      await r.redis.send('HSET', [`${r.prefix}health:off`, 'coolingUntil', T + 60_000, 'reason', 'HTTP 401', 'since', T, 'recheckAt', T + 600_000])
      const health = await store.get(['old', 'off'])
      expect([...health.keys()]).toEqual(['off'])
      expect(health.get('off')).toEqual({ cooling: new Map(), disabled: { reason: 'HTTP 401', since: T, recheckAt: T + 600_000 } })
      await store.coolDown('old', 'gpt-4o', T + 5000, T)
      expect(await r.redis.send('HGETALL', [`${r.prefix}health:old`])).toEqual({ 'cool:gpt-4o': String(T + 5000) })
    } finally {
      await r.close()
    }
  })
})
