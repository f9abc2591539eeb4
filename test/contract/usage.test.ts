import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
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

// Rows written before cached tokens were kept: a DATA_DIR or a Redis of an earlier release reads on, its
// rows with 0 cached, cache-written and reasoning tokens, and new requests add to them.
const OLD_ROW = { requests: 2, hits: 1, promptTokens: 30, completionTokens: 12, costUsd: 0.5, savedUsd: 0.25 }
const NEW_DELTA = { key: 'k', day: '2026-01-02', model: 'm', requests: 1, hits: 0, promptTokens: 100, completionTokens: 10, cachedTokens: 80, cacheWriteTokens: 5, reasoningTokens: 4, costUsd: 0.1, savedUsd: 0 }
const readsOn = async (store: SqliteUsage | RedisUsage) => {
  expect((await store.rows('k', '2026-01-01', '2026-02-01'))[0]).toMatchObject({ ...OLD_ROW, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 })
  await store.add(NEW_DELTA)
  expect((await store.rows('k', '2026-01-01', '2026-02-01'))[0]).toMatchObject({ requests: 3, promptTokens: 130, cachedTokens: 80, cacheWriteTokens: 5, reasoningTokens: 4 })
}

test('SqliteUsage: a keys.sqlite made before the cached-token columns gets them, its rows read as 0', async () => {
  const path = files.path('old-keys')
  const old = new Database(path)
  // The usage table as the releases before issue 23 made it.
  old.exec(`CREATE TABLE usage (key TEXT NOT NULL, day TEXT NOT NULL, model TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0,
    hits INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0, saved_usd REAL NOT NULL DEFAULT 0, PRIMARY KEY (key, day, model))`)
  old.run("INSERT INTO usage VALUES ('k', '2026-01-02', 'm', 2, 1, 30, 12, 0.5, 0.25)")
  old.close()
  const db = openAccounts(path)
  try {
    await readsOn(new SqliteUsage(db))
  } finally {
    db.close()
  }
  // Opened again: nothing to add twice.
  openAccounts(path).close()
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  usageContract('RedisUsage', async () => {
    const r = await redis.open()
    return { store: new RedisUsage(r.redis, r.prefix), close: r.close }
  })

  test('RedisUsage: a row hash without the cached-token fields reads them as 0', async () => {
    const r = await redis.open()
    try {
      // As an earlier release wrote it: the row's hash, and its member in the day index.
      const member = JSON.stringify(['k', '2026-01-02', 'm'])
      await r.redis.send('ZADD', [`${r.prefix}usage:index`, String(Date.parse('2026-01-02T00:00:00Z') / 86_400_000), member])
      await r.redis.send('HSET', [`${r.prefix}usage:row:${member}`, ...Object.entries(OLD_ROW).flatMap(([field, value]) => [field, String(value)])])
      await readsOn(new RedisUsage(r.redis, r.prefix))
    } finally {
      await r.close()
    }
  })
})
