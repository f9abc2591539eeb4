import { cors } from '@elysiajs/cors'
import type { Config } from '../../config/load'

/** Headers a browser client may read; everything a client needs to see the cache and its limit. */
export const EXPOSED_HEADERS = [
  'x-request-id',
  'x-cache',
  'x-cache-match',
  'x-cache-similarity',
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
]

/**
 * Browser extensions call from origins like chrome-extension://<id>. Preflights echo the requested headers:
 * a wildcard `Access-Control-Allow-Headers: *` never covers Authorization, so a literal `*` would fail
 * every extension. No credentials mode: clients authenticate with a header, not cookies.
 */
export function corsPlugin(config: Pick<Config, 'corsOrigins'>) {
  return cors({
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: '*',
    allowedHeaders: true,
    exposeHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  })
}
