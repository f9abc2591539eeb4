import type { UsageDelta, UsageRow, UsageStore } from '../types'
import type { RedisConnection } from './connection'

// Usage per key, UTC day and model in Redis: one hash per row, and a sorted set of the rows by day (score:
// days since 1970) to find them by date.

// Rows written before a field existed (cachedTokens and the other parts of the prompt and completion) lack
// it: read as 0.
const FIELDS = ['requests', 'hits', 'promptTokens', 'completionTokens', 'cachedTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd', 'savedUsd'] as const
const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000)

export class RedisUsage implements UsageStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async add(d: UsageDelta): Promise<void> {
    const member = JSON.stringify([d.key, d.day, d.model])
    await this.redis.eval(
      `redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
       for i = 3, #ARGV, 2 do
         if tonumber(ARGV[i + 1]) ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
       end
       return 1`,
      [this.row(member), this.index()],
      [dayNumber(d.day), member, ...FIELDS.flatMap((field) => [field, d[field] ?? 0])]
    )
  }

  async rows(key: string | undefined, fromDay: string, toDay: string): Promise<UsageRow[]> {
    const members: string[] = (await this.redis.send('ZRANGEBYSCORE', [this.index(), dayNumber(fromDay), `(${dayNumber(toDay)}`])) ?? []
    const wanted = members.filter((m) => key === undefined || JSON.parse(m)[0] === key)
    const rows = await Promise.all(wanted.map((m) => this.redis.send('HGETALL', [this.row(m)])))
    return wanted
      .map((m, i) => {
        const [k, day, model] = JSON.parse(m) as [string, string, string]
        const h = (rows[i] ?? {}) as Record<string, string>
        return {
          key: k,
          day,
          model,
          requests: Number(h.requests ?? 0),
          hits: Number(h.hits ?? 0),
          promptTokens: Number(h.promptTokens ?? 0),
          completionTokens: Number(h.completionTokens ?? 0),
          cachedTokens: Number(h.cachedTokens ?? 0),
          cacheWriteTokens: Number(h.cacheWriteTokens ?? 0),
          reasoningTokens: Number(h.reasoningTokens ?? 0),
          costUsd: Number(h.costUsd ?? 0),
          savedUsd: Number(h.savedUsd ?? 0),
        }
      })
      .sort((a, b) => a.key.localeCompare(b.key) || a.day.localeCompare(b.day) || a.model.localeCompare(b.model))
  }

  async reset(key: string): Promise<void> {
    const members: string[] = (await this.redis.send('ZRANGE', [this.index(), 0, -1])) ?? []
    const doomed = members.filter((m) => JSON.parse(m)[0] === key)
    if (doomed.length === 0) return
    await this.redis.send('DEL', doomed.map((m) => this.row(m)))
    await this.redis.send('ZREM', [this.index(), ...doomed])
  }

  private row(member: string) {
    return `${this.prefix}usage:row:${member}`
  }

  private index() {
    return `${this.prefix}usage:index`
  }
}
