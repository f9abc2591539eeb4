import type { Tokens } from '../openai/usage'

// One finished API request, as the statistics see it: no prompt text, no key.

export interface RequestEvent {
  endpoint: string
  model?: string
  status: number
  cache?: 'HIT' | 'MISS' | 'BYPASS'
  cacheMatch?: 'exact' | 'semantic'
  durationMs: number
  /** Time to the upstream's response headers, when the upstream was called. */
  upstreamMs?: number
  /** The upstream failed: unreachable, timed out, 5xx or 429. */
  upstreamFailed: boolean
  /** Refused by the key's requests-per-minute limit (429 rate_limit_exceeded). */
  rateLimited: boolean
  /** Refused by the key's budget (429 insufficient_quota): not a rate limit, and counted apart from one. */
  overBudget?: boolean
  /** Tokens a cache hit did not spend: its stored answer's usage (the provider-cached part priced as such). */
  saved?: Tokens
  /** The upstream that answered, by its configured name. */
  upstream?: string
  /** What that upstream reported the answer used, under its name of the model (where the proxy read it). */
  usage?: { model: string; tokens: Tokens }
  at?: number
}
