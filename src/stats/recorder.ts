import { throttledLog, describeError, type LogSink } from '../log/sink'
import type { StatsDelta, StatsStore } from '../state/types'
import { ModelLabels, statusClass } from './labels'
import { CATALOGUE_PRICES, costOf, type PriceSource } from '../openai/prices'
import type { Tokens } from '../openai/usage'
import type { RequestEvent } from './event'
import { PrometheusMetrics } from './prometheus'
import { buildSnapshot, BUCKET_SECONDS, ENDPOINTS, PROVIDER_CACHE, SERIES_HOURS, type UpstreamHealth } from './snapshot'

// What the operator sees on the status page, /stats and /metrics. Recording is in-memory arithmetic on the
// request path; the counts are added to the stats store every few seconds and on close, so they survive
// restarts (and sum across replicas that share a store). No prompt text and no key ever enters here: only
// endpoint, model name, status and numbers.

export type { RequestEvent }

export interface StatsOptions {
  store: StatsStore
  version: string
  /** The catalogue with MODEL_PRICES over it (default: the catalogue alone). */
  prices?: PriceSource
  /** The name prices know a client's model by: the first serving upstream's, after its model_map. */
  pricedModel?: (model: string) => string
  cacheEnabled: boolean
  cacheEntries?: () => Promise<number>
  /** Each upstream's keys and their health, for the status page (never a key, only fingerprints). */
  upstreams?: () => Promise<UpstreamHealth[]>
  /** With REDIS_URL: how many replicas were heard from in the last minute (undefined: Redis away). */
  replicas?: () => Promise<number | undefined>
  now?: () => number
  /** Failed writes (a full disk) are reported here, at most once a minute. */
  log?: LogSink
}

const FLUSH_MS = 10_000
const LATENCY_SAMPLES = 1000

export class StatsRecorder {
  readonly prometheus: PrometheusMetrics
  private readonly now: () => number
  private readonly prices: PriceSource
  private readonly models = new ModelLabels()
  /** The upstreams' names of the models, bounded apart from the clients' (a model_map renames them). */
  private readonly upstreamModels = new ModelLabels()
  private pending: StatsDelta = emptyDelta()
  private readonly latencies: number[] = []
  private readonly startedAt: number
  private readonly timer: ReturnType<typeof setInterval>
  private readonly failure: (kind: string, line: string) => void
  private flushing: Promise<void> = Promise.resolve()

  constructor(private readonly options: StatsOptions) {
    this.now = options.now ?? Date.now
    this.prices = options.prices ?? CATALOGUE_PRICES
    this.startedAt = this.now()
    this.failure = throttledLog(options.log ?? (() => {}))
    this.prometheus = new PrometheusMetrics(options.version, this.startedAt, options.cacheEntries ?? (async () => 0), options.upstreams, this.now)
    this.timer = setInterval(() => void this.flush(), FLUSH_MS)
    this.timer.unref?.()
  }

  /** A cached answer judged (DESIGN §1.11): a semantic hit refuted or confirmed, or an entry removed as wrong. */
  judged(judged: 'refuted' | 'confirmed' | 'removed') {
    this.add(`cache.judged.${judged}`)
    this.prometheus.recordJudged(judged)
  }

  record(event: RequestEvent) {
    const endpoint = ENDPOINTS.includes(event.endpoint) ? event.endpoint : 'other'
    const model = this.models.label(event.model)
    const cache = event.cache ? (event.cacheMatch ? `hit_${event.cacheMatch}` : event.cache.toLowerCase()) : 'none'
    this.prometheus.record(event, { endpoint, model, cache, statusClass: statusClass(event.status) })

    this.add('requests')
    this.add(`requests.endpoint.${endpoint}`)
    this.add(`requests.model.${model}`)
    if (event.cache === 'HIT') this.add(`cache.hit.${event.cacheMatch ?? 'exact'}`)
    else if (event.cache === 'MISS') this.add('cache.miss')
    else if (event.cache === 'BYPASS') this.add('cache.bypass')
    if (event.rateLimited) this.add('rate_limited')
    if (event.overBudget) this.add('over_budget')
    if (event.upstreamMs !== undefined || event.upstreamFailed) {
      this.add('upstream.requests')
      if (event.upstreamMs !== undefined) {
        this.latencies.push(event.upstreamMs)
        if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift()
      }
    }
    if (event.upstreamFailed) this.add('upstream.errors')
    if (event.saved) {
      const { promptTokens, completionTokens } = event.saved
      const asked = event.model ?? ''
      const usd = costOf(this.prices, this.options.pricedModel?.(asked) ?? asked, event.saved)
      this.add('tokens.prompt', promptTokens)
      this.add('tokens.completion', completionTokens)
      if (event.saved.cachedTokens) this.add('tokens.cached', event.saved.cachedTokens)
      this.add('usd', usd)
      this.add(`tokens.model.${model}`, promptTokens + completionTokens)
      this.add(`usd.model.${model}`, usd)
    }
    if (event.upstream && event.usage && event.usage.tokens.promptTokens > 0) this.recordProviderCache(event.upstream, event.usage.model, event.usage.tokens)

