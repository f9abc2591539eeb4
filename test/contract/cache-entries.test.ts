import { describe } from 'bun:test'
import { RedisCacheEntries } from '../../src/state/redis/cache-entries'
import { redisFixture, redisSkipReason } from './redis'
import { SqliteCacheEntries } from '../../src/state/sqlite/cache-entries'
import { tempFiles } from './helpers'
import { cacheEntryContract } from './suites/cache-entries'

const files = tempFiles('cache')

cacheEntryContract('SqliteCacheEntries', async (options) => {
  const store = SqliteCacheEntries.open(files.path('cache'), options)
  return { store, close: () => store.close() }
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  cacheEntryContract('RedisCacheEntries', async (options) => {
    const r = await redis.open()
    const store = new RedisCacheEntries(r.redis, r.prefix, options)
    return { store, close: async () => (await store.close(), await r.close()) }
  })
})
