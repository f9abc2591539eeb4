import { requestTarget } from './openai/endpoints'
import type { RequestInfo } from './request-info'

export type LogSink = (line: string) => void

/**
 * One line per request: metadata only. The path is logged without its query string (it can carry
 * secrets), and the client appears as a short hash, never as a key.
 */
export function accessLogLine(request: Request, info: RequestInfo, now = performance.now()): string {
  // Not `new URL(request.url)`: it throws on a request with an odd Host header, which must still be logged.
  const path = requestTarget(request.url).pathname.replace(/[^\x21-\x7e]/g, '?')
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

/**
 * A log for failures that repeat while a condition lasts (a full disk): the first line at once, then at most
 * one per `intervalMs` for the same `kind`, saying how many were left out meanwhile.
 */
export function throttledLog(log: LogSink, intervalMs = 60_000, now: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>()
  return (kind: string, line: string) => {
    const seen = last.get(kind)
    const t = now()
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++
      return
    }
    log(seen?.suppressed ? `${line} (${seen.suppressed} more since the last such line)` : line)
    last.set(kind, { at: t, suppressed: 0 })
  }
}
