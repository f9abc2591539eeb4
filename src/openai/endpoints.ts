// The one list of what the proxy forwards: OpenAI's published API, by group (DESIGN §1.3), and within it the
// model endpoints the proxy understands (validates, clamps, caches). Anything else is not forwarded.

/** The model endpoints the proxy understands, and where they are below the base URL. */
const ENDPOINT_PATHS = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  responses: '/responses',
  messages: '/messages',
} as const

export type Endpoint = keyof typeof ENDPOINT_PATHS

export const ENDPOINTS = Object.keys(ENDPOINT_PATHS) as Endpoint[]

/** Endpoints whose answers depend on the model call and may be cached. */
export const CACHEABLE: ReadonlySet<Endpoint> = new Set(['chat', 'completions', 'embeddings', 'responses'])

/** The groups a key's `allow` names; the model groups first. */
export const MODEL_GROUPS = ['chat', 'completions', 'embeddings', 'models', 'responses', 'messages'] as const
export const PASSTHROUGH_GROUPS = [
  'files',
  'uploads',
  'batches',
  'images',
  'audio',
  'videos',
  'moderations',
  'fine_tuning',
  'evals',
  'vector_stores',
  'assistants',
  'threads',
  'containers',
  'realtime',
] as const
export type ApiGroup = (typeof MODEL_GROUPS)[number] | (typeof PASSTHROUGH_GROUPS)[number]
export const API_GROUPS: readonly ApiGroup[] = [...MODEL_GROUPS, ...PASSTHROUGH_GROUPS]

/**
 * Paths of a model group that run the model, and bill for it, outside the model endpoints the proxy meters:
 * the Responses API's compaction (`POST /responses/compact`, which Codex calls on OpenAI's own provider).
 */
const UNMETERED_MODEL_CALLS: ReadonlySet<string> = new Set(['/responses/compact'])

/**
 * What a pass-through call that is not a read spends (DESIGN §1.9): nothing per request (`free`: files,
 * uploads, moderations, and the model groups' own stored objects), a price the proxy can know before sending
 * it (`priced`: images, audio), or money without such a price (`unpriced`: batches, fine-tuning, runs, vector
 * stores, videos, … and any path outside OpenAI's API), which a key with a budget may not send.
 */
export function spendOf(group: ApiGroup | undefined, path = ''): 'free' | 'priced' | 'unpriced' {
  if (UNMETERED_MODEL_CALLS.has(path.split('?')[0]!.replace(/(?<=.)\/$/, ''))) return 'unpriced'
  if (group === 'images' || group === 'audio') return 'priced'
  if (group === 'files' || group === 'uploads' || group === 'moderations') return 'free'
  return group !== undefined && (MODEL_GROUPS as readonly string[]).includes(group) ? 'free' : 'unpriced'
}

/**
 * First path segment → group, and whether the group is that one path only (`/embeddings`) or also what lies
 * below it (`/files/{id}/content`). `chat` is `/chat/completions` and the stored-completion paths below it.
 */
const SEGMENTS: Record<string, { group: ApiGroup; exact?: string }> = {
  chat: { group: 'chat' },
  completions: { group: 'completions', exact: '/completions' },
  embeddings: { group: 'embeddings', exact: '/embeddings' },
  models: { group: 'models' },
  responses: { group: 'responses' },
  conversations: { group: 'responses' },
  // Anthropic's Messages API (DESIGN §1.8): /messages and /messages/count_tokens.
  messages: { group: 'messages' },
  moderations: { group: 'moderations', exact: '/moderations' },
  ...Object.fromEntries(
    PASSTHROUGH_GROUPS.filter((g) => g !== 'moderations').map((group) => [group, { group }])
  ),
}

/**
 * The proxy's own paths: never forwarded, whatever the method, the key, or whether their feature is on.
 * `assets` holds the scripts of the proxy's own pages (the status page's /assets/status.js).
 */
const OWN_PATH = /^\/(?:v1\/)?(?:admin|stats|metrics|swagger|health|assets)(?:[/?#.]|$)/

/** The path and query string of a request, read from `request.url` without `new URL`, which throws on odd hosts. */
export function requestTarget(url: string): { pathname: string; search: string } {
  let start = 0
  if (!url.startsWith('/')) {
    const scheme = url.indexOf('://')
    start = scheme === -1 ? url.length : url.indexOf('/', scheme + 3)
    if (start === -1) start = url.length
  }
  const query = url.indexOf('?', start)
  const hash = url.indexOf('#', start)
  const end = hash === -1 ? url.length : hash
  return query === -1 || query > end
    ? { pathname: url.slice(start, end) || '/', search: '' }
    : { pathname: url.slice(start, query) || '/', search: url.slice(query, end) }
}

/**
 * A path that would mean one thing here and another to an upstream that merges slashes or decodes `%2F`:
 * an empty segment, or an encoded slash or backslash. Dot segments never reach here: Bun resolves them.
 */
export function isAmbiguousPath(pathname: string): boolean {
  return pathname.includes('//') || pathname.includes('\\') || /%(?:2f|5c)/i.test(pathname)
}

export const isOwnPath = (pathname: string) => OWN_PATH.test(pathname)

/** OpenAI's organization/admin API: never forwarded, not even for a key allowed `all` (DESIGN §1.3). */
export const isOrganizationPath = (path: string) => /^\/organization(?:[/?]|$)/.test(path)

/** The API group of a path below the base URL (`/files/abc`), or undefined when it is not OpenAI's API. */
export function apiGroupOf(path: string): ApiGroup | undefined {
  const pathname = path.split('?')[0]!.replace(/(?<=.)\/$/, '')
  const segment = /^\/([^/]+)/.exec(pathname)?.[1]
  const entry = segment === undefined ? undefined : SEGMENTS[segment]
  if (!entry) return undefined
  if (entry.exact && pathname !== entry.exact) return undefined
  if (entry.group === 'chat' && !/^\/chat\/completions(?:\/|$)/.test(pathname)) return undefined
  return entry.group
}

/**
 * The path below the upstream base URL. Some clients (openai-translator, ChatHub) are configured with a
 * base URL without `/v1` and append `/chat/completions` themselves, so both forms map to the same place.
 */
export function upstreamPath(url: URL | { pathname: string; search: string }): string {
  const path = url.pathname.replace(/^\/v1(?=\/|$)/, '') || '/'
  return path + url.search
}

export function endpointOf(method: string, path: string): Endpoint | undefined {
  if (method !== 'POST') return undefined
  const pathname = path.split('?')[0]!.replace(/\/+$/, '')
  return BY_PATH.get(pathname)
}

const BY_PATH = new Map(ENDPOINTS.map((endpoint) => [ENDPOINT_PATHS[endpoint] as string, endpoint]))

/** The public path of an endpoint (`/v1/chat/completions`), for the route table and the API docs. */
export const publicPathOf = (endpoint: Endpoint) => `/v1${ENDPOINT_PATHS[endpoint]}`
