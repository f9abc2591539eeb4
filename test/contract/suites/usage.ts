import { describe, expect, test } from 'bun:test'
import type { UsageRow, UsageStore } from '../../../src/state/types'
import { opener, type Opened } from '../helpers'

// The contract of UsageStore: one row per (key, UTC day, model), deltas summed into it (the prompt's cached
// and cache-written parts and the completion's reasoning too, 0 when a delta does not give them); rows come
// back filtered by key and a half-open day range, sorted by key, day and model.

const row = (key: string, day: string, model: string, n = 1): UsageRow => ({
  key,
  day,
  model,
  requests: n,
  hits: n - 1,
  promptTokens: 10 * n,
  completionTokens: 5 * n,
  cachedTokens: 6 * n,
  cacheWriteTokens: 2 * n,
  reasoningTokens: 3 * n,
  costUsd: 0.1 * n,
  savedUsd: 0.01 * n,
})

const where = (rows: UsageRow[]) => rows.map((r) => `${r.key} ${r.day} ${r.model}`)

export function usageContract(name: string, make: () => Promise<Opened<UsageStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('adds of one key, day and model sum every count', async () => {
      const store = await open()
      await store.add(row('k', '2026-01-02', 'm', 1))
      await store.add(row('k', '2026-01-02', 'm', 2))
      const rows = await store.rows('k', '2026-01-01', '2026-02-01')
      expect(rows).toHaveLength(1)
      const [sum] = rows
      expect(sum).toMatchObject({ key: 'k', day: '2026-01-02', model: 'm', requests: 3, hits: 1, promptTokens: 30, completionTokens: 15 })
      expect(sum).toMatchObject({ cachedTokens: 18, cacheWriteTokens: 6, reasoningTokens: 9 })
      expect(sum!.costUsd).toBeCloseTo(0.3, 9)
      expect(sum!.savedUsd).toBeCloseTo(0.03, 9)
    })

    test('a delta without the cached, cache-written and reasoning parts adds 0 to them', async () => {
      const store = await open()
      const { cachedTokens: _c, cacheWriteTokens: _w, reasoningTokens: _r, ...plain } = row('k', '2026-01-02', 'm', 2)
      await store.add(plain)
      expect((await store.rows('k', '2026-01-02', '2026-01-03'))[0]).toMatchObject({ promptTokens: 20, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 })
      await store.add(row('k', '2026-01-02', 'm', 1))
      await store.add(plain)
      expect((await store.rows('k', '2026-01-02', '2026-01-03'))[0]).toMatchObject({ promptTokens: 50, cachedTokens: 6, cacheWriteTokens: 2, reasoningTokens: 3 })
    })

    test('rows: of one key or of all, fromDay ≤ day < toDay, sorted by key, day and model', async () => {
      const store = await open()
      for (const r of [
        row('b', '2026-01-02', 'm2'),
        row('a', '2026-01-03', 'm1'),
        row('b', '2026-01-01', 'm1'),
        row('a', '2026-01-02', 'm2'),
        row('a', '2026-01-02', 'm1'),
        row('a', '2025-12-31', 'm1'),
        row('a', '2026-01-04', 'm1'),
      ])
        await store.add(r)
      expect(where(await store.rows(undefined, '2026-01-01', '2026-01-04'))).toEqual([
        'a 2026-01-02 m1',
        'a 2026-01-02 m2',
        'a 2026-01-03 m1',
        'b 2026-01-01 m1',
        'b 2026-01-02 m2',
      ])
      expect(where(await store.rows('b', '2026-01-01', '2026-01-02'))).toEqual(['b 2026-01-01 m1'])
      expect(await store.rows('c', '2026-01-01', '2027-01-01')).toEqual([])
      expect(await store.rows(undefined, '2026-01-02', '2026-01-02')).toEqual([])
    })

    test('reset removes the rows of one key only', async () => {
      const store = await open()
      await store.add(row('a', '2026-01-01', 'm'))
      await store.add(row('a', '2026-01-02', 'm'))
      await store.add(row('b', '2026-01-01', 'm'))
      await store.reset('a')
      expect(where(await store.rows(undefined, '2000-01-01', '2100-01-01'))).toEqual(['b 2026-01-01 m'])
      // A reset key counts from zero again.
      await store.add(row('a', '2026-01-01', 'm', 2))
      expect((await store.rows('a', '2000-01-01', '2100-01-01'))[0]!.requests).toBe(2)
    })

    test('what rows returns is a copy', async () => {
      const store = await open()
      await store.add(row('a', '2026-01-01', 'm'))
      const [first] = await store.rows('a', '2026-01-01', '2026-01-02')
      first!.requests = 99
      expect((await store.rows('a', '2026-01-01', '2026-01-02'))[0]!.requests).toBe(1)
    })
  })
}
