import type { Config } from '../config/load'
import { invalidApiKey, ipNotAllowed, keyExpired } from '../errors'
import { presentedKey } from './bearer'
import { clientAddress } from './client-address'
import type { FailedAuth } from './failed-auth'
import type { KeyRing, RingEntry } from './key-ring'

// Who is calling, and with which settings: resolved once per request, then passed along. A PROXY_KEY key is
// round 1's kind of client: its bucket is the key when there are several, the address when one is shared.

/** What the pipeline knows of the caller: the settings of its key, and who it is for limits and the log. */
export type ClientKey = Pick<RingEntry, 'name' | 'account' | 'metered' | 'rateLimit' | 'maxOutputTokens' | 'cacheGroup' | 'models' | 'allow' | 'budget'> & {
  /** Rate-limit bucket: the name, the PROXY_KEY key's position, or the address when one key is shared. */
  id: string
  /** What the access log calls the client: the name, or a short hash of `id`. */
  hash: string
}

/** Synchronous for a key the ring knows (every request but a key's first on a replica that has not reloaded). */
export type Authenticate = (request: Request, socketIp: string) => ClientKey | Promise<ClientKey>

export { SHARED_CACHE_GROUP } from './key-ring'

const shortHash = (id: string) => (Bun.SHA256.hash(id, 'hex') as string).slice(0, 8)

/**
 * With `failures`, a wrong or missing key counts against the caller's address (429 past the limit); a key
 * the ring knows never waits on that count.
 */
export function authenticator(
  ring: KeyRing,
  config: Pick<Config, 'proxyKeys' | 'trustProxy'>,
  failures?: FailedAuth,
  now: () => number = Date.now
): Authenticate {
  const perKey = config.proxyKeys.length > 1
  // The log's short hash of each id seen lately: one SHA-256 per client rather than per request.
  const hashes = new Map<string, string>()
  const hashOf = (id: string) => {
    let hash = hashes.get(id)
    if (hash === undefined) {
      if (hashes.size >= 4096) hashes.clear()
      hashes.set(id, (hash = shortHash(id)))
    }
    return hash
  }
  const resolve = (entry: RingEntry, request: Request, socketIp: string): ClientKey => {
    if (entry.expiresAt !== undefined && now() >= entry.expiresAt) throw keyExpired(new Date(entry.expiresAt).toISOString())
    const address = clientAddress(request.headers, socketIp, config.trustProxy)
    if (entry.ips && !entry.ips(address)) throw ipNotAllowed()
    const id = entry.name !== undefined ? `name:${entry.name}` : perKey ? `key:${entry.index}` : `ip:${address}`
    return {
      name: entry.name,
      id,
      hash: entry.name ?? hashOf(id),
      account: entry.account,
      metered: entry.metered,
      rateLimit: entry.rateLimit,
      maxOutputTokens: entry.maxOutputTokens,
      cacheGroup: entry.cacheGroup,
      models: entry.models,
      allow: entry.allow,
      budget: entry.budget,
    }
  }
  const refuse = async (request: Request, socketIp: string): Promise<never> => {
    throw failures ? await failures.refuse(clientAddress(request.headers, socketIp, config.trustProxy), invalidApiKey()) : invalidApiKey()
  }
  return (request, socketIp) => {
    const presented = presentedKey(request.headers)
    if (!presented) return refuse(request, socketIp)
    const entry = ring.find(presented)
    if (entry) return resolve(entry, request, socketIp)
    return ring.findInStore(presented).then((late) => (late ? resolve(late, request, socketIp) : refuse(request, socketIp)))
  }
}
