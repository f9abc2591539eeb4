import { createHash } from 'node:crypto'
import type { Config } from '../config/load'
import { invalidApiKey } from '../errors'
import { keyMatcher, presentedKey } from './bearer'
import { clientAddress } from './client-address'

// Who is calling, and with which settings: resolved once per request, then passed along. A PROXY_KEY key
// is round 1's kind of client: its bucket is the key when there are several, the address when one is shared.

export interface ClientKey {
  /** Rate-limit bucket: the proxy key when there are several, the address when one key is shared. */
  id: string
  /** Short, stable hash of `id` for logs: never the key. */
  hash: string
  /** Requests per minute that reach a model; 0 = no limit. */
  rateLimit: number
  /** Cap on output tokens; 0 = no cap. */
  maxOutputTokens: number
  /** Cache entries this key may hit and make: `shared` for PROXY_KEY keys. */
  cacheGroup: string
}

export type Authenticate = (request: Request, socketIp: string) => ClientKey

export const SHARED_CACHE_GROUP = 'shared'

export function authenticator(config: Pick<Config, 'proxyKeys' | 'trustProxy' | 'modelRateLimit' | 'maxOutputTokens'>): Authenticate {
  const match = keyMatcher(config.proxyKeys)
  const perKey = config.proxyKeys.length > 1

  return (request, socketIp) => {
    const index = match(presentedKey(request.headers))
    if (index === -1) throw invalidApiKey()
    const id = perKey ? `key:${index}` : `ip:${clientAddress(request.headers, socketIp, config.trustProxy)}`
    return {
      id,
      hash: createHash('sha256').update(id).digest('hex').slice(0, 8),
      rateLimit: config.modelRateLimit,
      maxOutputTokens: config.maxOutputTokens,
      cacheGroup: SHARED_CACHE_GROUP,
    }
  }
}
