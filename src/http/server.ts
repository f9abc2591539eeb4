import type { Config } from '../config/load'
import { internalError, invalidHost } from '../errors'
import type { LogSink } from '../log/sink'
import type { RequestContext } from '../pipeline/context'
import type { StatsRecorder } from '../stats/recorder'
import { accessLogLine, isoClock } from './access-log'
import { Cors } from './cors'
import { isValidHost } from './host'
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
        overBudget: ctx.overBudget,
        saved: ctx.saved,
        upstream: ctx.upstream,
        usage: ctx.usage,
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
    // Bun's default with `development: false` is SO_REUSEPORT: a second proxy on the same port would start
    // without a word and take half the requests, with its own settings.
    reusePort: false,
    async fetch(received, server) {
      const request = routable(received)
      const ctx = contexts.begin(request, server.requestIP(received)?.address ?? '')
      let response: Response
      // Checked before any route: Bun serves any Host, and builds `request.url` from it.
      const host = request.headers.get('host')
      try {
        if (host !== null && !isValidHost(host)) response = invalidHost().toResponse()
        else response = request.method === 'OPTIONS' ? cors.preflight(request) : await app.handle(request)
      } catch (error) {
        log(`error unhandled: ${(error as Error)?.name ?? 'unknown'}`)
        response = internalError().toResponse()
      }
      response = withHeaders(response, (headers) => {
        headers.set('x-request-id', ctx.id)
        // Only on a successful answer: an error did not come from the capped request.
        if (ctx.outputCap !== undefined && response.status < 400) headers.set('x-output-cap', ctx.outputCap)
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

/**
 * Elysia finds the path at the first '/' from the 12th character of the URL (past `https://` and three more),
 * so under a Host of one to three characters (`api`, a Compose service) `/health` would lose its path, and an
 * HTTP/1.0 request without Host (`http:///v1/models`) would be read with `v1` as its host. Such a request goes
 * on under `localhost`: only the path and query of the URL are read from here on (the Host header is kept).
 */
function routable(request: Request): Request {
  const url = request.url
  // Bun gives a bare path as the URL of a request whose Host it cannot use: refused as invalid further on.
  const scheme = url.indexOf('://')
  if (scheme === -1) return request
  const authority = scheme + 3
  const path = url.indexOf('/', authority)
  if (path === -1 || path >= 11) return request
  try {
    return new Request(`${url.slice(0, authority)}localhost${url.slice(path)}`, request)
  } catch {
    return request // refused as an invalid Host further on
  }
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
