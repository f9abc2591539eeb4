import type { LogSink } from '../log/sink'
import type { PoolUpstream, UpstreamPool } from './pool'

// GET /v1/models as the proxy answers it (DESIGN §1.3): the union of each upstream's own /models, filtered
// by that upstream's `models` patterns, plus its model_map names, refreshed at most every 5 minutes. An
// upstream whose listing fails is left out (and logged), never an error for the client.

export interface ModelEntry {
  id: string
  object: 'model'
  created: number
  owned_by: string
}

const REFRESH_MS = 5 * 60_000

export class ModelCatalog {
  private cached: { at: number; models: ModelEntry[] } | undefined
  private refreshing: Promise<ModelEntry[]> | undefined

  constructor(
    private readonly pool: UpstreamPool,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now
  ) {}

  /** Every model some upstream serves, by client-facing name. */
  async models(): Promise<ModelEntry[]> {
    if (this.cached && this.now() - this.cached.at < REFRESH_MS) return this.cached.models
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async refresh(): Promise<ModelEntry[]> {
    const lists = await Promise.all(this.pool.upstreams.map((upstream) => this.listing(upstream)))
    const seen = new Map<string, ModelEntry>()
    for (const list of lists) for (const model of list) if (!seen.has(model.id)) seen.set(model.id, model)
    const models = [...seen.values()]
    this.cached = { at: this.now(), models }
    return models
  }

  private async listing(upstream: PoolUpstream): Promise<ModelEntry[]> {
    const mapped: ModelEntry[] = Object.keys(upstream.modelMap).map((id) => ({ id, object: 'model', created: 0, owned_by: upstream.name }))
    let reason: string
    try {
      const response = await this.pool.callUpstream(upstream, {
        method: 'GET',
        path: '/models',
        headers: new Headers({ accept: 'application/json' }),
        body: null,
        signal: AbortSignal.timeout(15_000),
      })
      if (response.ok) {
        const data = ((await response.json()) as { data?: unknown })?.data
        if (Array.isArray(data)) {
          const listed = data
            .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && typeof (m as any).id === 'string')
            .filter((m) => upstream.serves(m.id as string))
            .map((m) => ({ ...m, id: m.id as string, object: 'model' as const, created: typeof m.created === 'number' ? m.created : 0, owned_by: typeof m.owned_by === 'string' ? m.owned_by : upstream.name }))
          return [...listed, ...mapped]
        }
        reason = 'no data list'
      } else {
        await response.body?.cancel()
        reason = `HTTP ${response.status}`
      }
    } catch (error) {
      reason = (error as Error).message
    }
    this.log(`models: upstream ${upstream.name}'s /models failed (${reason}); its models are left out of /v1/models`)
    return mapped
  }
}
