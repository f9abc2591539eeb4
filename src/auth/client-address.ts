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
