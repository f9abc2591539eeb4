import { createHash } from 'node:crypto'
import type { Config } from '../config'
import { unauthorized } from '../errors'
import { keyMatcher, presentedKey } from './key-check'

export interface Client {
  /** Rate-limit bucket: the proxy key when there are several, the address when one key is shared. */
  id: string
  /** Short, stable hash of `id` for logs. */
  hash: string
}

export type Gate = (request: Request, socketIp: string) => Client

export function createGate(config: Pick<Config, 'proxyKeys' | 'trustProxy'>): Gate {
  const match = keyMatcher(config.proxyKeys)
  const perKey = config.proxyKeys.length > 1

  return (request, socketIp) => {
    const index = match(presentedKey(request.headers))
    if (index === -1) throw unauthorized()
    const id = perKey ? `key:${index}` : `ip:${clientAddress(request.headers, socketIp, config.trustProxy)}`
    return { id, hash: createHash('sha256').update(id).digest('hex').slice(0, 8) }
  }
}

/**
 * With `trustProxy` hops in front, the client is the address the outermost trusted proxy saw: counting
 * from the right of X-Forwarded-For, since entries further left can be forged by the client.
 */
export function clientAddress(headers: Headers, socketIp: string, trustProxy: number): string {
  if (trustProxy <= 0) return socketIp
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
  if (chain.length === 0) return socketIp
  return chain[Math.max(0, chain.length - trustProxy)]!
}
