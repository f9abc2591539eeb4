import { ENDPOINTS as MODEL_ENDPOINTS } from '../openai/endpoints'
import type { KeyHealth, StatsData } from '../state/types'

/** An upstream's keys by fingerprint, with their health (from the pool). */
export interface UpstreamHealth {
  name: string
  /** Its provider kind and the model patterns it serves (the console shows them; nothing secret). */
  provider?: string
  models?: string[]
  keys: Array<{ fingerprint: string; health?: KeyHealth }>
  /** This process's start-up check of the upstream, once it finished (upstream/start-check.ts). */
  check?: { result: string; detail: string; at: number }
}

// The JSON of GET /stats (and the status page): totals grouped for reading, rates, latency quantiles and
// the 12-hour series.

export const BUCKET_SECONDS = 600
export const SERIES_HOURS = 12
/** Where the totals keep the provider prompt cache: `provider_cache.{upstream}.{model}.prompt` and `.cached`. */
export const PROVIDER_CACHE = 'provider_cache.'

/**
 * An upstream's prompt cache for one model (its name for it): of the prompt tokens the upstream reported for
 * the answers the proxy read, those it read from its cache; `hitRate` is cached ÷ prompt.
 */
export interface ProviderCacheRow {
  upstream: string
  model: string
  promptTokens: number
  cachedTokens: number
  hitRate: number
}

/** What the statistics count by: the model endpoints, and every other API call as `other`. */
export const ENDPOINTS: readonly string[] = [...MODEL_ENDPOINTS, 'other']

export interface SnapshotInput {
  data: StatsData
  version: string
  startedAt: number
  now: number
  /** The last upstream latencies (ms) of this process. */
  latencies: readonly number[]
  cacheEnabled: boolean
  cacheEntries: number
  upstreams: UpstreamHealth[]
  /** One process, or replicas sharing Redis (how many were heard from in the last minute; null: Redis away). */
  replicas: { mode: 'alone' | 'shared'; seen: number | null }
}

