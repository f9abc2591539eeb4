import type { ClientKey } from '../auth/client-key'
import { rateLimitExceeded } from '../errors'
import type { RateLimitResult, RateLimitStore } from '../state/types'
import { rateLimitHeaders } from './headers'

// The limits a request must pass before it may spend anything upstream: the key's requests-per-minute
// window (and, with budgets, its spend). `admit` checks and counts in one atomic step of the store, so N
// concurrent requests get exactly as far as the limit lets them; `release` hands a count back when the
// cache answered after all (hits are free).

const WINDOW_MS = 60_000

export interface Admission {
  /** The x-ratelimit-* headers for the answer. */
  headers: Record<string, string>
  /** The request was answered from the cache after all: it spends nothing. */
  release(): Promise<void>
}

const FREE: Admission = { headers: {}, release: async () => {} }

export class Gatekeeper {
  constructor(private readonly rateLimits: RateLimitStore) {}

  /** The key's window as it stands, counting nothing; undefined when the key has no limit. */
  async peek(key: ClientKey): Promise<RateLimitResult | undefined> {
    if (key.rateLimit <= 0) return undefined
    return this.rateLimits.peek(key.id, key.rateLimit, WINDOW_MS)
  }

  /** Counts one model request for `key`, or throws 429 `rate_limit_exceeded` when it is over its limit. */
  async admit(key: ClientKey): Promise<Admission> {
    if (key.rateLimit <= 0) return FREE
    const result = await this.rateLimits.hit(key.id, key.rateLimit, WINDOW_MS)
    const headers = rateLimitHeaders(result)
    if (!result.success) {
      throw rateLimitExceeded(
        `Rate limit reached for this client: ${result.limit} requests per minute (MODEL_RATE_LIMIT). Please try again in ${headers['retry-after']}s.`,
        headers
      )
    }
    return { headers, release: () => this.rateLimits.release(key.id, result.token!) }
  }
}
