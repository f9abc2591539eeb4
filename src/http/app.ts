import { Elysia } from 'elysia'
import type { FailedAuth } from '../auth/failed-auth'
import type { KeyAdmin } from '../auth/key-admin'
import { CacheAdmin } from '../cache/admin'
import type { AnswerCache } from '../cache/answer-cache'
import type { Config } from '../config/load'
import type { LogSink } from '../log/sink'
import type { ApiCallDeps } from '../pipeline/api-call'
import type { StatsRecorder } from '../stats/recorder'
import { docs } from './plugins/docs'
import { refusals } from './admin-guard'
import { errorHandler } from './plugins/error-handler'
import type { RequestContexts } from './request-contexts'
import { adminCacheRoutes } from './routes/admin-cache'
import { cacheFeedbackRoutes } from './routes/cache-feedback'
import { adminKeysRoutes } from './routes/admin-keys'
import { healthRoutes } from './routes/health'
import { openaiRoutes } from './routes/openai'
import { statsRoutes } from './routes/stats'
import { consolePageRoutes } from './routes/console-pages'
import { statusPageRoutes } from './routes/status-page'

export interface AppParts {
  config: Config
  log: LogSink
  contexts: RequestContexts
  api: ApiCallDeps
  /** Absent when CACHE_ALLOWED is false. */
  cache?: AnswerCache
  /** Without it there is no /stats or /metrics. */
  stats?: StatsRecorder
  /** The key admin behind /admin/keys. */
  keys: KeyAdmin
  /** Counts wrong ADMIN_KEY and METRICS_KEY attempts in the same window as wrong proxy keys. */
  failures?: FailedAuth
}

/** The routes and plugins, from parts made elsewhere (compose.ts); no I/O happens here. */
export function createApp({ config, log, contexts, api, cache, stats, keys, failures }: AppParts) {
  const refuse = failures && refusals(failures, contexts, config)
  return new Elysia()
    .use(errorHandler(log))
    .use(docs())
    .use(healthRoutes)
    .use(statusPageRoutes)
    .use(consolePageRoutes)
    .use(stats ? statsRoutes(stats, config, refuse) : new Elysia({ name: 'no-stats' }))
    .use(adminCacheRoutes(new CacheAdmin(cache), { adminKey: config.adminKey, maxBodySize: config.maxBodySize, refuse }))
    .use(adminKeysRoutes(keys, { adminKey: config.adminKey, maxBodySize: config.maxBodySize, refuse }))
    .use(cacheFeedbackRoutes(cache, contexts, { adminKey: config.adminKey, maxBodySize: config.maxBodySize, authenticate: api.authenticate }))
    .use(openaiRoutes(contexts, api))
}

export type App = ReturnType<typeof createApp>
