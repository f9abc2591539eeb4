import { requestTarget } from '../openai/endpoints'
import type { RequestContext } from '../pipeline/context'

/**
 * One line per request: metadata only. The path is logged without its query string (it can carry
 * secrets), and the client appears as a short hash, never as a key.
 */
export function accessLogLine(request: Request, ctx: RequestContext, status: number, now = performance.now()): string {
  // Not `new URL(request.url)`: it throws on a request with an odd Host header, which must still be logged.
  const path = requestTarget(request.url).pathname.replace(/[^\x21-\x7e]/g, '?')
  return [
    new Date().toISOString(),
    request.method,
    path.length > 200 ? `${path.slice(0, 200)}…` : path,
    status,
    `${(now - ctx.start).toFixed(1)}ms`,
    `cache=${ctx.cache ?? '-'}${ctx.cacheMatch ? `/${ctx.cacheMatch}` : ''}`,
    `client=${ctx.client ?? '-'}`,
    `id=${ctx.id}`,
    ...(ctx.streamEnd ? [`stream=${ctx.streamEnd}`] : []),
  ].join(' ')
}
