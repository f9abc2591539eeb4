import { Database } from 'bun:sqlite'
import { throttledLog } from '../logging'
import { openDatabase } from '../state/sqlite/open'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { ModelLabels, statusClass } from './labels'
import { costOf, DEFAULT_PRICES, type PriceTable } from './prices'

// What the operator sees on the status page, /stats and /metrics. Recording is in-memory arithmetic on the
// request path; totals and the chart's time series are written to SQLite every few seconds and on close,
// so they survive restarts. Prometheus counters follow Prometheus' own convention and start at zero with
// the process. No prompt text and no key ever enters here: only endpoint, model name, status and numbers.

export interface RequestEvent {
  endpoint: string
  model?: string
  status: number
  cache?: 'HIT' | 'MISS' | 'BYPASS'
  cacheMatch?: 'exact' | 'semantic'
  durationMs: number
  /** Time to the upstream's response headers, when the upstream was called. */
  upstreamMs?: number
  /** The upstream failed: unreachable, timed out, 5xx or 429. */
  upstreamFailed: boolean
  rateLimited: boolean
  /** Tokens a cache hit did not spend. */
  saved?: { promptTokens: number; completionTokens: number }
  at?: number
}

export interface StatsOptions {
  /** SQLite file for totals; ':memory:' keeps nothing. */
  path: string
  version: string
  prices?: PriceTable
  cacheEnabled: boolean
  cacheEntries?: () => number
  now?: () => number
  /** Failed writes (a full disk) are reported here, at most once a minute. */
  log?: (line: string) => void
}

const BUCKET_SECONDS = 600
const SERIES_HOURS = 12
const FLUSH_MS = 10_000
const LATENCY_SAMPLES = 1000
const ENDPOINTS = ['chat', 'completions', 'embeddings', 'responses', 'other']

interface Point {
  requests: number
  hitsExact: number
  hitsSemantic: number
}

export class Stats {
  readonly registry = new Registry()
  private readonly db: Database
  private readonly now: () => number
  private readonly prices: PriceTable
  private readonly models = new ModelLabels()
  private readonly totals = new Map<string, number>()
  private readonly dirtyTotals = new Set<string>()
  private readonly series = new Map<number, Point>()
  private readonly dirtyBuckets = new Set<number>()
  private readonly latencies: number[] = []
  private readonly startedAt: number
  private readonly since: number
  private readonly timer: ReturnType<typeof setInterval>
  private readonly metrics
  /** Request counts by label set since the last scrape: prom-client hashes a label set on every inc(). */
  private readonly pendingRequests = new Map<string, { labels: Record<string, string>; n: number }>()
  private readonly failure: (kind: string, line: string) => void

