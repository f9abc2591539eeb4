import type { Config } from '../config/load'

// CORS for browser clients (web chat UIs, browser extensions calling from chrome-extension://<id>). Applied
// by the server wrapper to every finished response, not by an Elysia plugin: a plugin that sets headers
// makes Elysia rebuild every response (a new Headers, a new Response around the body), which on an exact
// hit cost more than the hit itself (bench/RESULTS.md). Same answers as @elysiajs/cors gave before:
// - any OPTIONS request is a preflight, answered 204 without a key: the requested method and headers are
//   allowed (Authorization named literally, since a wildcard never covers it), cached for 10 minutes;
// - CORS_ORIGINS=* echoes the caller's Origin (`*` without one); a list allows exactly its origins (an
//   entry without a scheme allows any scheme) and says `Vary: Origin`;
// - no credentials mode: clients authenticate with a header, not cookies.

/** Headers a browser client may read; everything a client needs to see the cache and its limit. */
export const EXPOSED_HEADERS = [
  'x-request-id',
  'x-cache',
  'x-cache-match',
  'x-cache-similarity',
  'x-cache-entry',
  'x-output-cap',
  'x-upstream',
  'retry-after',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'openai-processing-ms',
  'openai-version',
].join(', ')

const MAX_AGE_S = '600'

export class Cors {
  private readonly allowed?: Set<string>

  constructor(config: Pick<Config, 'corsOrigins'>) {
    if (config.corsOrigins !== '*') this.allowed = new Set(config.corsOrigins)
  }

  /** Sets the CORS headers of the answer to `request` on `headers`. */
  apply(request: Request, headers: Headers) {
    const origin = request.headers.get('origin')
    if (!this.allowed) {
      headers.set('access-control-allow-origin', origin || '*')
      headers.set('vary', '*')
    } else {
      if (origin && this.allows(origin)) headers.set('access-control-allow-origin', origin)
      headers.set('vary', 'Origin')
    }
    headers.set('access-control-allow-methods', '*')
    headers.set('access-control-expose-headers', EXPOSED_HEADERS)
  }

  /** The answer to a preflight (any OPTIONS request); the caller adds `apply`'s headers. */
  preflight(request: Request): Response {
    const headers = new Headers({ 'access-control-max-age': MAX_AGE_S })
    const asked = request.headers.get('access-control-request-headers')
    if (asked) headers.set('access-control-allow-headers', asked)
    return new Response(null, { status: 204, headers })
  }

  private allows(origin: string): boolean {
    if (this.allowed!.has(origin)) return true
    const scheme = origin.indexOf('://')
    return scheme !== -1 && this.allowed!.has(origin.slice(scheme + 3))
  }
}
