// Which requests the proxy understands (validates, clamps, and later caches); all others pass through.

export type Endpoint = 'chat' | 'completions' | 'embeddings' | 'responses'

const ENDPOINTS: Record<string, Endpoint> = {
  '/chat/completions': 'chat',
  '/completions': 'completions',
  '/embeddings': 'embeddings',
  '/responses': 'responses',
}

/** Endpoints whose answers depend on the model call and may be cached; `responses` is only clamped. */
export const CACHEABLE: ReadonlySet<Endpoint> = new Set(['chat', 'completions', 'embeddings'])

/**
 * The path below the upstream base URL. Some clients (openai-translator, ChatHub) are configured with a
 * base URL without `/v1` and append `/chat/completions` themselves, so both forms map to the same place.
 */
export function upstreamPath(url: URL): string {
  const path = url.pathname.replace(/^\/v1(?=\/|$)/, '') || '/'
  return path + url.search
}

export function endpointOf(method: string, path: string): Endpoint | undefined {
  if (method !== 'POST') return undefined
  const pathname = path.split('?')[0]!.replace(/\/+$/, '')
  return ENDPOINTS[pathname]
}
