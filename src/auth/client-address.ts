import { isIPv6 } from 'node:net'

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

/**
 * Who failed, for counting wrong keys: an IPv4 address itself, an IPv6 address by its /64, since one host is
 * commonly handed a whole /64 and would otherwise have 2^64 addresses to guess from. An IPv4 address seen
 * as IPv4-mapped IPv6 (a dual-stack socket) is the IPv4 address it is.
 */
export function addressNetwork(address: string): string {
  const plain = address.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain)
  if (mapped) return mapped[1]!
  if (!isIPv6(plain)) return address
  const [head, tail] = plain.split('::')
  let groups = head ? head.split(':') : []
  if (tail !== undefined) {
    const right = tail ? tail.split(':') : []
    // A dotted IPv4 tail fills two groups; it is always past the /64, but decides how many zeros `::` holds.
    const width = right.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0)
    groups = [...groups, ...Array<string>(8 - groups.length - width).fill('0'), ...right]
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`
}
