import { join } from 'node:path'
import type { Config } from '../config/load'
import { describeError, throttledLog, type LogSink } from '../log/sink'
import type { JsonObject } from '../openai/validate'
import type { CacheEntry, CacheEntryStore, FlightClaim, InFlightStore, NewEntry, ServedHitStore, StoredAnswer } from '../state/types'
import type { ReplayTemplate } from '../dialects/replay-template'
import { HotAnswers, type HotAnswer } from './hot-answers'
import { HitJudging } from './hit-judging'
import { questionHash, type Judged } from './judgements'
import { cacheKeys, type CacheKeys, type CachedEndpoint } from './keys'
import { planFor, type CachePlan, type CacheSettings } from './policy'
import { probe, type Admitted, type Hit, type ProbeRequest, type ProbeResult, type ProbeSteps } from './probe'
import { Embedder, type EmbeddingsSource } from './semantic/embedder'
import type { HitEstimate } from './semantic/hit-judge'
import { IndexKeeper } from './semantic/index-keeper'
import { SemanticMatcher } from './semantic/matcher'
import { VectorIndex } from './semantic/vector-index'

// The cache as the request pipeline sees it: plan a request, look it up (exact, then by meaning inside its
// partition), share one upstream call among identical requests in flight, store complete answers. The entry
// store is the truth; the vector index follows it (semantic/index-keeper.ts).
//
// Storage is a convenience: when it fails (a full disk, a damaged page) the cache steps aside for that
// request, a read being a miss and a write skipped, with one log line a minute; nothing is remembered, so
// it recovers by itself.

export type { Hit } from './probe'

export interface CacheOptions {
  config: Config
  log: LogSink
  entries: CacheEntryStore
  inFlight: InFlightStore
  /** Where the question embeddings come from; none: semantic matching is off (exact caching stays on). */
  embeddings?: EmbeddingsSource
  /** What the log calls the entry store: `cache.sqlite` (the default) or `Redis`. */
  storeName?: string
  /** For a store across the network: whether it is reachable now. While it is not, nothing is served from memory. */
  reachable?: () => boolean
  /** The hits each key was served lately: without it, nothing is refuted or judged (DESIGN §1.11). */
  served?: ServedHitStore
  /** Told of each judgement (statistics). */
  onJudged?: (judged: Judged) => void
}

const MAINTENANCE_MS = 60_000
/** The most asked answers kept ready to send (hot-answers.ts): at most this many, weighing at most this. */
const HOT_ENTRIES = 1024
const HOT_BYTES = 32 * 1024 * 1024
const HOT_TRUST_MS = 5_000

export class AnswerCache implements ProbeSteps {
  /** Background embeddings of stored answers; waited for on close so none writes to a closed store. */
  private readonly background = new Set<Promise<void>>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly failure: (kind: string, line: string) => void
  private readonly matcher: SemanticMatcher
  private readonly keeper: IndexKeeper
  private readonly hot: HotAnswers
  /** The judge of semantic hits, refutations and feedback (DESIGN §1.11). */
  private readonly judging: HitJudging

  private constructor(
    private readonly settings: CacheSettings,
    log: LogSink,
    readonly entries: CacheEntryStore,
    private readonly inFlight: InFlightStore,
    readonly index: VectorIndex,
    readonly embedder: Embedder,
    private readonly storeName: string,
    private readonly reachable: () => boolean,
    /** How long a lookup waits for its question's embedding (EMBEDDING_WAIT_MS). */
    readonly embeddingWaitMs: number,
    served?: ServedHitStore,
    onJudged?: (judged: Judged) => void
  ) {
    this.failure = throttledLog(log)
    this.matcher = new SemanticMatcher(embedder, index, entries)
    this.keeper = new IndexKeeper(index, entries, embedder.model, log, this.failure, storeName)
    this.hot = new HotAnswers(entries, { maxEntries: HOT_ENTRIES, maxBytes: HOT_BYTES, trustMs: HOT_TRUST_MS, ttlMs: settings.ttlSeconds * 1000 })
    this.judging = new HitJudging({
      settings,
      entries,
      served,
      embed: (text) => embedder.embed(text),
      onJudged,
      onError: (error) => this.failure('read', `cache: could not read the labels from ${storeName} (${describeError(error)}); the wrong-rate estimate keeps its last fit`),
    })
  }

