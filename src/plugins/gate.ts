import { createHash, timingSafeEqual } from 'node:crypto'
import type { Config } from '../config'
import { unauthorized } from '../errors'

export interface Client {
  /** Rate-limit bucket: the proxy key when there are several, the address when one key is shared. */
  id: string
  /** Short, stable hash of `id` for logs. */
  hash: string
}

export type Gate = (request: Request, socketIp: string) => Client

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Key checks compare SHA-256 digests in constant time, so neither content nor length leaks through timing. */
export function createGate(config: Pick<Config, 'proxyKeys' | 'trustProxy'>): Gate {
  const keys = config.proxyKeys.map(digest)
  const perKey = keys.length > 1

  return (request, socketIp) => {
    const presented = presentedKey(request.headers)
    if (!presented) throw unauthorized()
    const candidate = digest(presented)
    let match = -1
    for (let i = 0; i < keys.length; i++) {
      if (timingSafeEqual(candidate, keys[i]!) && match === -1) match = i
    }
    if (match === -1) throw unauthorized()
    const id = perKey ? `key:${match}` : `ip:${clientAddress(request.headers, socketIp, config.trustProxy)}`
    return { id, hash: digest(id).toString('hex').slice(0, 8) }
  }
}

function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization')
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim())
    if (match) return match[1]!.trim()
  }
  return headers.get('x-api-key')?.trim() || headers.get('api-key')?.trim() || undefined
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
