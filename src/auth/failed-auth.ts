import { tooManyFailedAuth, type ApiError } from '../errors'
import type { RateLimitStore } from '../state/types'
import { addressNetwork } from './client-address'

// Guessing a key must not be free (DESIGN §1.5): every wrong or missing key is counted against the address it
// came from, in the rate-limit store (so replicas sharing Redis count together, and fall back to their own
// memory while it is away), and past the limit that address is answered 429 instead of 401 until its window
// has room again. Only refusals come here: a request with a valid key is never counted, slowed or refused,
// whatever its address did before.

/** Failed attempts an address may make per window before it is answered 429. */
export const FAILED_AUTH_LIMIT = 20
export const FAILED_AUTH_WINDOW_MS = 60_000

/** Beside the rate limits' own keys (`ip:`, `key:`, `name:`), never among them. */
const NAMESPACE = 'auth-failures:'

export interface FailedAuthOptions {
  store: RateLimitStore
  /** Told of every refusal, `limited` when it was the 429 (for /stats and /metrics). */
  onRefused?: (limited: boolean) => void
  limit?: number
  windowMs?: number
}

export class FailedAuth {
  constructor(private readonly options: FailedAuthOptions) {}

  /**
   * What a wrong or missing key from `address` is answered with: `unauthorized` (the 401 it would be), or 429
   * once the address failed too often. A store that cannot answer lets the 401 through: counting stops for
   * a moment, refusing does not.
   */
  async refuse(address: string, unauthorized: ApiError): Promise<ApiError> {
    const { store, limit = FAILED_AUTH_LIMIT, windowMs = FAILED_AUTH_WINDOW_MS, onRefused } = this.options
    const window = await store.hit(NAMESPACE + addressNetwork(address), limit, windowMs).catch(() => undefined)
    const limited = window?.success === false
    onRefused?.(limited)
    return limited ? tooManyFailedAuth(Math.max(1, Math.ceil(window!.retryAfterMs / 1000))) : unauthorized
  }
}
