import { RedisKeys } from '../../src/state/redis/keys'
import { redisFixture, redisSkipReason } from './redis'
import { describe, expect, test } from 'bun:test'
import { MemoryKeys } from '../../src/state/memory/keys'
import { openAccounts } from '../../src/state/sqlite/accounts'
import { SqliteKeys } from '../../src/state/sqlite/keys'
import { tempFiles } from './helpers'
import { keyStoreContract } from './suites/keys'

const files = tempFiles('keys')

keyStoreContract('MemoryKeys', async () => ({ store: new MemoryKeys(), close: async () => {} }))

keyStoreContract('SqliteKeys', async () => {
  const db = openAccounts(files.path('keys'))
  const store = new SqliteKeys(db)
  return { store, close: async () => (await store.close(), db.close()) }
})

describe('SqliteKeys on one file', () => {
  test('keys made by one instance are there for the next, and so is their uniqueness', async () => {
    const path = files.path('keys')
    const db = openAccounts(path)
    const first = new SqliteKeys(db)
    const made = { name: 'a', hash: 'h', settings: { rpm: 5, models: ['m'] }, createdAt: 1, updatedAt: 2 }
    await first.create(made)
    await first.update('a', { rpm: 6 }, 3)
    db.close()
    const again = openAccounts(path)
    const second = new SqliteKeys(again)
    expect(await second.list()).toEqual([{ ...made, settings: { rpm: 6 }, updatedAt: 3 }])
    expect(await second.create({ ...made, name: 'b' })).toBe(false)
    again.close()
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  keyStoreContract('RedisKeys', async () => {
    const r = await redis.open()
    const store = new RedisKeys(r.redis, r.prefix)
    return { store, close: async () => (await store.close(), await r.close()) }
  })
})
