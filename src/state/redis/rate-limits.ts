import type { RateLimitResult, RateLimitStore } from '../types'
import type { RedisConnection } from './connection'

// Sliding-window logs in Redis, one sorted set per key (score: the time counted, in Redis' own clock), so
// every replica counts in the same window. Check and count are one Lua script: atomic across replicas.

const HIT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local member = ''
if ARGV[3] == '1' and count < limit then
  member = now .. '-' .. redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
return { member, count, now, oldest[2] or '', newest[2] or '' }
`

export class RedisRateLimits implements RateLimitStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.run(key, limit, windowMs, true)
  }

  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.run(key, limit, windowMs, false)
  }

  async release(key: string, token: string): Promise<void> {
    await this.redis.send('ZREM', [this.key(key), token])
  }

  private key(key: string) {
    return `${this.prefix}rl:${key}`
  }

  private async run(key: string, limit: number, windowMs: number, count: boolean): Promise<RateLimitResult> {
    const [member, size, now, oldest, newest] = await this.redis.eval(HIT, [this.key(key), `${this.prefix}rl:seq`], [limit, windowMs, count ? 1 : 0])
    const used = Number(size)
    const success = count ? member !== '' : used < limit
    const t = Number(now)
    return {
      success,
      limit,
      remaining: Math.max(0, limit - used),
      retryAfterMs: success || oldest === '' ? 0 : Number(oldest) + windowMs - t,
      resetMs: newest === '' ? 0 : Number(newest) + windowMs - t,
      ...(count && success ? { token: String(member) } : {}),
    }
  }
}
