import { describe, expect, test } from 'bun:test'
import type { RedisConnection } from '../../src/state/redis/connection'
import { MemoryKeptResponses } from '../../src/state/memory/responses'
import { RedisKeptResponses } from '../../src/state/redis/responses'
import { FallbackKeptResponses } from '../../src/state/redis/responses-fallback'
import { openResponses, SqliteKeptResponses, SqliteResponseOrigins } from '../../src/state/sqlite/responses'
import type { KeptResponseStore } from '../../src/state/types'
import { tempFiles } from './helpers'
import { redisFixture, redisSkipReason } from './redis'
import { keptResponseContract } from './suites/kept-responses'

const files = tempFiles('kept-responses')

keptResponseContract('MemoryKeptResponses', async () => ({ store: new MemoryKeptResponses(), close: async () => {} }))

keptResponseContract('SqliteKeptResponses', async () => {
  const db = openResponses(files.path('responses'))
  const store = new SqliteKeptResponses(db)
  return { store, close: async () => (await store.close(), db.close()) }
})

/** Redis away from the start: the fallback serves from the replica's own memory alone. */
const away = { available: false } as unknown as RedisConnection
const unreachable = new Proxy({} as KeptResponseStore, {
  get: (_, name) => (name === 'close' ? async () => {} : () => Promise.reject(new Error(`Redis was called (${String(name)}) while away`))),
})
keptResponseContract('FallbackKeptResponses while Redis is away', async () => ({ store: new FallbackKeptResponses(away, unreachable), close: async () => {} }))

const kept = (id: string) => ({ id, owner: 'alice', response: { id, object: 'response' }, input: [{ role: 'user', content: 'hi' }], createdAt: 1 })

describe('SqliteKeptResponses on one file', () => {
  test('responses outlive the instance, with their expiry; origins share the file', async () => {
    const path = files.path('responses')
    let now = 1_000
    const db = openResponses(path)
    await new SqliteKeptResponses(db, () => now).put(kept('resp_1'), 500)
    await new SqliteResponseOrigins(db, () => now).remember('resp_1', { upstream: 'a', fingerprint: 'f' }, 500)
    db.close()
    const again = openResponses(path)
    const second = new SqliteKeptResponses(again, () => now)
    expect(await second.get('resp_1')).toEqual(kept('resp_1'))
    expect(await new SqliteResponseOrigins(again, () => now).originOf('resp_1')).toEqual({ upstream: 'a', fingerprint: 'f' })
    now += 1_000
    expect(await second.get('resp_1')).toBeUndefined()
    again.close()
  })

  test('expired rows are deleted from the file on a later write', async () => {
    let now = 1_000
    const db = openResponses(files.path('responses'))
    const store = new SqliteKeptResponses(db, () => now)
    for (let i = 0; i < 20; i++) await store.put(kept(`resp_${i}`), 100)
    const rows = () => db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM kept').get()!.n
    expect(rows()).toBe(20)
    now += 120_000
    await store.put(kept('resp_new'), 100)
    expect(rows()).toBe(1)
    db.close()
  })

  test('a damaged file is moved aside at start and a fresh one made', async () => {
    const path = files.path('responses')
    await Bun.write(path, 'this is not a database'.repeat(100))
    const lines: string[] = []
    const db = openResponses(path, (line) => lines.push(line))
    await new SqliteKeptResponses(db).put(kept('resp_1'), 60_000)
    expect(await new SqliteKeptResponses(db).get('resp_1')).toEqual(kept('resp_1'))
    db.close()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('moved aside')
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  keptResponseContract('RedisKeptResponses', async () => {
    const r = await redis.open()
    return { store: new RedisKeptResponses(r.redis, r.prefix), close: r.close }
  })

  keptResponseContract('FallbackKeptResponses while Redis is there', async () => {
    const r = await redis.open()
    return { store: new FallbackKeptResponses(r.redis, new RedisKeptResponses(r.redis, r.prefix)), close: r.close }
  })

  test('keys live under the prefix and carry a lifetime of their own', async () => {
    const r = await redis.open()
    try {
      await new RedisKeptResponses(r.redis, r.prefix).put(kept('resp_1'), 60_000)
      expect(await r.redis.send('KEYS', [`${r.prefix}*`])).toEqual([`${r.prefix}resp:kept:resp_1`])
      const left = Number(await r.redis.send('PTTL', [`${r.prefix}resp:kept:resp_1`]))
      expect(left).toBeGreaterThan(55_000)
      expect(left).toBeLessThanOrEqual(60_000)
    } finally {
      await r.close()
    }
  })
})
