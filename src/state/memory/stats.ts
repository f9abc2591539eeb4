import type { SeriesPoint, StatsData, StatsDelta, StatsStore } from '../types'

/** Totals and series in memory: nothing survives the process (tests, and the Redis fallback). */
export class MemoryStats implements StatsStore {
  private readonly totals = new Map<string, number>()
  private readonly points = new Map<number, SeriesPoint>()
  private readonly since: number

  constructor(now: () => number = Date.now) {
    this.since = now()
  }

  async add(delta: StatsDelta): Promise<void> {
    for (const [name, by] of delta.totals) this.totals.set(name, (this.totals.get(name) ?? 0) + by)
    for (const [bucket, p] of delta.points) {
      const point = this.points.get(bucket) ?? { bucket, requests: 0, hitsExact: 0, hitsSemantic: 0 }
      point.requests += p.requests
      point.hitsExact += p.hitsExact
      point.hitsSemantic += p.hitsSemantic
      this.points.set(bucket, point)
    }
  }

  async read(fromBucket: number): Promise<StatsData> {
    return {
      totals: new Map(this.totals),
      points: [...this.points.values()].filter((p) => p.bucket >= fromBucket).sort((a, b) => a.bucket - b.bucket).map((p) => ({ ...p })),
      since: this.since,
    }
  }

  async prune(beforeBucket: number): Promise<void> {
    for (const bucket of this.points.keys()) if (bucket < beforeBucket) this.points.delete(bucket)
  }

  async close(): Promise<void> {}
}
