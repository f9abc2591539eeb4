import type { App } from './app'
import type { Config } from './config'
import { accessLogLine, type LogSink } from './logging'
import { beginRequest } from './request-info'

/**
 * Serves the app behind a thin wrapper that owns what must hold for every request, whichever route (or
 * none) answers it: the socket address, the start time and the one access-log line. A streamed body is
 * logged when it ends (Elysia's onAfterResponse fires before a stream finishes).
 */
export function serve(app: App, config: Pick<Config, 'port' | 'host' | 'maxBodySize'>, log: LogSink) {
  return Bun.serve({
    port: config.port,
    hostname: config.host,
    // The proxy answers over-size bodies itself with an OpenAI error; this is only a backstop.
    maxRequestBodySize: config.maxBodySize * 2 + 1024 * 1024,
    // Bun's default (10 s) would cut a slow upstream; 255 s is its maximum.
    idleTimeout: 255,
    async fetch(request, server) {
      const info = beginRequest(request, server.requestIP(request)?.address ?? '')
      const response = await app.handle(request)
      info.status = response.status
      if (info.streaming) info.onStreamEnd = () => log(accessLogLine(request, info))
      else log(accessLogLine(request, info))
      return response
    },
  })
}
