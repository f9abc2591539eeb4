import { Elysia } from 'elysia'
import type { AnswerCache } from './cache/answer-cache'
import type { Config } from './config'
import type { LogSink } from './logging'
import { corsPlugin } from './plugins/cors'
import { docs } from './plugins/docs'
import { errorHandler } from './plugins/error-handler'
import { createGate } from './plugins/gate'
import { requestId } from './plugins/request-id'
import { SlidingWindowLimiter } from './ratelimit/sliding-window'
import { adminRoutes } from './routes/admin'
import { healthRoutes } from './routes/health'
import { openaiRoutes } from './routes/openai'
import { statsRoutes } from './routes/stats'
import { statusPageRoutes } from './routes/status-page'
import type { Stats } from './stats/stats'
import { createUpstream, type Upstream } from './upstream/client'

export interface AppDeps {
  config: Config
  log: LogSink
  /** Opened by the caller (it does I/O); absent when CACHE_ALLOWED is false. */
  cache?: AnswerCache
  /** Opened by the caller; without it there is no /stats or /metrics. */
  stats?: Stats
  upstream?: Upstream
  limiter?: SlidingWindowLimiter
}

/** Builds the app from its dependencies; no I/O happens here, so tests can build as many as they like. */
export function createApp({ config, log, cache, stats, upstream, limiter }: AppDeps) {
  return new Elysia()
    .use(errorHandler(log))
    .use(requestId)
    .use(corsPlugin(config))
    .use(docs)
    .use(healthRoutes)
    .use(statusPageRoutes)
    .use(stats ? statsRoutes(stats, config) : new Elysia({ name: 'no-stats' }))
    .use(adminRoutes(config, cache))
    .use(
      openaiRoutes({
        config,
        log,
        cache,
        gate: createGate(config),
        upstream: upstream ?? createUpstream({ baseUrl: config.baseUrl, key: config.openaiKey, timeoutMs: config.upstreamTimeoutMs }),
        limiter: limiter ?? (config.modelRateLimit > 0 ? new SlidingWindowLimiter({ limit: config.modelRateLimit }) : undefined),
      })
    )
}

export type App = ReturnType<typeof createApp>
