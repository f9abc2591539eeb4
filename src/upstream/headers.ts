// Header hygiene in both directions (after hono's proxy helper): the client's credentials and cookies never
// reach the upstream, and body-framing headers are dropped because Bun re-frames (and decompresses) bodies.
// Which headers carry the real key is the provider's (upstream/providers/).

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']

const NOT_TO_UPSTREAM = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'accept-encoding',
  // Client credentials: the upstream only ever sees the real key.
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  // They name the client's account, which is not the one the real key belongs to.
  'openai-organization',
  'openai-project',
  // Where the client is and which page it came from is none of the upstream's business.
  'origin',
  'referer',
  'forwarded',
  'via',
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
])

/** Header families set by proxies and CDNs in front (X-Forwarded-*, Cloudflare's CF-*, X-Original-*). */
const CLIENT_ADDRESS_PREFIXES = ['x-forwarded-', 'cf-', 'x-original-']
const fromClientAddress = (name: string) => (name[0] === 'x' || name[0] === 'c') && CLIENT_ADDRESS_PREFIXES.some((prefix) => name.startsWith(prefix))

const NOT_TO_CLIENT = new Set([...HOP_BY_HOP, 'content-encoding', 'content-length', 'set-cookie', 'alt-svc'])

/** The client's harmless headers, with `auth` (the provider's headers for the real key) set over them. */
export function upstreamRequestHeaders(incoming: Headers, auth: Readonly<Record<string, string>>): Headers {
  const headers = new Headers()
  // Headers the client names in Connection are hop-by-hop for this hop only (RFC 9110 §7.6.1).
  const connection = incoming.get('connection')
  const named = connection ? new Set(connection.split(',').map((name) => name.trim().toLowerCase())) : undefined
  incoming.forEach((value, name) => {
    if (NOT_TO_UPSTREAM.has(name) || named?.has(name) || fromClientAddress(name)) return
    headers.set(name, value)
  })
  for (const [name, value] of Object.entries(auth)) headers.set(name, value)
  return headers
}

export function clientResponseHeaders(upstream: Headers): Headers {
  const headers = new Headers()
  upstream.forEach((value, name) => {
    if (!NOT_TO_CLIENT.has(name)) headers.append(name, value)
  })
  return headers
}
