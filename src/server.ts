import type { App } from './app'
import type { Config } from './config'
import { internalError } from './errors'
import { accessLogLine, type LogSink } from './logging'
import { beginRequest, type RequestInfo } from './request-info'
import type { Stats } from './stats/stats'

/**
 * Serves the app behind a thin wrapper that owns what must hold for every request, whichever route (or
 * none) answers it: the socket address, the start time, the one access-log line and the statistics. A
 * streamed body is accounted when it ends (Elysia's onAfterResponse fires before a stream finishes).
 */
export function serve(app: App, config: Pick<Config, 'port' | 'host' | 'maxBodySize'>, log: LogSink, stats?: Stats) {
  const complete = (request: Request, info: RequestInfo) => {
    const now = performance.now()
    log(accessLogLine(request, info, now))
    // Only API calls count; the status page, docs, health checks and refused keys do not.
    if (stats && info.endpoint) {
      stats.record({
        endpoint: info.endpoint,
        model: info.model,
        status: info.status ?? 0,
        cache: info.cache,
        cacheMatch: info.cacheMatch,
        durationMs: now - info.start,
        upstreamMs: info.upstreamMs,
        upstreamFailed: info.upstreamFailed ?? false,
        rateLimited: info.rateLimited ?? false,
        saved: info.saved,
      })
    }
  }

  return Bun.serve({
    port: config.port,
    hostname: config.host,
    // The proxy answers over-size bodies itself with an OpenAI error; this is only a backstop.
    maxRequestBodySize: config.maxBodySize * 2 + 1024 * 1024,
    // Bun's default (10 s) would cut a slow upstream; 255 s is its maximum.
    idleTimeout: 255,
    // Without NODE_ENV=production (how `npm start` and the executable run) Bun would answer an uncaught
    // error with its development page: the working directory, file paths and source.
    development: false,
    async fetch(request, server) {
      const info = beginRequest(request, server.requestIP(request)?.address ?? '')
      let response: Response
      try {
        response = await app.handle(request)
      } catch (error) {
        log(`error unhandled: ${(error as Error)?.name ?? 'unknown'}`)
        response = internalError().toResponse({ 'x-request-id': info.id })
      }
      info.status = response.status
      if (info.streaming) info.onStreamEnd = () => complete(request, info)
      else complete(request, info)
      return response
    },
    // The last line of defence: whatever escapes the handler above still leaves in OpenAI's envelope.
    error() {
      return internalError().toResponse()
    },
  })
}