  constructor(private readonly options: StatsOptions) {
    this.now = options.now ?? Date.now
    this.prices = { ...DEFAULT_PRICES, ...options.prices }
    this.startedAt = this.now()
    const log = options.log ?? (() => {})
    this.failure = throttledLog(log)
    this.db = options.path === ':memory:' ? new Database(':memory:') : openDatabase(options.path, (line) => log(`stats: ${line}`)).db
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS series (bucket INTEGER PRIMARY KEY, requests INTEGER NOT NULL, hits_exact INTEGER NOT NULL, hits_semantic INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `)
    for (const row of this.db.query<{ name: string; value: number }, []>('SELECT name, value FROM totals').all()) this.totals.set(row.name, row.value)
    const oldest = this.bucketOf(this.now()) - SERIES_HOURS * 3600
    for (const row of this.db
      .query<{ bucket: number; requests: number; hits_exact: number; hits_semantic: number }, [number]>('SELECT * FROM series WHERE bucket >= ?')
      .all(oldest)) {
      this.series.set(row.bucket, { requests: row.requests, hitsExact: row.hits_exact, hitsSemantic: row.hits_semantic })
    }
    const since = this.db.query<{ value: string }, []>("SELECT value FROM meta WHERE name = 'since'").get()
    this.since = since ? Number(since.value) : this.startedAt
    if (!since) this.write(() => this.db.query("INSERT INTO meta (name, value) VALUES ('since', ?)").run(String(this.since)))

    const registers = [this.registry]
    this.metrics = {
      requests: new Counter({
        name: 'proxy_gpt_requests_total',
        help: 'API requests handled',
        labelNames: ['endpoint', 'model', 'status_class', 'cache'],
        registers,
        collect: () => {
          for (const { labels, n } of this.pendingRequests.values()) this.metrics.requests.inc(labels, n)
          this.pendingRequests.clear()
        },
      }),
      duration: new Histogram({
        name: 'proxy_gpt_request_duration_seconds',
        help: 'Time to the end of the answer (streams included)',
        labelNames: ['endpoint', 'cache'],
        buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers,
      }),
      upstream: new Histogram({
        name: 'proxy_gpt_upstream_duration_seconds',
        help: "Time to the upstream's response headers",
        labelNames: ['endpoint'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
        registers,
      }),
      upstreamErrors: new Counter({ name: 'proxy_gpt_upstream_errors_total', help: 'Upstream failures (unreachable, timeout, 5xx, 429)', labelNames: ['endpoint'], registers }),
      rateLimited: new Counter({ name: 'proxy_gpt_rate_limited_total', help: 'Requests refused by MODEL_RATE_LIMIT', registers }),
      tokensSaved: new Counter({ name: 'proxy_gpt_tokens_saved_total', help: 'Tokens served from cache instead of the upstream', labelNames: ['model', 'kind'], registers }),
      entries: new Gauge({
        name: 'proxy_gpt_cache_entries',
        help: 'Answers in the cache',
        registers,
        collect: () => {
          this.metrics.entries.set(options.cacheEntries?.() ?? 0)
        },
      }),
      info: new Gauge({ name: 'proxy_gpt_build_info', help: 'Version of the running proxy', labelNames: ['version'], registers }),
      started: new Gauge({ name: 'proxy_gpt_start_time_seconds', help: 'Start time of the process', registers }),
    }
    this.metrics.info.set({ version: options.version }, 1)
    this.metrics.started.set(this.startedAt / 1000)
    this.timer = setInterval(() => this.flush(), FLUSH_MS)
    this.timer.unref?.()
  }

  record(event: RequestEvent) {
    const endpoint = ENDPOINTS.includes(event.endpoint) ? event.endpoint : 'other'
    const model = this.models.label(event.model)
    const cache = event.cache ? (event.cacheMatch ? `hit_${event.cacheMatch}` : event.cache.toLowerCase()) : 'none'
    const status_class = statusClass(event.status)
    const labelKey = `${endpoint} ${model} ${status_class} ${cache}`
    const pending = this.pendingRequests.get(labelKey)
    if (pending) pending.n++
    else this.pendingRequests.set(labelKey, { labels: { endpoint, model, status_class, cache }, n: 1 })
    this.metrics.duration.observe({ endpoint, cache }, event.durationMs / 1000)

    this.add('requests')
    this.add(`requests.endpoint.${endpoint}`)
    this.add(`requests.model.${model}`)
    if (event.cache === 'HIT') this.add(`cache.hit.${event.cacheMatch ?? 'exact'}`)
    else if (event.cache === 'MISS') this.add('cache.miss')
    else if (event.cache === 'BYPASS') this.add('cache.bypass')
    if (event.rateLimited) {
      this.add('rate_limited')
      this.metrics.rateLimited.inc()
    }
    if (event.upstreamMs !== undefined || event.upstreamFailed) {
      this.add('upstream.requests')
      if (event.upstreamMs !== undefined) {
        this.metrics.upstream.observe({ endpoint }, event.upstreamMs / 1000)
        this.latencies.push(event.upstreamMs)
        if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift()
      }
    }
    if (event.upstreamFailed) {
      this.add('upstream.errors')
      this.metrics.upstreamErrors.inc({ endpoint })
    }
    if (event.saved) {
      const { promptTokens, completionTokens } = event.saved
      const usd = costOf(this.prices, event.model ?? '', promptTokens, completionTokens)
      this.add('tokens.prompt', promptTokens)
      this.add('tokens.completion', completionTokens)
      this.add('usd', usd)
      this.add(`tokens.model.${model}`, promptTokens + completionTokens)
      this.add(`usd.model.${model}`, usd)
      this.metrics.tokensSaved.inc({ model, kind: 'prompt' }, promptTokens)
      this.metrics.tokensSaved.inc({ model, kind: 'completion' }, completionTokens)
    }

    const bucket = this.bucketOf(event.at ?? this.now())
    const point = this.series.get(bucket) ?? { requests: 0, hitsExact: 0, hitsSemantic: 0 }
    point.requests++
    if (event.cache === 'HIT') event.cacheMatch === 'semantic' ? point.hitsSemantic++ : point.hitsExact++
    this.series.set(bucket, point)
    this.dirtyBuckets.add(bucket)
  }

  /** The figures of the status page. */
  snapshot() {
    const total = (name: string) => this.totals.get(name) ?? 0
    const group = (prefix: string) => {
      const out: Record<string, number> = {}
      for (const [name, value] of this.totals) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = value
      return out
    }
    const exact = total('cache.hit.exact')
    const semantic = total('cache.hit.semantic')
    const cacheable = exact + semantic + total('cache.miss') + total('cache.bypass')
    const rate = (n: number) => (cacheable ? round(n / cacheable, 4) : 0)
    const upstreamRequests = total('upstream.requests')
    const tokensByModel = group('tokens.model.')
    const usdByModel = group('usd.model.')
    const oldest = this.bucketOf(this.now()) - SERIES_HOURS * 3600
    const sorted = [...this.latencies].sort((a, b) => a - b)
    const quantile = (q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, 1) : null)

    return {
      version: this.options.version,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.floor((this.now() - this.startedAt) / 1000),
      since: new Date(this.since).toISOString(),
      requests: {
        total: total('requests'),
        byEndpoint: Object.fromEntries(ENDPOINTS.map((e) => [e, total(`requests.endpoint.${e}`)])),
        byModel: group('requests.model.'),
      },
      cache: {
        enabled: this.options.cacheEnabled,
        entries: this.options.cacheEntries?.() ?? 0,
        hits: { exact, semantic },
        misses: total('cache.miss'),
        bypass: total('cache.bypass'),
        hitRate: rate(exact + semantic),
        exactRate: rate(exact),
        semanticRate: rate(semantic),
      },
      savings: {
        promptTokens: total('tokens.prompt'),
        completionTokens: total('tokens.completion'),
        totalTokens: total('tokens.prompt') + total('tokens.completion'),
        usd: round(total('usd'), 6),
        byModel: Object.fromEntries(Object.keys(tokensByModel).map((m) => [m, { tokens: tokensByModel[m]!, usd: round(usdByModel[m] ?? 0, 6) }])),
      },
      rateLimited: total('rate_limited'),
      upstream: {
        requests: upstreamRequests,
        errors: total('upstream.errors'),
        errorRate: upstreamRequests ? round(total('upstream.errors') / upstreamRequests, 4) : 0,
        latencyMs: {
          p50: quantile(0.5),
          p90: quantile(0.9),
          p99: quantile(0.99),
          mean: sorted.length ? round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 1) : null,
        },
      },
      series: {
        bucketSeconds: BUCKET_SECONDS,
        points: [...this.series.entries()]
          .filter(([bucket]) => bucket >= oldest)
          .sort(([a], [b]) => a - b)
          .map(([t, p]) => ({ t, ...p })),
      },
    }
  }

  /** Prometheus text exposition. */
  prometheus(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** Writes the figures; on a failure (a full disk) they stay in memory and the next flush tries again. */
  flush() {
    if (this.dirtyTotals.size === 0 && this.dirtyBuckets.size === 0) return
    if (this.write(() => this.writeDirty())) {
      this.dirtyTotals.clear()
      this.dirtyBuckets.clear()
    }
    const oldest = this.bucketOf(this.now()) - SERIES_HOURS * 3600
    for (const bucket of this.series.keys()) if (bucket < oldest) this.series.delete(bucket)
  }

  private write(operation: () => void): boolean {
    try {
      operation()
      return true
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string }
      this.failure('write', `stats: could not write stats.sqlite (${[code, message].filter(Boolean).join(': ')}); figures are kept in memory until it works again`)
      return false
    }
  }

  private writeDirty() {
    const setTotal = this.db.query('INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
    const setBucket = this.db.query(
      'INSERT INTO series (bucket, requests, hits_exact, hits_semantic) VALUES (?, ?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET requests = excluded.requests, hits_exact = excluded.hits_exact, hits_semantic = excluded.hits_semantic'
    )
    const oldest = this.bucketOf(this.now()) - SERIES_HOURS * 3600
    this.db.transaction(() => {
      for (const name of this.dirtyTotals) setTotal.run(name, this.totals.get(name) ?? 0)
      for (const bucket of this.dirtyBuckets) {
        const p = this.series.get(bucket)
        if (p) setBucket.run(bucket, p.requests, p.hitsExact, p.hitsSemantic)
      }
      this.db.query('DELETE FROM series WHERE bucket < ?').run(oldest - 24 * 3600)
    })()
  }

  close() {
    clearInterval(this.timer)
    this.flush()
    this.db.close()
  }

  private add(name: string, by = 1) {
    this.totals.set(name, (this.totals.get(name) ?? 0) + by)
    this.dirtyTotals.add(name)
  }

  private bucketOf(ms: number): number {
    const seconds = Math.floor(ms / 1000)
    return seconds - (seconds % BUCKET_SECONDS)
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits
