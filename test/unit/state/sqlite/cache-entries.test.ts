import { describe, expect, test } from 'bun:test'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../../../helpers/temp-dirs'
import { SqliteCacheEntries } from '../../../../src/state/sqlite/cache-entries'
import { cacheStatements } from '../../../../src/state/sqlite/cache-statements'
import type { NewEntry } from '../../../../src/state/types'

const tempDir = tempDirs()

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs)
  const n = Math.hypot(...xs)
  return v.map((x) => x / n)
}
const entry = (key: string, embedding?: Float32Array): NewEntry => ({
  key,
  partition: 'p',
  endpoint: 'chat',
  model: 'm',
  prompt: key,
  answer: { endpoint: 'chat', body: { choices: [{ index: 0, message: { role: 'assistant', content: key }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } } },
  embedding,
  embeddingModel: embedding ? 'e' : undefined,
})

/** The ids the store reports removed on its change feed, in order. */
const removedIds = (store: SqliteCacheEntries) => {
  const removed: number[] = []
  store.subscribe((change) => {
    if (change.kind === 'removed') removed.push(...change.ids)
  })
  return removed
}

describe('SqliteCacheEntries', () => {
  test('put, get, replace under the same key (the old id is reported removed), WAL mode', async () => {
    const store = SqliteCacheEntries.open(join(tempDir(), 'c.sqlite'), { ttlMs: 60_000, maxEntries: 10 })
    const removed = removedIds(store)
    const first = await store.put(entry('a', unit(1, 0)))
    expect((await store.getByKey('a'))!.answer.body.choices[0].message.content).toBe('a')
    const second = await store.put({ ...entry('a'), prompt: 'newer' })
    expect(second.id).toBeGreaterThan(first.id)
    expect(removed).toEqual([first.id])
    expect(await store.count()).toBe(1)
    expect((await store.getByKey('a'))!.prompt).toBe('newer')
    expect((store.db.query('PRAGMA journal_mode').get() as any).journal_mode).toBe('wal')
    await store.close()
  })

  test('TTL with an injected clock: expired entries are misses and are removed', async () => {
    let now = 1_000_000
    const store = SqliteCacheEntries.open(join(tempDir(), 'c.sqlite'), { ttlMs: 1000, maxEntries: 10, now: () => now })
    const removed = removedIds(store)
    const a = await store.put(entry('a', unit(1, 0)))
    now += 999
    expect(await store.getByKey('a')).toBeDefined()
    expect(await store.candidates([a.id])).toHaveLength(1)
    now += 1
    expect(await store.candidates([a.id])).toHaveLength(0)
    expect(await store.getByKey('a')).toBeUndefined()
    expect(removed).toEqual([a.id])
    await store.put(entry('b'))
    now += 5000
    expect(await store.sweep()).toBe(1)
    expect(await store.count()).toBe(0)
    await store.close()
  })

  test('least recently used eviction beyond maxEntries', async () => {
    let now = 0
    const store = SqliteCacheEntries.open(join(tempDir(), 'c.sqlite'), { ttlMs: 1e9, maxEntries: 2, now: () => now })
    const removed = removedIds(store)
    const a = await store.put(entry('a'))
    now = 1
    const b = await store.put(entry('b'))
    now = 2
    store.touch(a.id)
    now = 3
    await store.put(entry('c'))
    expect(removed).toEqual([b.id])
    expect(await store.getByKey('b')).toBeUndefined()
    expect((await store.getByKey('a'))!.hits).toBe(1)
    await store.close()
  })

  // The f16 round trip itself is in vectors.test.ts.
  test('vectors() pages in id order', async () => {
    const store = SqliteCacheEntries.open(join(tempDir(), 'c.sqlite'), { ttlMs: 1e9, maxEntries: 100 })
    for (let i = 0; i < 5; i++) await store.put(entry(`k${i}`, unit(1, i)))
    await store.put(entry('no-vector'))
    const page1 = await store.vectors('e', 0, 3)
    const page2 = await store.vectors('e', page1.at(-1)!.id, 3)
    expect([...page1, ...page2].map((r) => r.id)).toEqual([1, 2, 3, 4, 5])
    expect(await store.vectorSummary('e')).toEqual({ count: 5, maxId: 5, sumId: 15 })
    expect((await store.vectorSummary('other-model')).count).toBe(0)
    await store.close()
  })

  test('a file of round 1 (no cache_group, no labels) opens with both columns, and its entries take labels', async () => {
    const path = join(tempDir(), 'cache.sqlite')
    copyFileSync(join(import.meta.dir, '../../../fixtures/data-round1/cache.sqlite'), path)
    const store = SqliteCacheEntries.open(path, { ttlMs: 1e12, maxEntries: 100 })
    const columns = store.db.query<{ name: string }, []>('PRAGMA table_info(entries)').all().map((c) => c.name)
    expect(columns).toContain('labels')
    const [first] = await store.candidates([1])
    expect(first!.labels).toEqual([])
    expect(await store.addLabel(1, { verdict: 'wrong', similarity: 0.9, source: 'feedback', at: 5 })).toBe(true)
    expect((await store.labelled()).map((l) => [l.id, l.labels.length])).toEqual([[1, 1]])
    await store.close()
    // Opened again: migrated once, labels kept.
    const again = SqliteCacheEntries.open(path, { ttlMs: 1e12, maxEntries: 100 })
    expect((await again.getById(1))!.labels).toEqual([{ verdict: 'wrong', similarity: 0.9, source: 'feedback', at: 5 }])
    await again.close()
  })

  test('labelled() reads the partial index of judged entries, not every row', async () => {
    const store = SqliteCacheEntries.open(join(tempDir(), 'c.sqlite'), { ttlMs: 1e9, maxEntries: 100 })
    // The statement labelled() runs, as SQLite plans it (toString() gives its SQL, with NULL for the parameter).
    const sql = cacheStatements(store.db).labelled.toString()
    const plan = store.db.query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${sql}`).all()
    expect(plan.map((p) => p.detail)).toEqual([expect.stringContaining('USING INDEX entries_labelled'), expect.stringContaining('ORDER BY')])
    const index = store.db.query<{ sql: string }, []>("SELECT sql FROM sqlite_master WHERE name = 'entries_labelled'").get()
    expect(index!.sql).toContain('WHERE labels IS NOT NULL')
    // An entry without labels is NULL there (kept out of the index), also after a put with an empty list.
    const plain = await store.put({ ...entry('plain'), labels: [] })
    expect(store.db.query<{ labels: string | null }, [number]>('SELECT labels FROM entries WHERE id = ?').get(plain.id)!.labels).toBeNull()
    await store.close()
  })
})
