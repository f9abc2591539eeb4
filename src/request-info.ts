import type { StreamEnd } from './streaming/tap'

// Per-request facts shared by the server wrapper (which logs) and the routes (which learn the client, the
// cache result and whether the body streams). Keyed by the Request object itself, so no Elysia hook scoping
// decides who can see it.

export interface RequestInfo {
  id: string
  start: number
  /** Socket address of the peer. */
  ip: string
  /** Short hash of the client identity, once authenticated. */
  client?: string
  cache?: 'HIT' | 'MISS' | 'BYPASS'
  cacheMatch?: 'exact' | 'semantic'
  /** Set once the request is known to be an API call: chat, completions, embeddings, responses or other. */
  endpoint?: string
  model?: string
  /** Time to the upstream's response headers, when it was called. */
  upstreamMs?: number
  upstreamFailed?: boolean
  rateLimited?: boolean
  /** Tokens a cache hit saved. */
  saved?: { promptTokens: number; completionTokens: number }
  status?: number
  /** The body is still streaming; the log line waits for its end. */
  streaming?: boolean
  /** How a streamed body ended. */
  streamEnd?: StreamEnd
  onStreamEnd?: () => void
}

const infos = new WeakMap<Request, RequestInfo>()

const REQUEST_ID = /^[\w.:-]{1,128}$/

export function beginRequest(request: Request, ip: string, now = performance.now()): RequestInfo {
  const given = request.headers.get('x-request-id')
  const info: RequestInfo = {
    id: given && REQUEST_ID.test(given) ? given : `req_${crypto.randomUUID().replaceAll('-', '')}`,
    start: now,
    ip,
  }
  infos.set(request, info)
  return info
}

/** Requests handled without the server wrapper (app.handle in tests) get a fresh record. */
export function requestInfo(request: Request): RequestInfo {
  return infos.get(request) ?? beginRequest(request, '')
}

/** Called by a streamed body when it ends, however it ends. */
export function endStream(info: RequestInfo, how?: StreamEnd) {
  if (!info.streaming) return
  info.streaming = false
  info.streamEnd = how
  info.onStreamEnd?.()
}
