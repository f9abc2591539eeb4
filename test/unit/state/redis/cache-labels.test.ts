import { describe, expect, test } from 'bun:test'
import { RedisCacheEntries } from '../../../../src/state/redis/cache-entries'
import type { NewEntry } from '../../../../src/state/types'
import { eventually } from '../../../contract/helpers'
import { redisFixture, redisSkipReason } from '../../../contract/redis'

// The Redis store keeps a set of the ids with labels, so labelled() reads those entries and no others. The
// contract cannot see an id left behind there (labelled() skips entries that are gone): this test looks at
// the set itself, after every way an entry leaves the store.

const TTL = 300

const entry = (key: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  key,
  partition: 'p',
  endpoint: 'chat',
  model: 'm',
  prompt: key,
  answer: { endpoint: 'chat', body: { choices: [{ index: 0, message: { role: 'assistant', content: key }, finish_reason: 'stop' }] } },
  ...extra,
})

describe.skipIf(!!redisSkipReason)('RedisCacheEntries: the set of labelled ids', () => {
  const redis = redisFixture()

  test('an id leaves it with its entry: delete, purge, a put under its key, an expired read, sweep (expired, LRU)', async () => {
    const r = await redis.open()
    const store = new RedisCacheEntries(r.redis, r.prefix, { ttlMs: TTL, maxEntries: 4 })
    const members = async () => ((await r.redis.send('SMEMBERS', [`${r.prefix}c:labelled`])) as string[]).map(Number).sort((x, y) => x - y)
    const label = { verdict: 'wrong' as const, similarity: 0.9, source: 'refresh' as const, at: 1 }
    try {
      const [a, b, c] = [await store.put(entry('a')), await store.put(entry('b', { model: 'x' })), await store.put(entry('c'))]
      for (const e of [a, b, c]) await store.addLabel(e.id, label)
      const imported = await store.put(entry('i', { labels: [label] }))
      expect(await members()).toEqual([a.id, b.id, c.id, imported.id])
      await store.delete(a.id)
      await store.purge('x')
      await store.put(entry('c'))
      expect(await members()).toEqual([imported.id])

      await Bun.sleep(TTL + 100)
      expect(await store.getById(imported.id)).toBeUndefined() // an expired read removes it, without waiting
      await eventually(async () => expect(await members()).toEqual([]))

      const [d, e2, f] = [await store.put(entry('d')), await store.put(entry('e')), await store.put(entry('f'))]
      for (const one of [d, e2, f]) await store.addLabel(one.id, label)
      await Bun.sleep(TTL + 100)
      await store.sweep()
      expect(await members()).toEqual([])

      const oldest = await store.put(entry('g'))
      await Bun.sleep(20) // recency has millisecond resolution, and ids of one millisecond go in text order
      const kept = [oldest, await store.put(entry('h')), await store.put(entry('j')), await store.put(entry('l'))]
      for (const one of kept) await store.addLabel(one.id, label)
      await store.put(entry('k')) // beyond four: g, the least recently used, goes
      expect(await members()).toEqual(kept.slice(1).map((one) => one.id))
    } finally {
      await store.close()
      await r.close()
    }
  })
})
