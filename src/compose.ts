import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { authenticator } from './auth/client-key'
import { FailedAuth } from './auth/failed-auth'
import { KeyAdmin } from './auth/key-admin'
import { KeyRing } from './auth/key-ring'
import type { AnswerCache } from './cache/answer-cache'
import type { Config } from './config/load'
import { createApp, type App } from './http/app'
import { RequestContexts } from './http/request-contexts'
import { Gatekeeper } from './limits/gatekeeper'
import { UsageReports } from './limits/usage-report'
import { Prices } from './openai/prices'
import type { LogSink } from './log/sink'
import { MemoryInFlight } from './state/memory/in-flight'
import { MemoryKeyHealth } from './state/memory/key-health'
import { MemoryRateLimits } from './state/memory/rate-limits'
import { MemoryServedHits } from './state/memory/served-hits'
import { openAccounts } from './state/sqlite/accounts'
import { SqliteBudgets } from './state/sqlite/budgets'
import { SqliteCacheEntries } from './state/sqlite/cache-entries'
import { SqliteKeys } from './state/sqlite/keys'
import { openResponses, SqliteKeptResponses, SqliteResponseOrigins } from './state/sqlite/responses'
import { SqliteStats } from './state/sqlite/stats'
import { SqliteUsage } from './state/sqlite/usage'
import { RedisBudgets } from './state/redis/budgets'
import { RedisCacheEntries } from './state/redis/cache-entries'
import { RedisConnection } from './state/redis/connection'
import { FallbackBudgets, FallbackKeyHealth, FallbackRateLimits, FallbackStats, FallbackUsage } from './state/redis/fallback'
import { RedisInFlight } from './state/redis/in-flight'
import { RedisKeyHealth } from './state/redis/key-health'
import { RedisKeys } from './state/redis/keys'
import { RedisRateLimits } from './state/redis/rate-limits'
import { RedisKeptResponses, RedisResponseOrigins } from './state/redis/responses'
import { FallbackServedHits, RedisServedHits } from './state/redis/served-hits'
import { FallbackKeptResponses, FallbackResponseOrigins } from './state/redis/responses-fallback'
import { ReplicaRegistry } from './state/redis/replicas'
import { RedisStats } from './state/redis/stats'
import { RedisUsage } from './state/redis/usage'
import type { StateStores } from './state/types'
import { StatsRecorder } from './stats/recorder'
import type { Judged } from './cache/judgements'
import type { EmbeddingsSource } from './cache/semantic/embedder'
import { pricedModel } from './pipeline/priced-model'
import { createSender } from './upstream/client'
import { ModelCatalog } from './upstream/model-catalog'
import { StartCheck } from './upstream/start-check'
import { UpstreamPool } from './upstream/pool'
import { VERSION } from './version'

// The one place that picks implementations: the embedded default keeps shared state in this process's
// memory (limits, in-flight calls, key health) and in SQLite under DATA_DIR (cache, statistics, keys and
// usage). Everything is opened here; nothing below opens a file or a connection of its own.

/** A start-up failure worth one sentence to the operator, not a stack dump. */
export class StartError extends Error {}

export interface Composed {
  app: App
  contexts: RequestContexts
  stats: StatsRecorder
  cache?: AnswerCache
  stores: StateStores
  /**
   * Asks each upstream GET /models with each key and logs one line per upstream (ok, key refused,
   * unreachable). The entry calls it once, in the background, after listening: it never holds up the start.
   */
  checkUpstreams(): Promise<void>
  /** Closes what compose opened, after the server has stopped: saves the index, flushes counts. */
  close(): Promise<void>
}

export interface ComposeOptions {
  /** The fetch of upstream and embedding calls (tests inject one). */
  fetch?: typeof fetch
}

