import { globMatcher } from '../config/glob'
import type { UpstreamConfig } from '../config/upstreams'
import { ApiError, clientClosed, modelNotFound, noUpstreamAvailable, upstreamKeysExhausted } from '../errors'
import type { KeyHealth } from '../state/types'
import type { Target, UpstreamRequest } from './client'
import { AffinityRanking } from './affinity'
import { fingerprint } from './fingerprint'
import { KeyProbe, type KeyCheck, type ProbedKey } from './key-probe'
import type { PoolAnswer, PoolKey, PoolOptions, PoolRequest, PoolUpstream } from './pool-types'
import { providerOf, type Verdict } from './providers'
import { RefusedKeys } from './refusal'

// The upstream pool (DESIGN §1.4): which upstreams serve a model (by their `models` globs, lowest priority
// first, weighted rotation among equals), which key of an upstream is next (its least recently used healthy
// key; for a request with a prompt prefix, the first healthy key of that prefix's ranking, affinity.ts), and
// what to do with the verdict the upstream's provider adapter gives an answer (providers/): `cool` rests the
// key for that model (the upstream's name for it: providers limit per model), `disable` sets it aside for
// every model until a recheck, `next` (or no answer) moves on to the next upstream. At most `attempts`
// tries, all before any byte reached the client.

export type { AttemptOutcome, PoolAnswer, PoolKey, PoolOptions, PoolRequest, PoolUpstream } from './pool-types'
export type { KeyCheck } from './key-probe'

/** A disabled key is tried again (a cheap GET /models) at most this often. */
export const RECHECK_MS = 10 * 60_000

export class UpstreamPool {
  readonly upstreams: PoolUpstream[]
  private readonly now: () => number
  /** Order of last use per key (a counter, not a clock: two uses in one millisecond still have an order). */
  private readonly lastUsed = new Map<string, number>()
  private uses = 0
  /** Smooth weighted round-robin state (nginx's), per upstream. */
  private readonly current = new Map<string, number>()
  private readonly tiers = new Map<string, PoolUpstream[][]>()
  private readonly refused: RefusedKeys
  private readonly probe: KeyProbe

  constructor(
    upstreams: readonly UpstreamConfig[],
    private readonly options: PoolOptions
  ) {
    this.now = options.now ?? Date.now
    this.upstreams = upstreams.map((u) => ({
      ...u,
      serves: globMatcher(u.models),
      pool: u.keys.map((key) => ({ key, fingerprint: fingerprint(key) })),
      adapter: providerOf(u.provider),
    }))
    this.refused = new RefusedKeys({ health: options.health, log: options.log, secrets: () => this.keys, now: this.now, recheckMs: RECHECK_MS })
    this.probe = new KeyProbe({ health: options.health, send: options.send, log: options.log, refused: this.refused, now: this.now, recheckMs: RECHECK_MS })
  }

  /** Every upstream key, for masking: an upstream error that echoes one never reaches a client. */
  get keys(): string[] {
    return this.upstreams.flatMap((u) => u.keys)
  }

  /** Whether some upstream serves `model` (without moving the rotation on). */
  serves(model: string): boolean {
    return this.upstreams.some((u) => u.serves(model))
  }

  /** The upstreams to try for `model`, in order; without a model, the first upstream of the file. */
  route(model?: string): PoolUpstream[] {
    if (model === undefined) return this.upstreams.slice(0, 1)
    const tiers = this.tiersOf(model)
    return tiers.length === 1 ? this.rotate(tiers[0]!) : tiers.flatMap((tier) => this.rotate(tier))
  }

  /** The upstreams a request may go to: by its model, those that accept it, or the one it is pinned to. */
  private routeFor(request: PoolRequest): PoolUpstream[] {
    const pinned = request.pin && this.upstreams.find((u) => u.name === request.pin!.upstream)
    const key = pinned?.pool.find((k) => k.fingerprint === request.pin!.fingerprint)
    // A key since removed from the config takes its ids with it: the request goes the usual way.
    if (pinned && key) return [{ ...pinned, pool: [key] }]
    if (!request.accepts) return this.route(request.model)
    // Without a model: the first upstream of the file that takes the request.
    if (request.model === undefined) return this.upstreams.filter(request.accepts).slice(0, 1)
    return this.route(request.model).filter(request.accepts)
  }