  static async open({ config, log, entries, inFlight, embeddings, storeName = 'cache.sqlite', reachable = () => true, served, onJudged }: CacheOptions): Promise<AnswerCache> {
    const embedder = new Embedder({ model: config.embedding.model, log, source: embeddings })
    const index = new VectorIndex(join(config.dataDir, 'semantic.usearch'), config.cache.searchExpansion)
    const cache = new AnswerCache(config.cache, log, entries, inFlight, index, embedder, storeName, reachable, config.embeddingWaitMs, served, onJudged)
    const swept = await cache.safely('write', 0, () => entries.sweep())
    await cache.judging.open()
    const count = await cache.safely('read', 0, () => entries.count())
    await cache.keeper.open(
      (indexed) => `cache: ${count} answers in ${config.dataDir}, ${indexed} in the semantic index${swept ? `, ${swept} expired removed` : ''}`
    )
    cache.timer = setInterval(() => void cache.maintain(), MAINTENANCE_MS)
    cache.timer.unref?.()
    return cache
  }

  /**
   * One request's walk through the cache (probe.ts): a hit to serve, or a miss admitted by `admit` with the
   * means to store its answer.
   */
  probe<A extends Admitted>(request: ProbeRequest, admit: () => Promise<A>): Promise<ProbeResult<A>> {
    return probe(this, request, admit)
  }

  /** What the cache may do for this request, and its keys. The skip word is removed from `body` here. */
  /** `group` is the calling key's cache group: only entries of the same group can answer it. */
  plan(endpoint: CachedEndpoint, body: JsonObject, headers: Headers, query = '', group = 'shared'): { plan: CachePlan; keys: CacheKeys } {
    const plan = planFor(endpoint, body, headers, this.settings)
    return { plan, keys: cacheKeys(endpoint, body, this.settings.context, query, group) }
  }

  async exact(keys: CacheKeys): Promise<Hit | undefined> {
    const entry = await this.safely('read', undefined, () => this.entries.getByKey(keys.exact))
    return entry && { entry, match: 'exact' }
  }

  /**
   * The answer kept ready for a request seen before, recognised by `request`: its bytes with everything
   * else that decides its answer (the caller builds it). Only exact hits are kept.
   */
  hotAnswer(request: string): HotAnswer | undefined {
    return this.reachable() ? this.hot.get(request) : undefined
  }

  /** Keeps an exact hit ready for the next identical request. */
  keepHot(request: string, hit: Hit, template: ReplayTemplate, model?: string, outputCap?: string) {
    if (hit.match === 'exact') this.hot.remember(request, hit.entry, template, model, outputCap)
  }

  /** The entry that answered an identical request in flight. */
  entry(id: number): Promise<CacheEntry | undefined> {
    return this.safely('read', undefined, () => this.entries.getById(id))
  }

  /** Joins the upstream call of an identical request in flight, or leads one. */
  claim(keys: CacheKeys): Promise<FlightClaim> {
    return this.inFlight.claim(keys.exact)
  }

  /** Whether a semantic lookup could run for these keys (before spending an embedding on it). */
  canMatchByMeaning(keys: CacheKeys): boolean {
    return this.matcher.canMatch(keys)
  }

  /** The question's embedding, or undefined when embeddings are unavailable. */
  embed(keys: CacheKeys): Promise<Float32Array | undefined> {
    return this.matcher.embed(keys.semanticText!)
  }

  /** A stored answer to a question near enough in meaning, in the same partition, that the judge accepts. */
  async semantic(keys: CacheKeys, embedding: Float32Array): Promise<Hit | undefined> {
    const found = await this.safely('read', undefined, () => this.matcher.lookup(keys, embedding, this.judging.judge))
    if (!found) return undefined
    this.judging.hit(found.entry.id, found.estimate)
    const question = { question: embedding, questionHash: questionHash(keys.semanticText!) }
    return { entry: found.entry, match: 'semantic', similarity: found.similarity, estimate: found.estimate, ...question }
  }

  /** Refutations and feedback (POST /v1/cache/feedback); absent without a store of served hits. */
  get judgements() {
    return this.judging.judgements
  }

