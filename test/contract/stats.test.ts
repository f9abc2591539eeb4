import { RedisStats } from '../../src/state/redis/stats'
import { redisFixture, redisSkipReason } from './redis'
import { describe, expect, test } from 'bun:test'
import { MemoryStats } from '../../src/state/memory/stats'
import { SqliteStats } from '../../src/state/sqlite/stats'
import { tempFiles } from './helpers'
import { statsContract } from './suites/stats'

const files = tempFiles('stats')

statsContract('MemoryStats', async () => ({ store: new MemoryStats(), close: async () => {} }))

statsContract('SqliteStats', async () => {
  const store = SqliteStats.open(files.path('stats'))
  return { store, close: () => store.close() }
})

describe('SqliteStats on one file', () => {
  test('a second instance sees the totals, the points and the same `since`', async () => {
    const path = files.path('stats')
    const first = SqliteStats.open(path)
    await first.add({ totals: new Map([['requests', 3]]), points: new Map([[10, { requests: 3, hitsExact: 1, hitsSemantic: 0 }]]) })
    const before = await first.read(0)
    await first.close()
    // Opened later: `since` is when counting began in the file, not when this instance started.
    const second = SqliteStats.open(path, () => {}, () => before.since + 60_000)
    const after = await second.read(0)
    await second.close()
    expect(after.since).toBe(before.since)
    expect(Object.fromEntries(after.totals)).toEqual({ requests: 3 })
    expect(after.points).toEqual([{ bucket: 10, requests: 3, hitsExact: 1, hitsSemantic: 0 }])
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  statsContract('RedisStats', async () => {
    const r = await redis.open()
    return { store: new RedisStats(r.redis, r.prefix), close: r.close }
  })
})
