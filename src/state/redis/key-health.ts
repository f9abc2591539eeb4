import type { KeyHealth, KeyHealthStore } from '../types'
import type { RedisConnection } from './connection'

// Upstream key health in Redis, so a key one replica found rate-limited or revoked rests for all of them:
// one hash per fingerprint (coolingUntil, and the disabled fields while it is disabled).

const COOL = `
local current = tonumber(redis.call('HGET', KEYS[1], 'coolingUntil') or '0')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'coolingUntil', ARGV[1]) end
return 1
`

const DISABLE = `
if redis.call('HEXISTS', KEYS[1], 'reason') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'reason', ARGV[1], 'since', ARGV[2], 'recheckAt', ARGV[3])
return 1
`

export class RedisKeyHealth implements KeyHealthStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async get(fingerprints: readonly string[]): Promise<Map<string, KeyHealth>> {
    const rows = await Promise.all(fingerprints.map((fp) => this.redis.send('HGETALL', [this.key(fp)])))
    const out = new Map<string, KeyHealth>()
    fingerprints.forEach((fp, i) => {
      const row = rows[i] as Record<string, string> | null
      if (!row || Object.keys(row).length === 0) return
      const health: KeyHealth = { coolingUntil: Number(row.coolingUntil ?? 0) }
      if (row.reason !== undefined) health.disabled = { reason: row.reason, since: Number(row.since), recheckAt: Number(row.recheckAt) }
      out.set(fp, health)
    })
    return out
  }

  async coolDown(fingerprint: string, until: number): Promise<void> {
    await this.redis.eval(COOL, [this.key(fingerprint)], [until])
  }

  async disable(fingerprint: string, reason: string, since: number, recheckAt: number): Promise<boolean> {
    return Number(await this.redis.eval(DISABLE, [this.key(fingerprint)], [reason, since, recheckAt])) === 1
  }

  async postpone(fingerprint: string, recheckAt: number): Promise<void> {
    await this.redis.eval(`if redis.call('HEXISTS', KEYS[1], 'reason') == 1 then redis.call('HSET', KEYS[1], 'recheckAt', ARGV[1]) end return 1`, [this.key(fingerprint)], [recheckAt])
  }

  async enable(fingerprint: string): Promise<void> {
    await this.redis.send('HDEL', [this.key(fingerprint), 'reason', 'since', 'recheckAt'])
  }

  private key(fingerprint: string) {
    return `${this.prefix}health:${fingerprint}`
  }
}
