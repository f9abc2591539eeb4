import { describe } from 'bun:test'
import { RedisInFlight } from '../../src/state/redis/in-flight'
import { redisFixture, redisSkipReason } from './redis'
import { MemoryInFlight } from '../../src/state/memory/in-flight'
import { inFlightContract } from './suites/in-flight'

inFlightContract('MemoryInFlight', async () => ({ store: new MemoryInFlight(), close: async () => {} }))

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  inFlightContract('RedisInFlight', async () => {
    const r = await redis.open()
    return { store: new RedisInFlight(r.redis, r.prefix, 'replica-a'), close: r.close }
  })
})
