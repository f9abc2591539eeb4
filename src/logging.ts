import type { RequestInfo } from './request-info'

export type LogSink = (line: string) => void

/**
 * One line per request: metadata only. The path is logged without its query string (it can carry
 * secrets), and the client appears as a short hash, never as a key.
 */
export function accessLogLine(request: Request, info: RequestInfo, now = performance.now()): string {
  const path = new URL(request.url).pathname
  const ms = (now - info.start).toFixed(1)
  return [
    new Date().toISOString(),
    request.method,
    path.length > 200 ? `${path.slice(0, 200)}…` : path,
    info.status ?? 0,
    `${ms}ms`,
    `cache=${info.cache ?? '-'}${info.cacheMatch ? `/${info.cacheMatch}` : ''}`,
    `client=${info.client ?? '-'}`,
    `id=${info.id}`,
    ...(info.streamEnd ? [`stream=${info.streamEnd}`] : []),
  ].join(' ')
}
