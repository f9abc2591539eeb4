import { requestTarget } from '../openai/endpoints'
import type { RequestContext } from '../pipeline/context'

const SAFE_PATH = /^[\x21-\x7e]*$/

/**
 * One line per request: metadata only. The path is logged without its query string (it can carry
 * secrets), and the client appears as a short hash, never as a key. `stamp` is the time as ISO 8601.
 */
export function accessLogLine(request: Request, ctx: RequestContext, status: number, now = performance.now(), stamp = new Date().toISOString()): string {
  // Not `new URL(request.url)`: it throws on a request with an odd Host header, which must still be logged.
  let path = requestTarget(request.url).pathname
  if (!SAFE_PATH.test(path)) path = path.replace(/[^\x21-\x7e]/g, '?')
  if (path.length > 200) path = `${path.slice(0, 200)}…`
  const cache = `${ctx.cache ?? '-'}${ctx.cacheMatch ? `/${ctx.cacheMatch}` : ''}`
  const line = `${stamp} ${request.method} ${path} ${status} ${(now - ctx.start).toFixed(1)}ms cache=${cache} client=${ctx.client ?? '-'} id=${ctx.id}`
  return ctx.streamEnd ? `${line} stream=${ctx.streamEnd}` : line
}

/** The current time as ISO 8601, made at most once a millisecond (many lines share one at load). */
export function isoClock(now: () => number = Date.now): () => string {
  let at = -1
  let text = ''
  return () => {
    const ms = now()
    if (ms !== at) {
      at = ms
      text = new Date(ms).toISOString()
    }
    return text
  }
}
