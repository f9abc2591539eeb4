import { Counter, Gauge, Registry, type Metric } from 'prom-client'
import { CountedHistogram } from './histogram'
import type { RequestEvent } from './event'
import { coolingNow, type UpstreamHealth } from './snapshot'

// The /metrics series: Prometheus' own convention (counters start at zero with the process), bounded labels.

type CounterName = 'upstreamErrors' | 'rateLimited' | 'overBudget' | 'tokensSaved' | 'upstreamPromptTokens' | 'upstreamCachedTokens'

interface Pending {
  labels: Record<string, string>
  n: number
}

export class PrometheusMetrics {
  readonly registry = new Registry()
  /** Request counts by label set since the last scrape: prom-client hashes a label set on every inc(). */
  private readonly pendingRequests = new Map<string, { labels: Record<string, string>; n: number }>()
  /** The same for the other per-request counters, by counter and label set. */
  private readonly pending: Record<CounterName, Map<string, Pending>> = {
    upstreamErrors: new Map(),
    rateLimited: new Map(),
    overBudget: new Map(),
    tokensSaved: new Map(),
    upstreamPromptTokens: new Map(),
    upstreamCachedTokens: new Map(),
  }
  private readonly duration = new CountedHistogram(
    'proxy_gpt_request_duration_seconds',
    'Time to the end of the answer (streams included)',
    [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
  )
  private readonly upstream = new CountedHistogram('proxy_gpt_upstream_duration_seconds', "Time to the upstream's response headers", [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120])
  private readonly metrics

  constructor(
    version: string,
    startedAt: number,
    cacheEntries: () => Promise<number>,
    upstreams: () => Promise<UpstreamHealth[]> = async () => [],
    now: () => number = Date.now
  ) {
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
      upstreamErrors: new Counter({
        name: 'proxy_gpt_upstream_errors_total',
        help: 'Upstream failures (unreachable, timeout, 5xx, 429)',
        labelNames: ['endpoint'],
        registers,
        collect: (): void => this.drain('upstreamErrors'),
      }),
      rateLimited: new Counter({
        name: 'proxy_gpt_rate_limited_total',
        help: 'Requests refused by MODEL_RATE_LIMIT',
        registers,
        collect: (): void => this.drain('rateLimited'),
      }),
      overBudget: new Counter({
        name: 'proxy_gpt_budget_refusals_total',
        help: "Requests refused by their key's budget (429 insufficient_quota)",
        registers,
        collect: (): void => this.drain('overBudget'),
      }),
      authFailures: new Counter({
        name: 'proxy_gpt_auth_failures_total',
        help: 'Wrong or missing keys, by answer: unauthorized (401) or limited (429, too many from one address)',
        labelNames: ['outcome'],
        registers,
      }),
      // DESIGN §1.11. Rare (a person tells the proxy), so counted straight into prom-client, not batched.
      judgements: new Counter({
        name: 'proxy_gpt_cache_judgements_total',
        help: 'Cached answers judged: semantic hits refuted (the skip word, no-cache, feedback) or confirmed, entries removed as wrong',
        labelNames: ['verdict'],
        registers,
      }),
      tokensSaved: new Counter({
        name: 'proxy_gpt_tokens_saved_total',
        help: 'Tokens served from cache instead of the upstream',
        labelNames: ['model', 'kind'],
        registers,
        collect: (): void => this.drain('tokensSaved'),
      }),
      // The provider prompt-cache hit rate (DESIGN §1.9) is cached ÷ prompt, per upstream and its model name.
      upstreamPromptTokens: new Counter({
        name: 'proxy_gpt_upstream_prompt_tokens_total',
        help: 'Prompt tokens upstreams reported for the answers the proxy read (metered keys, cache misses), by upstream and its model name',
        labelNames: ['upstream', 'model'],
        registers,
        collect: (): void => this.drain('upstreamPromptTokens'),
      }),
      upstreamCachedTokens: new Counter({
        name: 'proxy_gpt_upstream_cached_tokens_total',
        help: "Of those prompt tokens, the ones the upstream read from its prompt cache (hit rate: this ÷ proxy_gpt_upstream_prompt_tokens_total)",
        labelNames: ['upstream', 'model'],
        registers,
        collect: (): void => this.drain('upstreamCachedTokens'),
      }),
      entries: new Gauge({
        name: 'proxy_gpt_cache_entries',
        help: 'Answers in the cache',
        registers,
        async collect() {
          this.set(await cacheEntries())
        },
      }),
      // Labels are the configured upstream names and key fingerprints: as many series as the file has keys.
      attempts: new Counter({
        name: 'proxy_gpt_upstream_attempts_total',
        help: 'Tries of upstream keys, by outcome (ok, rate_limited, disabled, error)',
        labelNames: ['upstream', 'key', 'outcome'],
        registers,
      }),
      keyState: new Gauge({
        name: 'proxy_gpt_upstream_key_state',
        help: 'Health of each upstream key: 1 for its current state (ok, cooling for at least one model, disabled), 0 for the others',
        labelNames: ['upstream', 'key', 'state'],
        registers,
        async collect() {
          this.reset()
          for (const upstream of await upstreams()) {
            for (const { fingerprint, health } of upstream.keys) {
              const state = health?.disabled ? 'disabled' : coolingNow(health, now()).length > 0 ? 'cooling' : 'ok'
              for (const s of ['ok', 'cooling', 'disabled']) this.set({ upstream: upstream.name, key: fingerprint, state: s }, s === state ? 1 : 0)
            }
          }
        },
      }),
      // Cool-downs are per model (providers limit per model): a series per model a key rests for, gone when
      // it is over, so the models are only those an upstream answered 429 for in the last minute.
      keyCooling: new Gauge({
        name: 'proxy_gpt_upstream_key_cooling_seconds',
        help: "Seconds an upstream key still rests for a model after a 429 (the upstream's model name; empty for requests naming none)",
        labelNames: ['upstream', 'key', 'model'],
        registers,
        async collect() {
          this.reset()
          const at = now()
          for (const upstream of await upstreams()) {
            for (const { fingerprint, health } of upstream.keys) {
              for (const [model, until] of coolingNow(health, at)) this.set({ upstream: upstream.name, key: fingerprint, model }, (until - at) / 1000)
            }
          }
        },
      }),
      info: new Gauge({ name: 'proxy_gpt_build_info', help: 'Version of the running proxy', labelNames: ['version'], registers }),
      started: new Gauge({ name: 'proxy_gpt_start_time_seconds', help: 'Start time of the process', registers }),
    }
    for (const histogram of [this.duration, this.upstream]) this.registry.registerMetric(histogram as unknown as Metric)
    this.metrics.info.set({ version }, 1)
    this.metrics.started.set(startedAt / 1000)
    // Both series from the start: an alert on a rise of `limited` needs a zero to rise from.
    for (const outcome of ['unauthorized', 'limited']) this.metrics.authFailures.inc({ outcome }, 0)
    // The same for refutations: the wrong-hit rate is refuted ÷ hit_semantic, from the first scrape on.
    for (const verdict of ['refuted', 'confirmed', 'removed']) this.metrics.judgements.inc({ verdict }, 0)
  }

