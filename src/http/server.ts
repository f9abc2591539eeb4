import type { Config } from '../config/load'
import { internalError } from '../errors'
import type { LogSink } from '../log/sink'
import type { RequestContext } from '../pipeline/context'
import type { StatsRecorder } from '../stats/recorder'
import { accessLogLine, isoClock } from './access-log'
import { Cors } from './cors'
import type { RequestContexts } from './request-contexts'

/** What the server needs of the app: Elysia's own `handle`. */
export interface Handler {
  handle(request: Request): Response | Promise<Response>
}

/**
 * Serves the app behind a thin wrapper that owns what must hold for every request, whichever route (or
 * none) answers it: the socket address, the start time, the request id and CORS headers on the answer, the
 * one access-log line and the statistics. A streamed body is accounted when it ends (Elysia's
 * onAfterResponse fires before a stream finishes). Headers are set here on the finished response rather
 * than through Elysia's `set.headers`, which would make Elysia rebuild every response around its body.
 */
export function serve(
  app: Handler,
  contexts: RequestContexts,
  config: Pick<Config, 'port' | 'host' | 'maxBodySize' | 'corsOrigins'>,
  log: LogSink,
  stats?: StatsRecorder
) {
  const cors = new Cors(config)
  const clock = isoClock()
  const complete = (request: Request, ctx: RequestContext, status: number) => {
    const now = performance.now()
    log(accessLogLine(request, ctx, status, now, clock()))
    // Only API calls count; the status page, docs, health checks and refused keys do not.
    if (stats && ctx.endpoint) {
      stats.record({
        endpoint: ctx.endpoint,
        model: ctx.model,
        status,
        cache: ctx.cache,
        cacheMatch: ctx.cacheMatch,
        durationMs: now - ctx.start,
        upstreamMs: ctx.upstreamMs,
        upstreamFailed: ctx.upstreamFailed,
        rateLimited: ctx.rateLimited,
        saved: ctx.saved,
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
      const ctx = contexts.begin(request, server.requestIP(request)?.address ?? '')
      let response: Response
      try {
        response = request.method === 'OPTIONS' ? cors.preflight(request) : await app.handle(request)
      } catch (error) {
        log(`error unhandled: ${(error as Error)?.name ?? 'unknown'}`)
        response = internalError().toResponse()
      }
      response = withHeaders(response, (headers) => {
        headers.set('x-request-id', ctx.id)
        cors.apply(request, headers)
      })
      const status = response.status
      void ctx.finished.then(() => complete(request, ctx, status))
      ctx.responded()
      return response
    },
    // The last line of defence: whatever escapes the handler above still leaves in OpenAI's envelope.
    error() {
      return internalError().toResponse()
    },
  })
}

/** Sets headers on a response, or on a copy when its headers are immutable (a fetch()ed response). */
function withHeaders(response: Response, set: (headers: Headers) => void): Response {
  try {
    set(response.headers)
    return response
  } catch {
    const copy = new Response(response.body, response)
    set(copy.headers)
    return copy
  }
}