export async function compose(config: Config, log: LogSink, options: ComposeOptions = {}): Promise<Composed> {
  try {
    mkdirSync(config.dataDir, { recursive: true })
  } catch (error) {
    throw new StartError(`DATA_DIR "${config.dataDir}" cannot be created (${(error as NodeJS.ErrnoException).code}); set DATA_DIR to a writable folder`)
  }
  const file = (name: string) => join(config.dataDir, name)
  const accounts = config.redisUrl ? undefined : openAccounts(file('keys.sqlite'), (line) => log(`keys: ${line}`))
  const responses = config.redisUrl ? undefined : openResponses(file('responses.sqlite'), (line) => log(`responses: ${line}`))
  const shared = config.redisUrl ? await openRedis(config.redisUrl, log) : undefined
  const stores: StateStores = shared?.stores ?? {
    rateLimits: new MemoryRateLimits(),
    inFlight: new MemoryInFlight(),
    keyHealth: new MemoryKeyHealth(),
    stats: SqliteStats.open(file('stats.sqlite'), (line) => log(`stats: ${line}`)),
    usage: new SqliteUsage(accounts!),
    budgets: new SqliteBudgets(accounts!),
    keys: new SqliteKeys(accounts!),
    responseOrigins: new SqliteResponseOrigins(responses!),
    keptResponses: new SqliteKeptResponses(responses!),
  }
  if (config.cache.allowed) {
    const bounds = { ttlMs: config.cache.ttlSeconds * 1000, maxEntries: config.cache.maxEntries }
    stores.cacheEntries = shared
      ? new RedisCacheEntries(shared.redis, REDIS_PREFIX, bounds)
      : SqliteCacheEntries.open(file('cache.sqlite'), { ...bounds, log: (line) => log(`cache: ${line}`) })
    // A day of evidence for feedback, not money: without Redis it lives and dies with the process.
    stores.servedHits = shared ? new FallbackServedHits(shared.redis, new RedisServedHits(shared.redis, REDIS_PREFIX)) : new MemoryServedHits()
  }

  for (const note of config.notes) log(note)
  // The stats recorder is made first: the pool reports every attempt to it.
  let stats: StatsRecorder | undefined
  const send = createSender(config.upstreamTimeoutMs, options.fetch)
  const pool = new UpstreamPool(config.upstreams, {
    health: stores.keyHealth,
    send,
    attempts: config.upstreamAttempts,
    log,
    onAttempt: (upstream, fingerprint, outcome) => stats?.recordAttempt(upstream, fingerprint, outcome),
  })
  const startCheck = new StartCheck(pool, log)
  const prices = new Prices(config.modelPrices)
  const overrides = Object.keys(prices.overrides).length
  log(`prices: @pydantic/genai-prices ${prices.catalogue.version} (${prices.catalogue.size} models), MODEL_PRICES overrides ${overrides}`)

  const cache = stores.cacheEntries
    ? await openCache(config, log, stores, embeddingsSource(config, pool, log, options), shared && (() => shared.redis.available), (judged) => stats?.judged(judged))
    : undefined
  if (!cache) log('cache: off (CACHE_ALLOWED=false)')
  stats = new StatsRecorder({
    store: stores.stats,
    version: VERSION,
    prices,
    pricedModel: (model) => pricedModel(pool, model),
    cacheEnabled: !!cache,
    cacheEntries: cache ? () => cache.count() : undefined,
    upstreams: async () => (await pool.health()).map((upstream) => ({ ...upstream, check: startCheck.result(upstream.name) })),
    replicas: shared ? () => shared.replicas.seen() : undefined,
    log,
  })
  const ring = await KeyRing.open(config, stores.keys)
  const failures = new FailedAuth({ store: stores.rateLimits, onRefused: (limited) => stats?.recordAuthFailure(limited) })
  const reports = new UsageReports(stores.usage, stores.budgets)
  const contexts = new RequestContexts()
  const app = createApp({
    config,
    log,
    contexts,
    cache,
    stats,
    keys: new KeyAdmin({
      store: stores.keys,
      ring,
      usage: reports,
      fileKeys: config.keys,
      secrets: [config.adminKey, config.metricsKey, ...config.upstreams.flatMap((u) => u.keys)].filter((k): k is string => !!k),
    }),
    failures,
    api: {
      config,
      authenticate: authenticator(ring, config, failures),
      reports,
      gatekeeper: new Gatekeeper({ rateLimits: stores.rateLimits, budgets: stores.budgets, usage: stores.usage, prices, pricedModel: (model) => pricedModel(pool, model) }),
      pool,
      catalog: new ModelCatalog(pool, log),
      cache,
      responses: { origins: stores.responseOrigins, kept: stores.keptResponses, ttlMs: config.responsesTtlMs },
      secrets: [...pool.keys, ...config.proxyKeys, ...[config.adminKey, config.metricsKey, config.embedding.key].filter((k): k is string => !!k)],
    },
  })

  return {
    app,
    contexts,
    stats,
    cache,
    stores,
    checkUpstreams: () => startCheck.run(),
    async close() {
      ring.close()
      await cache?.close()
      await stats.close()
      await stores.keys.close()
      accounts?.close()
      await stores.responseOrigins.close()
      await stores.keptResponses.close()
      responses?.close()
      shared?.replicas.close()
      shared?.redis.close()
    },
  }
}

