import type { BudgetStore, Reservation } from '../types'
import type { RedisConnection } from './connection'

// Budget spend and reservations in Redis, shared by every replica: per key and period a hash with the
// settled spend, a sorted set of reservations by expiry and a hash of their amounts. Reserving is one Lua
// script (expire, sum, check, hold), so N replicas under concurrent load admit exactly what one would.
// A replica that dies leaves its reservations to expire by themselves.

const PRUNE = `
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[3], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local held = 0
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do held = held + tonumber(v) end
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
`

const NOW = `local t = redis.call('TIME') ARGV[1] = t[1] * 1000 + math.floor(t[2] / 1000)`

const RESERVE = `${NOW}
${PRUNE}
local amount = tonumber(ARGV[2])
if spent + held + amount > tonumber(ARGV[3]) then return { '0', tostring(spent), tostring(held) } end
local id = 'r' .. redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), id)
redis.call('HSET', KEYS[3], id, ARGV[2])
redis.call('SADD', KEYS[5], ARGV[5])
return { '1', tostring(spent), tostring(held + amount), id }
`

const SPENT = `${NOW}
${PRUNE}
return { tostring(spent), tostring(held) }
`

const SETTLE = `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBYFLOAT', KEYS[1], 'spent', ARGV[2]) end
redis.call('SADD', KEYS[4], ARGV[3])
return 1
`

export class RedisBudgets implements BudgetStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation> {
    const [ok, spent, reserved, id] = await this.redis.eval(RESERVE, [...this.keys(key, period), `${this.prefix}budget:seq`, this.periods(key)], [
      0,
      amount,
      limit,
      ttlMs,
      period,
    ])
    return ok === '1' ? { ok: true, spent: Number(spent), reserved: Number(reserved), id } : { ok: false, spent: Number(spent), reserved: Number(reserved) }
  }

  async settle(key: string, period: string, id: string, actual: number): Promise<void> {
    await this.redis.eval(SETTLE, [...this.keys(key, period), this.periods(key)], [id, Math.max(0, actual), period])
  }

  async release(key: string, period: string, id: string): Promise<void> {
    await this.redis.eval(SETTLE, [...this.keys(key, period), this.periods(key)], [id, 0, period])
  }

  async spend(key: string, period: string, amount: number): Promise<void> {
    if (!(amount > 0)) return
    await this.redis.eval(SETTLE, [...this.keys(key, period), this.periods(key)], ['', amount, period])
  }

  async spent(key: string, period: string): Promise<{ spent: number; reserved: number }> {
    const [spent, reserved] = await this.redis.eval(SPENT, this.keys(key, period), [0])
    return { spent: Number(spent), reserved: Number(reserved) }
  }

  async reset(key: string): Promise<void> {
    const periods: string[] = (await this.redis.send('SMEMBERS', [this.periods(key)])) ?? []
    const doomed = periods.flatMap((period) => this.keys(key, period))
    if (doomed.length) await this.redis.send('DEL', doomed)
    await this.redis.send('DEL', [this.periods(key)])
  }

  private keys(key: string, period: string): [string, string, string] {
    const base = `${this.prefix}budget:${key}:${period}`
    return [base, `${base}:held`, `${base}:amounts`]
  }

  private periods(key: string) {
    return `${this.prefix}budget:${key}:periods`
  }
}