  /** The upstreams serving `model`, grouped by priority, best first; worked out once per model name. */
  private tiersOf(model: string): PoolUpstream[][] {
    let tiers = this.tiers.get(model)
    if (!tiers) {
      const serving = this.upstreams.filter((u) => u.serves(model))
      const priorities = [...new Set(serving.map((u) => u.priority))].sort((a, b) => a - b)
      tiers = priorities.map((priority) => serving.filter((u) => u.priority === priority))
      // Model names come from clients: a bounded memo.
      if (this.tiers.size >= 1024) this.tiers.clear()
      this.tiers.set(model, tiers)
    }
    return tiers
  }

  /** The name `upstream` knows `model` by. */
  static upstreamModel(upstream: UpstreamConfig, model: string): string {
    return upstream.modelMap[model] ?? model
  }

  async call(request: PoolRequest): Promise<PoolAnswer> {
    const route = this.routeFor(request)
    if (route.length === 0) {
      if (request.model !== undefined) throw modelNotFound(request.model)
      throw noUpstreamAvailable('no upstream of this proxy serves this part of the API')
    }
    const health = await this.options.health.get(route.flatMap((u) => u.pool.map((k) => k.fingerprint)))
    const tried = new Set<string>()
    const skipped = new Set<string>()
    let last: { answer?: PoolAnswer; error?: ApiError } | undefined
    const ranking = request.affinity === undefined ? undefined : new AffinityRanking(request.affinity)
    for (let attempt = 0; attempt < this.options.attempts; attempt++) {
      if (request.signal.aborted) throw clientClosed()
      const pick = this.pick(route, health, tried, skipped, request.model, ranking)
      if (!pick) break
      const { upstream, key } = pick
      tried.add(key.fingerprint)
      this.lastUsed.set(key.fingerprint, ++this.uses)
      const body = typeof request.body === 'function' ? request.body(upstream) : request.body
      let response: Response
      try {
        const path = request.pathFor ? request.pathFor(upstream) : request.path
        response = await this.options.send(target(upstream, key), { ...request, path, body })
      } catch (error) {
        if (!(error instanceof ApiError) || error.status < 500) throw error // the client's doing (gone, body too large)
        this.options.onAttempt?.(upstream.name, key.fingerprint, 'error')
        skipped.add(upstream.name)
        await last?.answer?.response.body?.cancel()
        last = { error }
        if (!request.retryable) throw error
        continue
      }
      const { verdict, response: read } = await upstream.adapter.classify(response)
      const answer = { response: read, upstream: upstream.name, fingerprint: key.fingerprint }
      if (verdict === 'answer') {
        this.options.onAttempt?.(upstream.name, key.fingerprint, 'ok')
        await last?.answer?.response.body?.cancel()
        return answer
      }
      await this.learn(upstream, key, verdict, read, health, coolingModel(upstream, request.model), request.internal)
      if (verdict === 'next') skipped.add(upstream.name)
      await last?.answer?.response.body?.cancel()
      last = { answer }
      if (!request.retryable) return answer
    }
    const exhausted = this.exhausted(route, health, request.model)
    if (exhausted) {
      await last?.answer?.response.body?.cancel()
      throw exhausted
    }
    if (last?.answer) return last.answer
    if (last?.error) throw last.error
    return this.refused.unavailable(route, health, request.internal)
  }

  /** What the status page shows: each upstream's keys by fingerprint, with their health. */
  async health(): Promise<Array<{ name: string; provider: string; models: string[]; keys: Array<{ fingerprint: string; health?: KeyHealth }> }>> {
    const health = await this.options.health.get(this.upstreams.flatMap((u) => u.pool.map((k) => k.fingerprint)))
    return this.upstreams.map((u) => ({
      name: u.name,
      provider: u.provider,
      models: u.models,
      keys: u.pool.map((k) => ({ fingerprint: k.fingerprint, health: health.get(k.fingerprint) })),
    }))
  }

  /** Sends one request to one upstream with its next key, no failover: for an upstream's own listing. */
  async callUpstream(upstream: PoolUpstream, request: UpstreamRequest): Promise<Response> {
    const health = await this.options.health.get(upstream.pool.map((k) => k.fingerprint))
    const pick = this.pick([upstream], health, new Set(), new Set())
    if (!pick) throw noUpstreamAvailable(this.refused.why([upstream], health))
    this.lastUsed.set(pick.key.fingerprint, ++this.uses)
    return this.options.send(target(upstream, pick.key), request)
  }