  /** What stood behind the entry's last semantic hit in this process, if it had one lately. */
  lastEstimate(id: number): (HitEstimate & { at: number }) | undefined {
    return this.judging.lastEstimate(id)
  }

  /** A refresh of `keys` by `account`: the semantic hit it refutes, if any, is labelled (in the background). */
  refresh(account: string, keys: CacheKeys): void {
    const judgements = this.judging.judgements
    if (!judgements) return
    const task = this.safely('write', undefined, () => judgements.refresh(account, keys)).then(() => {})
    const tracked = task.finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }

  /** Remembers, in the background, that `account` was served `hit` (its feedback and refutation). */
  servedTo(account: string, hit: Hit): void {
    void this.judging.judgements?.served(account, hit)
  }

  /** Counts a hit (for least-recently-used eviction and statistics). */
  served(hit: Hit) {
    try {
      this.entries.touch(hit.entry.id)
    } catch (error) {
      this.failure('write', `cache: could not write to ${this.storeName} (${describeError(error)}); serving without it meanwhile`)
    }
  }

  /** The id a miss's answer will be stored under, named in its headers before it is complete. */
  allocateId(): Promise<number | undefined> {
    return this.safely('write', undefined, () => this.entries.allocateId())
  }

  /**
   * Stores a complete answer. Its question's embedding is stored with it when at hand; when it is still on
   * its way (the lookup stopped waiting for it), or was never asked for, it is added when it comes. Returns
   * nothing when storage failed (the answer was still served).
   */
  async save(
    endpoint: CachedEndpoint,
    keys: CacheKeys,
    model: string,
    answer: StoredAnswer,
    vector?: Float32Array | Promise<Float32Array | undefined>,
    id?: number
  ): Promise<CacheEntry | undefined> {
    const embedding = vector instanceof Float32Array ? vector : undefined
    const entry = await this.safely('write', undefined, () =>
      this.entries.put({
        id,
        key: keys.exact,
        partition: keys.partition,
        endpoint,
        model,
        prompt: keys.semanticText,
        answer,
        embedding,
        embeddingModel: embedding ? this.embedder.model : undefined,
        group: keys.group,
      })
    )
    if (entry && !embedding && (vector || this.canMatchByMeaning(keys))) {
      const pending = vector instanceof Promise ? vector : this.embedder.embed(keys.semanticText!)
      const task = this.embedLater(entry.id, pending).finally(() => this.background.delete(task))
      this.background.add(task)
    }
    return entry
  }

  /** Adds an entry from another machine's export; its vector is kept only when made by our model. */
  importEntry(entry: NewEntry): Promise<CacheEntry> {
    const usable = entry.embedding && entry.embeddingModel === this.embedder.model
    if (usable) return this.entries.put(entry)
    // Another model's vectors mean nothing here: the refuted questions' go too (their verdicts stay).
    const labels = entry.labels?.map(({ question: _, ...label }) => label)
    return this.entries.put({ ...entry, embedding: undefined, embeddingModel: undefined, labels })
  }

  count(): Promise<number> {
    return this.safely('read', 0, () => this.entries.count())
  }

  /** Resolves once a start-up rebuild of the index (if any) is done; for tests and orderly shutdown. */
  ready(): Promise<void> {
    return this.keeper.ready()
  }

  async close() {
    clearInterval(this.timer)
    this.judging.close()
    this.hot.close()
    await Promise.allSettled(this.background)
    await this.keeper.close()
    await this.safely('write', undefined, () => this.entries.flush())
    await this.entries.close()
  }

  private async embedLater(id: number, pending: Promise<Float32Array | undefined>) {
    const embedding = await pending
    if (!embedding) return
    await this.safely('write', undefined, async () => {
      if (await this.entries.getById(id)) await this.entries.setEmbedding(id, embedding, this.embedder.model)
    })
  }

  private async maintain() {
    await this.safely('write', 0, () => this.entries.sweep())
    await this.keeper.save()
  }

  private async safely<T>(kind: 'read' | 'write', fallback: T, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      const verb = kind === 'read' ? 'read from' : 'write to'
      this.failure(kind, `cache: could not ${verb} ${this.storeName} (${describeError(error)}); serving without it meanwhile`)
      return fallback
    }
  }
}
