import { isIPv6 } from 'node:net'

// RFC 3986 §3.2.2: a reg-name (an IPv4 address is one too) is unreserved characters, %HH escapes and
// sub-delims; nothing else, not even a space.
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/
const IPV_FUTURE = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/
const PORT = /^\d{0,5}$/

/**
 * Whether a Host header is `uri-host [":" port]` (RFC 9112 §3.2): a bracketed IPv6 (or IPvFuture) literal or
 * a reg-name, then a port of at most 65535. Bun hands over several Host lines joined by ", ", which the space
 * makes invalid, and answers an HTTP/1.1 request without Host itself; an HTTP/1.0 one has none to check.
 */
export function isValidHost(value: string): boolean {
  let host = value
  let port = ''
  if (value.startsWith('[')) {
    const close = value.indexOf(']')
    if (close === -1) return false
    const literal = value.slice(1, close)
    if (!(IPV_FUTURE.test(literal) || (/^[0-9A-Fa-f:.]+$/.test(literal) && isIPv6(literal)))) return false
    const rest = value.slice(close + 1)
    if (rest !== '' && !rest.startsWith(':')) return false
    host = ''
    port = rest.slice(1)
  } else {
    const colon = value.lastIndexOf(':')
    if (colon !== -1) {
      host = value.slice(0, colon)
      port = value.slice(colon + 1)
    }
    if (!REG_NAME.test(host)) return false
  }
  return PORT.test(port) && (port === '' || Number(port) <= 65535)
}
