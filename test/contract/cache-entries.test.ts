import { SqliteCacheEntries } from '../../src/state/sqlite/cache-entries'
import { tempFiles } from './helpers'
import { cacheEntryContract } from './suites/cache-entries'

const files = tempFiles('cache')

cacheEntryContract('SqliteCacheEntries', async (options) => {
  const store = SqliteCacheEntries.open(files.path('cache'), options)
  return { store, close: () => store.close() }
})