  /** The least recently used usable key (for `model`), or the best ranked one, of the first upstream that has one. */
  private pick(route: PoolUpstream[], health: Map<string, KeyHealth>, tried: Set<string>, skipped: Set<string>, model?: string, ranking?: AffinityRanking) {
    const now = this.now()
    for (const upstream of route) {
      if (skipped.has(upstream.name)) continue
      let best: PoolKey | undefined
      for (const key of upstream.pool) {
        if (tried.has(key.fingerprint)) continue
        const state = health.get(key.fingerprint)
        if (state?.disabled) {
          if (state.disabled.recheckAt <= now) this.probe.recheck(probed(upstream, key), state)
          continue
        }
        if ((state?.cooling.get(coolingModel(upstream, model)) ?? 0) > now) continue
        if (!best || (ranking ? ranking.before(key.fingerprint, best.fingerprint) : (this.lastUsed.get(key.fingerprint) ?? 0) < (this.lastUsed.get(best.fingerprint) ?? 0))) best = key
      }
      if (best) return { upstream, key: best }
    }
    return undefined
  }

  /** Every key of the route is cooling down for the model or disabled, and at least one is cooling: 429 with the soonest. */
  private exhausted(route: PoolUpstream[], health: Map<string, KeyHealth>, model?: string): ApiError | undefined {
    const now = this.now()
    let soonest = Number.POSITIVE_INFINITY
    for (const upstream of route) {
      for (const key of upstream.pool) {
        const state = health.get(key.fingerprint)
        if (state?.disabled) continue
        const until = state?.cooling.get(coolingModel(upstream, model)) ?? 0
        if (until <= now) return undefined
        soonest = Math.min(soonest, until)
      }
    }
    return Number.isFinite(soonest) ? upstreamKeysExhausted(Math.max(1, Math.ceil((soonest - now) / 1000))) : undefined
  }

  private async learn(upstream: PoolUpstream, key: PoolKey, verdict: Exclude<Verdict, 'answer'>, response: Response, health: Map<string, KeyHealth>, model: string, internal?: boolean) {
    const now = this.now()
    const state: KeyHealth = health.get(key.fingerprint) ?? { cooling: new Map() }
    health.set(key.fingerprint, state)
    if (verdict === 'cool') {
      const until = now + upstream.adapter.coolDownMs(response.headers, now)
      state.cooling.set(model, Math.max(state.cooling.get(model) ?? 0, until))
      this.options.onAttempt?.(upstream.name, key.fingerprint, 'rate_limited')
      await this.options.health.coolDown(key.fingerprint, model, until, now)
    } else if (verdict === 'disable') {
      this.options.onAttempt?.(upstream.name, key.fingerprint, 'disabled')
      state.disabled = await this.refused.disable(upstream.name, key.fingerprint, response, internal ? 'kept' : 'seen')
    } else {
      this.options.onAttempt?.(upstream.name, key.fingerprint, 'error')
    }
  }

  /** The start-up check of one key (key-probe.ts). */
  check(upstream: PoolUpstream, key: PoolKey): Promise<KeyCheck> {
    return this.probe.check(probed(upstream, key))
  }

  /** Equal priorities: the next by smooth weighted round-robin first, the others after it in file order. */
  private rotate(group: PoolUpstream[]): PoolUpstream[] {
    if (group.length < 2) return group
    const total = group.reduce((sum, u) => sum + u.weight, 0)
    let best = group[0]!
    for (const u of group) {
      this.current.set(u.name, (this.current.get(u.name) ?? 0) + u.weight)
      if (this.current.get(u.name)! > this.current.get(best.name)!) best = u
    }
    this.current.set(best.name, this.current.get(best.name)! - total)
    return [best, ...group.filter((u) => u !== best)]
  }
}

/** The model a key's cool-down is for: the upstream's name of it ('' for requests that name none). */
function coolingModel(upstream: PoolUpstream, model: string | undefined): string {
  return model === undefined ? '' : UpstreamPool.upstreamModel(upstream, model)
}

const target = (upstream: PoolUpstream, key: PoolKey): Target => ({ baseUrl: upstream.baseUrl, key: key.key, provider: upstream.adapter })
const probed = (upstream: PoolUpstream, key: PoolKey): ProbedKey => ({ upstream: upstream.name, fingerprint: key.fingerprint, target: target(upstream, key) })