/**
 * Imported here rather than at the top: the usearch native addon loads with it, and when it cannot (the
 * standalone executable unpacks it into $TMPDIR) the operator should get a sentence, not a dump.
 */
async function openCache(
  config: Config,
  log: LogSink,
  stores: StateStores,
  embeddings: EmbeddingsSource | undefined,
  reachable: (() => boolean) | undefined,
  onJudged: (judged: Judged) => void
): Promise<AnswerCache> {
  let module: typeof import('./cache/answer-cache')
  try {
    module = await import('./cache/answer-cache')
  } catch (error) {
    throw new StartError(
      `the vector search addon did not load (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'The executable unpacks it into $TMPDIR, which must be writable and not mounted noexec; or set CACHE_ALLOWED=false.'
    )
  }
  return module.AnswerCache.open({
    config,
    log,
    entries: stores.cacheEntries!,
    inFlight: stores.inFlight,
    embeddings,
    storeName: config.redisUrl ? 'Redis' : 'cache.sqlite',
    reachable,
    served: stores.servedHits,
    onJudged,
  })
}

/**
 * The cache's embeddings: EMBEDDING_BASE_URL when set, else the pool's upstream for EMBEDDING_MODEL (with
 * its rotation and failover). Their cost is the proxy's, not a key's: no budget or rate limit sees them.
 */
function embeddingsSource(config: Config, pool: UpstreamPool, log: LogSink, options: ComposeOptions): EmbeddingsSource | undefined {
  const { model, baseUrl, key } = config.embedding
  const headers = () => new Headers({ 'content-type': 'application/json' })
  if (baseUrl) {
    const send = options.fetch ?? fetch
    return {
      name: new URL(baseUrl).origin,
      // A redirect would carry the question (and the key) to wherever it points.
      request: (body, signal) =>
        send(`${baseUrl}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key ?? ''}` }, body, signal, redirect: 'manual' }),
    }
  }
  if (!pool.serves(model)) {
    log(`cache: no upstream serves ${model} (EMBEDDING_MODEL): semantic matching is off, exact caching stays on`)
    return undefined
  }
  return {
    name: 'the upstream pool',
    request: async (body, signal) => {
      const parsed = JSON.parse(body)
      const answer = await pool.call({
        method: 'POST',
        path: '/embeddings',
        headers: headers(),
        body: (upstream) => JSON.stringify({ ...parsed, model: UpstreamPool.upstreamModel(upstream, model) }),
        model,
        retryable: true,
        // No client reads this answer: a refusal it meets is kept for the client whose request comes next.
        internal: true,
        signal,
      })
      return answer.response
    },
  }
}

/** Every key of a deployment starts with this, so one Redis database holds nothing else of ours unprefixed. */
const REDIS_PREFIX = 'pgpt:'

/**
 * The stores of a replica sharing state through Redis. Limits, budget reservations and key health fall
 * back to the replica's own memory while Redis is away; usage and statistics are kept until it is back.
 */
async function openRedis(url: string, log: LogSink) {
  const redis = new RedisConnection(url, log)
  if (!(await redis.connect())) log('redis: not reachable at start; the replica serves on its own until it is')
  else log('redis: connected; state is shared with the other replicas')
  const replica = `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 4)}`
  const stores: StateStores = {
    rateLimits: new FallbackRateLimits(redis, new RedisRateLimits(redis, REDIS_PREFIX)),
    inFlight: new RedisInFlight(redis, REDIS_PREFIX, replica),
    keyHealth: new FallbackKeyHealth(redis, new RedisKeyHealth(redis, REDIS_PREFIX)),
    stats: new FallbackStats(redis, new RedisStats(redis, REDIS_PREFIX)),
    usage: new FallbackUsage(redis, new RedisUsage(redis, REDIS_PREFIX)),
    budgets: new FallbackBudgets(redis, new RedisBudgets(redis, REDIS_PREFIX)),
    keys: new RedisKeys(redis, REDIS_PREFIX),
    responseOrigins: new FallbackResponseOrigins(redis, new RedisResponseOrigins(redis, REDIS_PREFIX)),
    keptResponses: new FallbackKeptResponses(redis, new RedisKeptResponses(redis, REDIS_PREFIX)),
  }
  return { redis, stores, replicas: new ReplicaRegistry(redis, REDIS_PREFIX, replica) }
}
