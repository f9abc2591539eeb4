import { createHash, timingSafeEqual } from 'node:crypto'
import { invalidApiKey } from '../errors'

// How a caller presents a key, and how one is checked without leaking anything through timing.

const digest = (value: string) => createHash('sha256').update(value).digest()

/** The key a client sent: `Authorization: Bearer`, or the `x-api-key` / `api-key` headers. */
export function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization')
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim())
    if (match) return match[1]!.trim()
  }
  return headers.get('x-api-key')?.trim() || headers.get('api-key')?.trim() || undefined
}

/**
 * Returns which of `keys` the presented one is (its index), or -1. SHA-256 digests are compared in
 * constant time and every key is always compared, so neither content nor length nor position leaks through
 * timing (the approach of hono's bearer-auth middleware).
 */
export function keyMatcher(keys: readonly string[]): (presented: string | undefined) => number {
  const digests = keys.map(digest)
  return (presented) => {
    if (!presented) return -1
    const candidate = digest(presented)
    let match = -1
    for (let i = 0; i < digests.length; i++) {
      if (timingSafeEqual(candidate, digests[i]!) && match === -1) match = i
    }
    return match
  }
}

/**
 * The one check of the proxy's own APIs (ADMIN_KEY, METRICS_KEY): throws the 401 naming the credential,
 * the same for each of them.
 */
export function bearerGuard(secret: string, which: string): (headers: Headers) => void {
  const matches = keyMatcher([secret])
  return (headers) => {
    if (matches(presentedKey(headers)) === -1) throw invalidApiKey(which)
  }
}
