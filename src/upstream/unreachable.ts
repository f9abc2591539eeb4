import { ApiError } from '../errors'

// Why an upstream could not be reached, in a few words an operator can act on: the address refuses
// connections, its name does not resolve, TLS failed, or it said nothing in time. The sender's ApiError keeps
// the fetch error as its `cause`; Bun names it by a code (ECONNREFUSED, ENOTFOUND, DEPTH_ZERO_SELF_SIGNED_CERT,
// EPROTO, …) and a message that may repeat the code and name the host.

const TLS = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|HANDSHAKE/i
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'DNSException'])

/**
 * "connection refused (ECONNREFUSED)". With `full`, for the log, the fetch error's own message instead of
 * its bare code (it may name the host, which clients and the public status page are not shown).
 */
export function unreachableCause(error: unknown, full = false): string {
  if (error instanceof ApiError && error.code === 'upstream_timeout') {
    return `no answer ${/within \d+ ms/.exec(error.message)?.[0] ?? 'in time'} (UPSTREAM_TIMEOUT_MS)`
  }
  const inner = error instanceof ApiError ? error.cause : error
  const { code, name, message } = (inner ?? {}) as { code?: unknown; name?: string; message?: string }
  const kind = typeof code === 'string' && code ? code : name === 'TimeoutError' ? 'timeout' : ''
  const said = (message ?? '').replace(/\s+/g, ' ').trim().slice(0, 120)
  const detail = full && said ? (kind && !said.includes(kind) ? `${kind}: ${said}` : said) : kind || (full && said) || 'unknown cause'
  if (kind === 'ECONNREFUSED' || kind === 'ConnectionRefused') return `connection refused (${detail})`
  if (DNS.has(kind)) return `DNS lookup failed (${detail})`
  if (kind === 'ECONNRESET' || kind === 'ConnectionClosed') return `connection reset (${detail})`
  if (kind === 'timeout' || kind === 'ETIMEDOUT') return `no answer in time (${detail})`
  if (TLS.test(kind)) return `TLS failed (${detail})`
  return detail
}
