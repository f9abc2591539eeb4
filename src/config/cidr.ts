import { BlockList, isIPv4, isIPv6 } from 'node:net'

// CIDR allowlists of a proxy key (`ips: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]`), matched
// with node's BlockList. An IPv4 client seen as an IPv4-mapped IPv6 address (::ffff:203.0.113.9, how a
// dual-stack socket reports it) is matched as the IPv4 address it is.

export function cidrProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string like "203.0.113.0/24"'
  const [address, bits, extra] = value.trim().split('/')
  if (extra !== undefined || !address) return `"${value}" is not an address or CIDR range`
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0
  if (!family) return `"${value}" is not an address or CIDR range`
  if (bits === undefined) return undefined
  const n = Number(bits)
  if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128)) return `"${value}" has a bad prefix length`
  return undefined
}

export function cidrMatcher(ranges: readonly string[]): (address: string) => boolean {
  const list = new BlockList()
  for (const range of ranges) {
    const [address, bits] = range.trim().split('/')
    const type = isIPv4(address!) ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(address!, type)
    else list.addSubnet(address!, Number(bits), type)
  }
  return (raw) => {
    const address = raw.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    if (isIPv4(address)) return list.check(address, 'ipv4')
    if (isIPv6(address)) return list.check(address, 'ipv6')
    return false
  }
}
