import { ApiError, upstreamUnreachable } from '../errors'
import type { LogSink } from '../log/sink'
import type { PoolUpstream, UpstreamPool } from './pool'
import { keptRefusal, type Refusal } from './refusal'
import { unreachableCause } from './unreachable'

// GET /v1/models as the proxy answers it (DESIGN §1.3): the union of each upstream's own listing (read by its
// provider adapter), filtered by that upstream's `models` patterns, plus its model_map names, refreshed at
// most every 5 minutes. An upstream whose listing fails is left out (and logged). When every upstream is unreachable or refuses its
// key, an empty 200 would read as "this proxy has no models": the client gets the reason instead — the
// upstream's own 401/403 (keys masked), the 503 naming the disabled keys' cause, or a 502 naming why the
// upstreams could not be reached — and the next call asks again.

export interface ModelEntry {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

const REFRESH_MS = 5 * 60_000
const LISTING_MS = 15_000

export class ModelCatalog {
  private cached: { at: number; models: ModelEntry[] } | undefined
  private refreshing: Promise<ModelEntry[] | Refusal> | undefined

  constructor(
    private readonly pool: UpstreamPool,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Every model some upstream serves, by client-facing name; or, when every upstream refused its key, the
   * first refusal (to pass on). Throws the 502/503 of upstreams that are all unreachable or disabled.
   */
  async models(): Promise<ModelEntry[] | Refusal> {
    if (this.cached && this.now() - this.cached.at < REFRESH_MS) return this.cached.models
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async refresh(): Promise<ModelEntry[] | Refusal> {
    const listings = await Promise.all(this.pool.upstreams.map((upstream) => this.listing(upstream)))
    const failures = listings.map((listing) => listing.failure)
    if (failures.every((failure) => failure && failure.kind !== 'other')) {
      const refused = failures.find((failure) => failure?.kind === 'refused')
      if (refused?.kind === 'refused') return refused.refusal
      const disabled = failures.find((failure) => failure?.kind === 'disabled')
      if (disabled?.kind === 'disabled') throw disabled.error
      const why = this.pool.upstreams.map((upstream, i) => `upstream '${upstream.name}': ${(failures[i] as { cause: string }).cause}`).join('; ')
      throw upstreamUnreachable(undefined, why)
    }
    const seen = new Map<string, ModelEntry>()
    for (const { models: list } of listings) for (const model of list) if (!seen.has(model.id)) seen.set(model.id, model)
    const models = [...seen.values()]
    this.cached = { at: this.now(), models }
    return models
  }

  private async listing(upstream: PoolUpstream): Promise<{ models: ModelEntry[]; failure?: Failure }> {
    const mapped: ModelEntry[] = Object.keys(upstream.modelMap).map((id) => ({ id, object: 'model', created: 0, owned_by: upstream.name }))
    let reason: string
    let failure: Failure = { kind: 'other' }
    try {
      const response = await this.pool.callUpstream(upstream, {
        method: 'GET',
        path: upstream.adapter.modelsPath,
        headers: new Headers({ accept: 'application/json' }),
        body: null,
        signal: AbortSignal.timeout(LISTING_MS),
      })
      if (response.ok) {
        const data = upstream.adapter.listedModels(await response.json())
        if (data) {
          const listed = data
            .filter((m) => upstream.serves(m.id))
            .map((m) => ({ ...m, object: 'model' as const, created: typeof m.created === 'number' ? m.created : 0, owned_by: typeof m.owned_by === 'string' ? m.owned_by : upstream.name }))
          return { models: [...listed, ...mapped] }
        }
        reason = 'no data list'
      } else if (response.status === 401 || response.status === 403) {
        failure = { kind: 'refused', refusal: keptRefusal(response.status, await response.text(), this.pool.keys) }
        reason = `HTTP ${response.status}, key refused`
      } else {
        await response.body?.cancel()
        reason = `HTTP ${response.status}`
      }
    } catch (error) {
      reason = (error as Error).message
      const code = error instanceof ApiError ? error.code : undefined
      if (code === 'no_upstream_available') failure = { kind: 'disabled', error: error as ApiError }
      else if (code === 'upstream_unreachable' || code === 'upstream_timeout') {
        failure = { kind: 'unreachable', cause: unreachableCause(error) }
        reason = unreachableCause(error, true)
      } else if (code === 'client_closed_request') {
        // The listing's own time limit ran out: the sender reports it as the caller having gone.
        failure = { kind: 'unreachable', cause: `no answer within ${LISTING_MS / 1000} s` }
        reason = failure.cause
      }
    }
    this.log(`models: upstream ${upstream.name}'s /models failed (${reason}); its models are left out of /v1/models`)
    return { models: mapped, failure }
  }
}

/** Why an upstream's listing failed, as far as the answer to the client depends on it. */
type Failure = { kind: 'refused'; refusal: Refusal } | { kind: 'disabled'; error: ApiError } | { kind: 'unreachable'; cause: string } | { kind: 'other' }