  /** Labels already bounded by the recorder (endpoint list, first 30 model names). */
  record(event: RequestEvent, labels: { endpoint: string; model: string; cache: string; statusClass: string }) {
    const { endpoint, model, cache, statusClass } = labels
    const key = `${endpoint} ${model} ${statusClass} ${cache}`
    const pending = this.pendingRequests.get(key)
    if (pending) pending.n++
    else this.pendingRequests.set(key, { labels: { endpoint, model, status_class: statusClass, cache }, n: 1 })
    this.duration.observe(`${endpoint} ${cache}`, () => ({ endpoint, cache }), event.durationMs / 1000)
    if (event.rateLimited) this.count('rateLimited', '', () => ({}))
    if (event.overBudget) this.count('overBudget', '', () => ({}))
    if (event.upstreamMs !== undefined) this.upstream.observe(endpoint, () => ({ endpoint }), event.upstreamMs / 1000)
    if (event.upstreamFailed) this.count('upstreamErrors', endpoint, () => ({ endpoint }))
    if (event.saved) {
      this.count('tokensSaved', `${model} prompt`, () => ({ model, kind: 'prompt' }), event.saved.promptTokens)
      this.count('tokensSaved', `${model} completion`, () => ({ model, kind: 'completion' }), event.saved.completionTokens)
    }
  }

  /** Labels bounded by the recorder (configured upstream names, the first 30 model names). */
  recordProviderCache(upstream: string, model: string, promptTokens: number, cachedTokens: number) {
    const key = `${upstream} ${model}`
    this.count('upstreamPromptTokens', key, () => ({ upstream, model }), promptTokens)
    this.count('upstreamCachedTokens', key, () => ({ upstream, model }), cachedTokens)
  }

  private count(counter: CounterName, key: string, labels: () => Record<string, string>, by = 1) {
    const pending = this.pending[counter].get(key)
    if (pending) pending.n += by
    else this.pending[counter].set(key, { labels: labels(), n: by })
  }

  /** Hands a counter what was counted since the last scrape. */
  private drain(counter: CounterName) {
    const metric: Counter<string> = this.metrics[counter]
    for (const { labels, n } of this.pending[counter].values()) metric.inc(labels, n)
    this.pending[counter].clear()
  }

  recordAuthFailure(limited: boolean) {
    this.metrics.authFailures.inc({ outcome: limited ? 'limited' : 'unauthorized' })
  }

  recordJudged(verdict: 'refuted' | 'confirmed' | 'removed') {
    this.metrics.judgements.inc({ verdict })
  }

  recordAttempt(upstream: string, key: string, outcome: string) {
    this.metrics.attempts.inc({ upstream, key, outcome })
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
