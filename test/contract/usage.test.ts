import { describe } from 'bun:test'
import { RedisUsage } from '../../src/state/redis/usage'
import { redisFixture, redisSkipReason } from './redis'
import { MemoryUsage } from '../../src/state/memory/usage'
import { openAccounts } from '../../src/state/sqlite/accounts'
import { SqliteUsage } from '../../src/state/sqlite/usage'
import { tempFiles } from './helpers'
import { usageContract } from './suites/usage'

const files = tempFiles('usage')

usageContract('MemoryUsage', async () => ({ store: new MemoryUsage(), close: async () => {} }))

usageContract('SqliteUsage', async () => {
  const db = openAccounts(files.path('keys'))
  return { store: new SqliteUsage(db), close: async () => db.close() }
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  usageContract('RedisUsage', async () => {
    const r = await redis.open()
    return { store: new RedisUsage(r.redis, r.prefix), close: r.close }
  })
})
