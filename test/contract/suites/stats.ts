import { describe, expect, test } from 'bun:test'
import type { SeriesPoint, StatsDelta, StatsStore } from '../../../src/state/types'
import { opener, type Opened } from '../helpers'

// The contract of StatsStore: deltas add up (replicas' counts sum), reads give the totals and the series
// from a bucket on, in bucket order. Persistence is the SQLite store's own (test/contract/stats.test.ts).

const delta = (totals: Record<string, number>, points: SeriesPoint[]): StatsDelta => ({
  totals: new Map(Object.entries(totals)),
  points: new Map(points.map(({ bucket, ...p }) => [bucket, p])),
})

const point = (bucket: number, requests: number, hitsExact = 0, hitsSemantic = 0): SeriesPoint => ({ bucket, requests, hitsExact, hitsSemantic })

export function statsContract(name: string, make: () => Promise<Opened<StatsStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('an empty store reads as nothing, counting since about now', async () => {
      const before = Date.now()
      const store = await open()
      const data = await store.read(0)
      expect(data.totals.size).toBe(0)
      expect(data.points).toEqual([])
      expect(data.since).toBeGreaterThan(before - 5_000)
      expect(data.since).toBeLessThanOrEqual(Date.now())
    })

    test('adds sum totals and points of the same names and buckets', async () => {
      const store = await open()
      await store.add(delta({ requests: 2, hits: 1 }, [point(100, 2, 1, 0)]))
      await store.add(delta({ requests: 3, errors: 1 }, [point(100, 3, 0, 2), point(101, 1)]))
      const data = await store.read(0)
      expect(Object.fromEntries(data.totals)).toEqual({ requests: 5, hits: 1, errors: 1 })
      expect(data.points).toEqual([point(100, 5, 1, 2), point(101, 1)])
    })

    test('totals keep fractions (costs in dollars)', async () => {
      const store = await open()
      await store.add(delta({ costUsd: 0.25 }, []))
      await store.add(delta({ costUsd: 0.5 }, []))
      expect((await store.read(0)).totals.get('costUsd')).toBeCloseTo(0.75, 9)
    })

    test('read gives the points from a bucket on, sorted, and the same `since` each time', async () => {
      const store = await open()
      await store.add(delta({}, [point(105, 5), point(102, 2)]))
      await store.add(delta({}, [point(103, 3), point(101, 1)]))
      const first = await store.read(102)
      expect(first.points.map((p) => p.bucket)).toEqual([102, 103, 105])
      expect((await store.read(106)).points).toEqual([])
      expect((await store.read(0)).since).toBe(first.since)
    })

    test('prune drops the points before a bucket, and no totals', async () => {
      const store = await open()
      await store.add(delta({ requests: 4 }, [point(1, 1), point(2, 1), point(3, 2)]))
      await store.prune(3)
      const data = await store.read(0)
      expect(data.points).toEqual([point(3, 2)])
      expect(data.totals.get('requests')).toBe(4)
    })

    test('what read returns is a copy', async () => {
      const store = await open()
      await store.add(delta({ requests: 1 }, [point(7, 1)]))
      const data = await store.read(0)
      data.totals.set('requests', 99)
      data.points[0]!.requests = 99
      const again = await store.read(0)
      expect(again.totals.get('requests')).toBe(1)
      expect(again.points).toEqual([point(7, 1)])
    })
  })
}