export function buildSnapshot({ data, version, startedAt, now, latencies, cacheEnabled, cacheEntries, upstreams, replicas }: SnapshotInput) {
  const total = (name: string) => data.totals.get(name) ?? 0
  const group = (prefix: string) => {
    const out: Record<string, number> = {}
    for (const [name, value] of data.totals) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = value
    return out
  }
  const exact = total('cache.hit.exact')
  const semantic = total('cache.hit.semantic')
  const cacheable = exact + semantic + total('cache.miss') + total('cache.bypass')
  const rate = (n: number) => (cacheable ? round(n / cacheable, 4) : 0)
  const upstreamRequests = total('upstream.requests')
  const tokensByModel = group('tokens.model.')
  const usdByModel = group('usd.model.')
  const sorted = [...latencies].sort((a, b) => a - b)
  const quantile = (q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!, 1) : null)

  return {
    version,
    startedAt: new Date(startedAt).toISOString(),
    uptimeSeconds: Math.floor((now - startedAt) / 1000),
    since: new Date(data.since).toISOString(),
    replicas,
    requests: {
      total: total('requests'),
      byEndpoint: Object.fromEntries(ENDPOINTS.map((e) => [e, total(`requests.endpoint.${e}`)])),
      byModel: group('requests.model.'),
    },
    cache: {
      enabled: cacheEnabled,
      entries: cacheEntries,
      hits: { exact, semantic },
      misses: total('cache.miss'),
      bypass: total('cache.bypass'),
      hitRate: rate(exact + semantic),
      exactRate: rate(exact),
      semanticRate: rate(semantic),
      // DESIGN §1.11: semantic hits refuted (the skip word, no-cache, feedback) or confirmed, entries removed
      // as wrong; the wrong-hit rate they imply is refuted ÷ semantic hits (a floor: not every wrong hit is told).
      judged: {
        refuted: total('cache.judged.refuted'),
        confirmed: total('cache.judged.confirmed'),
        removed: total('cache.judged.removed'),
        wrongHitRate: semantic ? round(total('cache.judged.refuted') / semantic, 4) : 0,
      },
    },
    savings: {
      promptTokens: total('tokens.prompt'),
      completionTokens: total('tokens.completion'),
      // Of promptTokens: the part the provider had read from its prompt cache when the answer was made.
      cachedTokens: total('tokens.cached'),
      totalTokens: total('tokens.prompt') + total('tokens.completion'),
      usd: round(total('usd'), 6),
      byModel: Object.fromEntries(Object.keys(tokensByModel).map((m) => [m, { tokens: tokensByModel[m]!, usd: round(usdByModel[m] ?? 0, 6) }])),
    },
    providerCache: providerCache(data.totals),
    rateLimited: total('rate_limited'),
    overBudget: total('over_budget'),
    // Wrong or missing keys, and how many of them were answered 429 for coming too often from one address.
    auth: { failed: total('auth.failed'), limited: total('auth.limited') },
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
    upstreams: upstreams.map((upstream) => {
      const keys = upstream.keys.map(({ fingerprint, health }) => {
        const at = `pool.${upstream.name}.${fingerprint}`
        return {
          fingerprint,
          requests: total(`${at}.requests`),
          errors: total(`${at}.errors`),
          rateLimited: total(`${at}.rate_limited`),
          cooling: coolingNow(health, now).map(([model, until]) => ({ model, until: new Date(until).toISOString() })),
          disabled: health?.disabled
            ? { reason: health.disabled.reason, since: new Date(health.disabled.since).toISOString(), recheckAt: new Date(health.disabled.recheckAt).toISOString() }
            : null,
        }
      })
      const sum = (field: 'requests' | 'errors' | 'rateLimited') => keys.reduce((n, key) => n + key[field], 0)
      // Absent until the start-up check of this process finished (and in embedders that run none).
      const check = upstream.check && { check: { result: upstream.check.result, detail: upstream.check.detail, at: new Date(upstream.check.at).toISOString() } }
      const served = upstream.provider && { provider: upstream.provider, models: upstream.models ?? [] }
      return { name: upstream.name, ...served, requests: sum('requests'), errors: sum('errors'), rateLimited: sum('rateLimited'), ...check, keys }
    }),
    series: {
      bucketSeconds: BUCKET_SECONDS,
      points: data.points.map(({ bucket, ...p }) => ({ t: bucket, ...p })),
    },
  }
}

/** The provider cache rows, by upstream name, then the busiest model first. */
function providerCache(totals: ReadonlyMap<string, number>): ProviderCacheRow[] {
  const rows: ProviderCacheRow[] = []
  for (const [name, promptTokens] of totals) {
    if (!name.startsWith(PROVIDER_CACHE) || !name.endsWith('.prompt')) continue
    const at = name.slice(0, -'.prompt'.length)
    // Upstream names have no dots (letters, digits, - and _); model names may.
    const dot = at.indexOf('.', PROVIDER_CACHE.length)
    if (dot === -1) continue
    const cachedTokens = totals.get(`${at}.cached`) ?? 0
    const hitRate = promptTokens > 0 ? round(cachedTokens / promptTokens, 4) : 0
    rows.push({ upstream: at.slice(PROVIDER_CACHE.length, dot), model: at.slice(dot + 1), promptTokens, cachedTokens, hitRate })
  }
  return rows.sort((a, b) => (a.upstream < b.upstream ? -1 : a.upstream > b.upstream ? 1 : b.promptTokens - a.promptTokens || (a.model < b.model ? -1 : 1)))
}

/** The models a key rests for at `now` (the upstream's names; '' for requests naming none), by name. */
export function coolingNow(health: KeyHealth | undefined, now: number): Array<[model: string, until: number]> {
  return [...(health?.cooling ?? [])].filter(([, until]) => until > now).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits

export type StatsSnapshot = ReturnType<typeof buildSnapshot>