    const bucket = bucketOf(event.at ?? this.now())
    const point = this.pending.points.get(bucket) ?? { requests: 0, hitsExact: 0, hitsSemantic: 0 }
    point.requests++
    if (event.cache === 'HIT') event.cacheMatch === 'semantic' ? point.hitsSemantic++ : point.hitsExact++
    this.pending.points.set(bucket, point)
  }

  /** Of the prompt tokens an upstream reported, those it read from its prompt cache (DESIGN §1.9), by upstream and model. */
  private recordProviderCache(upstream: string, upstreamModel: string, tokens: Tokens) {
    const model = this.upstreamModels.label(upstreamModel)
    const at = `${PROVIDER_CACHE}${upstream}.${model}`
    this.add(`${at}.prompt`, tokens.promptTokens)
    if (tokens.cachedTokens) this.add(`${at}.cached`, tokens.cachedTokens)
    this.prometheus.recordProviderCache(upstream, model, tokens.promptTokens, tokens.cachedTokens ?? 0)
  }

  /** One try of one upstream key: `ok`, `rate_limited` (a 429), `disabled` (401, 403, out of quota) or `error`. */
  recordAttempt(upstream: string, fingerprint: string, outcome: 'ok' | 'rate_limited' | 'disabled' | 'error') {
    const at = `pool.${upstream}.${fingerprint}`
    this.add(`${at}.requests`)
    if (outcome === 'rate_limited') this.add(`${at}.rate_limited`)
    else if (outcome !== 'ok') this.add(`${at}.errors`)
    this.prometheus.recordAttempt(upstream, fingerprint, outcome)
  }

  /** A wrong or missing key (proxy, admin or metrics key): refused with a 401, or with the 429 when `limited`. */
  recordAuthFailure(limited: boolean) {
    this.add('auth.failed')
    if (limited) this.add('auth.limited')
    this.prometheus.recordAuthFailure(limited)
  }

  /** The figures of the status page: what the store holds plus what is not written yet. */
  async snapshot() {
    const oldest = bucketOf(this.now()) - SERIES_HOURS * 3600
    const data = await this.options.store.read(oldest)
    for (const [name, by] of this.pending.totals) data.totals.set(name, (data.totals.get(name) ?? 0) + by)
    for (const [bucket, p] of this.pending.points) {
      const point = data.points.find((q) => q.bucket === bucket)
      if (point) {
        point.requests += p.requests
        point.hitsExact += p.hitsExact
        point.hitsSemantic += p.hitsSemantic
      } else if (bucket >= oldest) {
        data.points.push({ bucket, ...p })
      }
    }
    data.points.sort((a, b) => a.bucket - b.bucket)
    return buildSnapshot({
      data,
      version: this.options.version,
      startedAt: this.startedAt,
      now: this.now(),
      latencies: this.latencies,
      cacheEnabled: this.options.cacheEnabled,
      cacheEntries: (await this.options.cacheEntries?.()) ?? 0,
      upstreams: (await this.options.upstreams?.()) ?? [],
      replicas: this.options.replicas ? { mode: 'shared', seen: (await this.options.replicas()) ?? null } : { mode: 'alone', seen: 1 },
    })
  }

  /** Adds what was counted to the store; on a failure (a full disk) it stays pending for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const delta = this.pending
      if (delta.totals.size === 0 && delta.points.size === 0) return
      this.pending = emptyDelta()
      try {
        await this.options.store.add(delta)
        await this.options.store.prune(bucketOf(this.now()) - (SERIES_HOURS + 24) * 3600)
      } catch (error) {
        merge(this.pending, delta)
        this.failure('write', `stats: could not write stats.sqlite (${describeError(error)}); figures are kept in memory until it works again`)
      }
    })
    return this.flushing
  }

  async close() {
    clearInterval(this.timer)
    await this.flush()
    await this.options.store.close()
  }

  private add(name: string, by = 1) {
    this.pending.totals.set(name, (this.pending.totals.get(name) ?? 0) + by)
  }
}

const emptyDelta = (): StatsDelta => ({ totals: new Map(), points: new Map() })

function merge(into: StatsDelta, from: StatsDelta) {
  for (const [name, by] of from.totals) into.totals.set(name, (into.totals.get(name) ?? 0) + by)
  for (const [bucket, p] of from.points) {
    const point = into.points.get(bucket) ?? { requests: 0, hitsExact: 0, hitsSemantic: 0 }
    point.requests += p.requests
    point.hitsExact += p.hitsExact
    point.hitsSemantic += p.hitsSemantic
    into.points.set(bucket, point)
  }
}

function bucketOf(ms: number): number {
  const seconds = Math.floor(ms / 1000)
  return seconds - (seconds % BUCKET_SECONDS)
}
