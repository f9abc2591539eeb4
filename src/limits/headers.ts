import type { RateLimitResult as LimitResult } from '../state/types'

/** OpenAI writes reset times as durations like "1s", "6m0s" or "250ms"; clients parse that form. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`
  const seconds = Math.ceil(ms / 1000)
  const minutes = Math.floor(seconds / 60)
  return minutes > 0 ? `${minutes}m${seconds % 60}s` : `${seconds}s`
}

export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ratelimit-limit-requests': String(result.limit),
    'x-ratelimit-remaining-requests': String(result.remaining),
    'x-ratelimit-reset-requests': formatResetDuration(result.resetMs),
  }
  // Retry-After only takes whole seconds; rounding down would invite a retry that is still refused.
  if (!result.success) headers['retry-after'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)))
  return headers
}
