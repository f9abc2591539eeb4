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
  rateLimited: boolean
  /** Tokens a cache hit did not spend. */
  saved?: { promptTokens: number; completionTokens: number }
  at?: number
}
