import { describe } from 'bun:test'
import { RedisRateLimits } from '../../src/state/redis/rate-limits'
import { redisFixture, redisSkipReason } from './redis'
import { MemoryRateLimits } from '../../src/state/memory/rate-limits'
import { rateLimitContract } from './suites/rate-limits'

rateLimitContract('MemoryRateLimits', async () => ({ store: new MemoryRateLimits(), close: async () => {} }))

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  rateLimitContract('RedisRateLimits', async () => {
    const r = await redis.open()
    return { store: new RedisRateLimits(r.redis, r.prefix), close: r.close }
  })
})
