import type { SeriesPoint, StatsData, StatsDelta, StatsStore } from '../types'
import type { RedisConnection } from './connection'

// The statistics behind /stats shared by every replica: totals in one hash, the series in one hash per
// bucket, each replica adding what it counted (HINCRBYFLOAT), and the time counting began.

export class RedisStats implements StatsStore {
  private since: number | undefined

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly now: () => number = Date.now
  ) {}

  async add(delta: StatsDelta): Promise<void> {
    const totals = [...delta.totals].flatMap(([name, by]) => [name, by])
    const points = [...delta.points].flatMap(([bucket, p]) => [bucket, p.requests, p.hitsExact, p.hitsSemantic])
    await this.redis.eval(
      `for i = 1, #ARGV, 2 do
         if ARGV[i] == '--points' then
           for j = i + 1, #ARGV, 4 do
             local key = KEYS[2] .. ARGV[j]
             redis.call('HINCRBY', key, 'requests', ARGV[j + 1])
             redis.call('HINCRBY', key, 'hitsExact', ARGV[j + 2])
             redis.call('HINCRBY', key, 'hitsSemantic', ARGV[j + 3])
             redis.call('ZADD', KEYS[3], ARGV[j], ARGV[j])
           end
           return 1
         end
         redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
       end
       return 1`,
      [`${this.prefix}stats:totals`, `${this.prefix}stats:bucket:`, `${this.prefix}stats:buckets`],
      [...totals, '--points', ...points]
    )
  }

  async read(fromBucket: number): Promise<StatsData> {
    const totals = ((await this.redis.send('HGETALL', [`${this.prefix}stats:totals`])) ?? {}) as Record<string, string>
    const buckets: string[] = (await this.redis.send('ZRANGEBYSCORE', [`${this.prefix}stats:buckets`, fromBucket, '+inf'])) ?? []
    const rows = await Promise.all(buckets.map((b) => this.redis.send('HGETALL', [`${this.prefix}stats:bucket:${b}`])))
    const points: SeriesPoint[] = buckets.map((b, i) => {
      const r = (rows[i] ?? {}) as Record<string, string>
      return { bucket: Number(b), requests: Number(r.requests ?? 0), hitsExact: Number(r.hitsExact ?? 0), hitsSemantic: Number(r.hitsSemantic ?? 0) }
    })
    return { totals: new Map(Object.entries(totals).map(([k, v]) => [k, Number(v)])), points, since: await this.sinceTime() }
  }

  async prune(beforeBucket: number): Promise<void> {
    const old: string[] = (await this.redis.send('ZRANGEBYSCORE', [`${this.prefix}stats:buckets`, '-inf', `(${beforeBucket}`])) ?? []
    if (old.length === 0) return
    await this.redis.send('DEL', old.map((b) => `${this.prefix}stats:bucket:${b}`))
    await this.redis.send('ZREM', [`${this.prefix}stats:buckets`, ...old])
  }

  async close(): Promise<void> {}

  /** When the first replica began counting (kept in Redis, so every replica says the same). */
  private async sinceTime(): Promise<number> {
    if (this.since !== undefined) return this.since
    await this.redis.send('SET', [`${this.prefix}stats:since`, this.now(), 'NX'])
    this.since = Number(await this.redis.send('GET', [`${this.prefix}stats:since`]))
    return this.since
  }
}
