import { describe } from 'bun:test'
import { RedisCacheEntries } from '../../src/state/redis/cache-entries'
import { redisFixture, redisSkipReason } from './redis'
import { SqliteCacheEntries } from '../../src/state/sqlite/cache-entries'
import { tempFiles } from './helpers'
import { cacheEntryContract, type CacheEntryOptions } from './suites/cache-entries'
import { cacheLabelContract } from './suites/cache-labels'

const files = tempFiles('cache')

const sqlite = async (options: CacheEntryOptions) => {
  const store = SqliteCacheEntries.open(files.path('cache'), options)
  return { store, close: () => store.close() }
}
cacheEntryContract('SqliteCacheEntries', sqlite)
cacheLabelContract('SqliteCacheEntries', sqlite)

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  const open = async (options: CacheEntryOptions) => {
    const r = await redis.open()
    const store = new RedisCacheEntries(r.redis, r.prefix, options)
    return { store, close: async () => (await store.close(), await r.close()) }
  }
  cacheEntryContract('RedisCacheEntries', open)
  cacheLabelContract('RedisCacheEntries', open)
})
