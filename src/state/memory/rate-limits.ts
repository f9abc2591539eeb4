import { SlidingWindowLimiter } from './sliding-window'
import type { RateLimitResult, RateLimitStore } from '../types'

// Rate-limit windows in this process's memory: one sliding-window log per (limit, window) pair, since keys
// may have limits of their own. Every call runs to completion without an await, so check-and-count is
// atomic among the requests of this process. The token of a counted request names its window and the time
// it was counted.

export interface MemoryRateLimitOptions {
  now?: () => number
  /** Keys kept per window before the least recently seen is dropped. */
  maxKeys?: number
}

export class MemoryRateLimits implements RateLimitStore {
  private readonly windows = new Map<string, SlidingWindowLimiter>()

  constructor(private readonly options: MemoryRateLimitOptions = {}) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const { result, countedAt } = this.window(limit, windowMs).admit(key)
    return result.success ? { ...result, token: `${limit}/${windowMs}@${countedAt}` } : result
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.window(limit, windowMs).peek(key)
  }

  async release(key: string, token: string): Promise<void> {
    const [id, at] = token.split('@')
    this.windows.get(id!)?.release(key, Number(at))
  }

  private window(limit: number, windowMs: number): SlidingWindowLimiter {
    const id = `${limit}/${windowMs}`
    let window = this.windows.get(id)
    if (!window) this.windows.set(id, (window = new SlidingWindowLimiter({ limit, windowMs, now: this.options.now, maxClients: this.options.maxKeys })))
    return window
  }
}
