import type { KeptRefusal, KeyHealth, KeyHealthStore } from '../types'
import type { RedisConnection } from './connection'

// Upstream key health in Redis, so a key one replica found rate-limited or revoked rests for all of them:
// one hash per fingerprint, a field `cool:<model>` per model the key rests for (providers limit per model),
// and the disabled fields (reason, since, recheckAt) while it is disabled — those are the key's, for every
// model, with `refusal` (the upstream's answer no client saw yet, JSON) until a client takes it. The whole-key `coolingUntil` field of earlier versions is ignored and deleted at the next cool-down:
// it lasted at most a minute, so nothing needs migrating at start.

const COOLING = 'cool:'

// Cool-downs over by ARGV[3] go on every write: model names come from clients, the hash keeps only the
// models resting now (and an emptied hash is gone, as Redis drops empty hashes).
const COOL = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HDEL', KEYS[1], 'coolingUntil')
local row = redis.call('HGETALL', KEYS[1])
for i = 1, #row, 2 do
  if string.sub(row[i], 1, 5) == 'cool:' and tonumber(row[i + 1]) <= tonumber(ARGV[3]) then redis.call('HDEL', KEYS[1], row[i]) end
end
return 1
`

const DISABLE = `
if redis.call('HEXISTS', KEYS[1], 'reason') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'reason', ARGV[1], 'since', ARGV[2], 'recheckAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'refusal', ARGV[4]) end
return 1
`

// Read and deleted in one step: of two replicas asking at once, one gets the refusal.
const TAKE_REFUSAL = `
local refusal = redis.call('HGET', KEYS[1], 'refusal')
if refusal then redis.call('HDEL', KEYS[1], 'refusal') end
return refusal
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
      const row = (rows[i] ?? {}) as Record<string, string>
      const health: KeyHealth = { cooling: new Map() }
      for (const [field, value] of Object.entries(row)) if (field.startsWith(COOLING)) health.cooling.set(field.slice(COOLING.length), Number(value))
      if (row.reason !== undefined) health.disabled = { reason: row.reason, since: Number(row.since), recheckAt: Number(row.recheckAt) }
      if (health.disabled || health.cooling.size > 0) out.set(fp, health)
    })
    return out
  }

  async coolDown(fingerprint: string, model: string, until: number, now: number): Promise<void> {
    await this.redis.eval(COOL, [this.key(fingerprint)], [COOLING + model, until, now])
  }

  async disable(fingerprint: string, reason: string, since: number, recheckAt: number, refusal?: KeptRefusal): Promise<boolean> {
    const kept = refusal ? JSON.stringify({ status: refusal.status, body: refusal.body }) : ''
    return Number(await this.redis.eval(DISABLE, [this.key(fingerprint)], [reason, since, recheckAt, kept])) === 1
  }

  async takeRefusal(fingerprint: string): Promise<KeptRefusal | undefined> {
    const kept = await this.redis.eval(TAKE_REFUSAL, [this.key(fingerprint)], [])
    if (typeof kept !== 'string' || !kept) return undefined
    try {
      const { status, body } = JSON.parse(kept)
      return typeof status === 'number' && typeof body === 'string' ? { status, body } : undefined
    } catch {
      return undefined
    }
  }

  async postpone(fingerprint: string, recheckAt: number): Promise<void> {
    await this.redis.eval(`if redis.call('HEXISTS', KEYS[1], 'reason') == 1 then redis.call('HSET', KEYS[1], 'recheckAt', ARGV[1]) end return 1`, [this.key(fingerprint)], [recheckAt])
  }

  async enable(fingerprint: string): Promise<void> {
    await this.redis.send('HDEL', [this.key(fingerprint), 'reason', 'since', 'recheckAt', 'refusal'])
  }

  private key(fingerprint: string) {
    return `${this.prefix}health:${fingerprint}`
  }
}
