import { afterAll, beforeAll } from 'bun:test'
import { RedisConnection } from '../../src/state/redis/connection'
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server'

// The Redis implementations run the same contract suites, against a real redis-server of this test file;
// every store gets a prefix of its own, so tests never see each other's keys.

export { redisSkipReason }

export function redisFixture() {
  let server: TestRedis | undefined
  let n = 0
  beforeAll(async () => {
    if (!redisSkipReason) server = await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })
  return {
    /** A connected connection and a fresh prefix; `close` closes the connection. */
    async open(): Promise<{ redis: RedisConnection; prefix: string; close(): Promise<void> }> {
      const redis = new RedisConnection(server!.url, () => {})
      await redis.connect()
      return { redis, prefix: `t${process.pid}-${++n}:`, close: async () => redis.close() }
    },
  }
}
