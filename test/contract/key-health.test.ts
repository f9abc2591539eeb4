import { describe } from 'bun:test'
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
})
