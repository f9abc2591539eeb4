// Sliding-window log limiter: exact (no fixed-window bursts at the boundary), with an injected clock for tests.
// Memory is bounded twice: idle clients are swept once per window, and past `maxClients` the least
// recently seen client is dropped (a Map iterates in insertion order, and every hit re-inserts).

export interface LimitResult {
  success: boolean
  limit: number
  remaining: number
  /** ms until the next request would be allowed (0 when allowed now). */
  retryAfterMs: number
  /** ms until the window is empty again (OpenAI's x-ratelimit-reset-requests). */
  resetMs: number
}

export interface LimiterOptions {
  limit: number
  windowMs?: number
  now?: () => number
  maxClients?: number
}

export class SlidingWindowLimiter {
  readonly limit: number
  private readonly windowMs: number
  private readonly now: () => number
  private readonly maxClients: number
  private readonly hits = new Map<string, number[]>()
  private lastSweep: number

  constructor(options: LimiterOptions) {
    this.limit = options.limit
    this.windowMs = options.windowMs ?? 60_000
    this.now = options.now ?? Date.now
    this.maxClients = options.maxClients ?? 100_000
    this.lastSweep = this.now()
  }

  get clients(): number {
    return this.hits.size
  }

  /** Counts one request for `key` if the window has room. */
  consume(key: string): LimitResult {
    return this.check(key, true)
  }

  /** The state for `key` without counting a request. */
  peek(key: string): LimitResult {
    return this.check(key, false)
  }

  /** Like `consume`, also saying when the request was counted: the time `release` takes to undo it. */
  admit(key: string): { result: LimitResult; countedAt: number } {
    const countedAt = this.now()
    return { result: this.check(key, true, countedAt), countedAt }
  }

  /** Takes back one request counted at `countedAt` (it was answered from the cache after all). */
  release(key: string, countedAt: number) {
    const log = this.hits.get(key)
    const at = log ? log.lastIndexOf(countedAt) : -1
    if (at !== -1) log!.splice(at, 1)
  }

  private check(key: string, count: boolean, now = this.now()): LimitResult {
    this.sweep(now)
    const since = now - this.windowMs
    const log = (this.hits.get(key) ?? []).filter((t) => t > since)
    const allowed = log.length < this.limit
    if (allowed && count) log.push(now)

    this.hits.delete(key)
    if (log.length > 0) this.hits.set(key, log)
    if (this.hits.size > this.maxClients) this.hits.delete(this.hits.keys().next().value as string)

    const oldest = log[0]
    const newest = log[log.length - 1]
    return {
      success: allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - log.length),
      retryAfterMs: allowed || oldest === undefined ? 0 : oldest + this.windowMs - now,
      resetMs: newest === undefined ? 0 : newest + this.windowMs - now,
    }
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.windowMs) return
    this.lastSweep = now
    const since = now - this.windowMs
    for (const [key, log] of this.hits) {
      if ((log[log.length - 1] ?? 0) <= since) this.hits.delete(key)
    }
  }
}
