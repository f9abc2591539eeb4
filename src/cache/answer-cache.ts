import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config'
import { throttledLog, type LogSink } from '../logging'
import type { JsonObject } from '../openai/validate'
import type { StoredAnswer } from './answer'
import { Embedder, MAX_SEMANTIC_CHARS, cosine } from './embedder'
import { guardAllows } from './guard'
import { cacheKeys, type CacheKeys, type CachedEndpoint } from './keys'
import { planFor, type CachePlan } from './policy'
import { CacheStore, type CacheEntry, type NewEntry } from './store'
import { INDEX_DISTANCE_SLACK, VectorIndex, type IndexFingerprint, type LoadResult } from './vector-index'

// The cache as the proxy sees it: plan a request, look it up (exact, then by meaning inside its
// partition), share one upstream call among identical requests in flight, store complete answers. SQLite
// is the truth; the vector index follows it and is rebuilt from it whenever it cannot be trusted.

export interface Hit {
  entry: CacheEntry
  match: 'exact' | 'semantic'
  similarity?: number
}

export interface CacheOptions {
  config: Config
  log: LogSink
  fetch?: typeof fetch
  now?: () => number
}

/** Candidates asked of the index: a first look, then a wider one when other partitions crowd the nearest. */
const SEARCH_WIDTHS = [16, 128]
const MAINTENANCE_MS = 60_000
/** Vectors per multi-threaded batch of a rebuild: each batch holds the event loop for tens of milliseconds. */
const REBUILD_PAGE = 200

export class AnswerCache {
  private readonly flights = new Map<string, Promise<CacheEntry | undefined>>()
  private rebuilding: Promise<void> | undefined
  /** Background embeddings of stored answers; waited for on close so none writes to a closed database. */
  private readonly background = new Set<Promise<void>>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** Storage failures (a full disk, a damaged page) repeat for as long as they last: one line a minute. */
  private readonly failure: (kind: string, line: string) => void

  private constructor(
    private readonly config: Config,
    private readonly log: LogSink,
    readonly store: CacheStore,
    readonly index: VectorIndex,
    readonly embedder: Embedder
  ) {
    store.onRemove = (ids) => index.remove(ids)
    this.failure = throttledLog(log)
  }

  /**
   * Runs a storage operation; when SQLite fails (disk full, damaged file) the cache steps aside for this
   * request: a read is a miss, a write is skipped. Nothing is remembered, so it recovers by itself.
   */
  private safely<T>(kind: 'read' | 'write', fallback: T, operation: () => T): T {
    try {
      return operation()
    } catch (error) {
      this.failure(kind, `cache: could not ${kind} ${kind === 'read' ? 'from' : 'to'} cache.sqlite (${describe(error)}); serving without it meanwhile`)
      return fallback
    }
  }

  static async open({ config, log, fetch, now }: CacheOptions): Promise<AnswerCache> {
    try {
      mkdirSync(config.dataDir, { recursive: true })
    } catch (error) {
      throw new Error(`DATA_DIR "${config.dataDir}" cannot be created (${(error as NodeJS.ErrnoException).code}); set DATA_DIR to a writable folder`)
    }
    const store = CacheStore.open(join(config.dataDir, 'cache.sqlite'), {
      ttlMs: config.cache.ttlSeconds * 1000,
      maxEntries: config.cache.maxEntries,
      now,
      log: (line) => log(`cache: ${line}`),
    })
    const embedder = new Embedder({ ...config.embedding, log, fetch, now })
    const cache = new AnswerCache(config, log, store, new VectorIndex(join(config.dataDir, 'semantic.usearch')), embedder)
    const swept = cache.safely('write', 0, () => store.sweep())
    const result = await cache.safely('read', Promise.resolve<LoadResult>('stale'), () => cache.index.load(cache.fingerprint()))
    if (result === 'loaded') {
      log(`cache: ${store.count} answers in ${config.dataDir}, ${cache.index.size} in the semantic index${swept ? `, ${swept} expired removed` : ''}`)
    } else {
      cache.rebuilding = cache.rebuild(result)
    }
    cache.timer = setInterval(() => void cache.maintain(), MAINTENANCE_MS)
    cache.timer.unref?.()
    return cache
  }

  plan(endpoint: CachedEndpoint, body: JsonObject, headers: Headers, query = ''): { plan: CachePlan; keys: CacheKeys } {
    const plan = planFor(endpoint, body, headers, this.config.cache)
    return { plan, keys: cacheKeys(endpoint, body, this.config.cache.context, query) }
  }

  exact(keys: CacheKeys): Hit | undefined {
    const entry = this.safely('read', undefined, () => this.store.getByKey(keys.exact))
    return entry && { entry, match: 'exact' }
  }

  /** The answer of an identical request already on its way upstream, when there is one. */
  inFlight(keys: CacheKeys): Promise<CacheEntry | undefined> | undefined {
    return this.flights.get(keys.exact)
  }

  /** Whether a semantic lookup could run for these keys (before spending an embedding on it). */
  canMatchByMeaning(keys: CacheKeys): boolean {
    return !!keys.semanticText && keys.semanticText.trim().length > 0 && keys.semanticText.length <= MAX_SEMANTIC_CHARS && this.embedder.available
  }

  /** Embeds the question and looks for a near one in the same partition; the embedding is returned for storing. */
  async semantic(keys: CacheKeys): Promise<{ hit?: Hit; embedding?: Float32Array }> {
    if (!this.canMatchByMeaning(keys)) return {}
    const text = keys.semanticText!
    const embedding = await this.embedder.embed(text)
    if (!embedding) return {}

    let best: { id: number; similarity: number } | undefined
    const reach = 1 - this.config.cache.similarityThreshold + INDEX_DISTANCE_SLACK
    for (const width of SEARCH_WIDTHS) {
      const found = this.index.search(embedding, width)
      // Only candidates that could clear the threshold are read: most lookups then read one row or none.
      const near = found.filter((f) => f.distance <= reach)
      const peers = this.safely('read', [], () => this.store.candidates(near.map((f) => f.id)))
        .filter((c) => c.partition === keys.partition && c.embeddingModel === this.embedder.model && c.embedding && c.prompt !== null)
      for (const peer of peers) {
        const similarity = cosine(embedding, peer.embedding!)
        if (similarity < this.config.cache.similarityThreshold || (best && similarity <= best.similarity)) continue
        if (guardAllows(text, peer.prompt!).ok) best = { id: peer.id, similarity }
      }
      // A wider look only helps when every near candidate belonged to another partition and more may follow.
      if (best || peers.length > 0 || near.length < width) break
    }
    const entry = best && this.safely('read', undefined, () => this.store.getById(best!.id))
    return entry ? { hit: { entry, match: 'semantic', similarity: best!.similarity }, embedding } : { embedding }
  }

  /** Counts a hit (for least-recently-used eviction and statistics). */
  served(hit: Hit) {
    this.safely('write', undefined, () => this.store.touch(hit.entry.id))
  }

  /**
   * Registers an upstream call so identical requests wait for it; `settle` must be called once, with the
   * stored entry, or with nothing when the answer failed or was cut (waiters then make their own call).
   */
  begin(keys: CacheKeys): { settle(entry?: CacheEntry): void } {
    let resolve!: (entry: CacheEntry | undefined) => void
    const promise = new Promise<CacheEntry | undefined>((r) => (resolve = r))
    const owned = !this.flights.has(keys.exact)
    if (owned) this.flights.set(keys.exact, promise)
    let settled = false
    return {
      settle: (entry) => {
        if (settled) return
        settled = true
        if (owned) this.flights.delete(keys.exact)
        resolve(entry)
      },
    }
  }

  /**
   * Stores a complete answer; its question is embedded later when the request did not need it now. Returns
   * nothing when storage failed (the answer was still served).
   */
  save(endpoint: CachedEndpoint, keys: CacheKeys, model: string, answer: StoredAnswer, embedding?: Float32Array): CacheEntry | undefined {
    const entry = this.safely('write', undefined, () => this.store.put({
      key: keys.exact,
      partition: keys.partition,
      endpoint,
      model,
      prompt: keys.semanticText,
      answer,
      embedding,
      embeddingModel: embedding ? this.embedder.model : undefined,
    }))
    if (!entry) return undefined
    if (embedding) this.index.add(entry.id, embedding)
    else if (this.canMatchByMeaning(keys)) {
      const task = this.embedLater(entry.id, keys.semanticText!).finally(() => this.background.delete(task))
      this.background.add(task)
    }
    return entry
  }

  /** Adds an entry from another machine's export; its vector joins the index when made by our model. */
  importEntry(entry: NewEntry) {
    const usable = entry.embedding && entry.embeddingModel === this.embedder.model
    const stored = this.store.put(usable ? entry : { ...entry, embedding: undefined, embeddingModel: undefined })
    if (usable) this.index.add(stored.id, entry.embedding!)
    return stored
  }

  private async embedLater(id: number, text: string) {
    const embedding = await this.embedder.embed(text)
    if (!embedding) return
    const stored = this.safely('write', false, () => {
      if (!this.store.getById(id)) return false
      this.store.setEmbedding(id, embedding, this.embedder.model)
      return true
    })
    if (stored) this.index.add(id, embedding)
  }

  private fingerprint(): IndexFingerprint {
    // Throws when SQLite cannot be read: callers then rebuild (at start) or skip saving.
    return { model: this.embedder.model, dims: this.index.dimensions ?? 0, ...this.store.vectorSummary(this.embedder.model) }
  }

  /** Refills the index from SQLite in pages, yielding between them so requests keep being served. */
  private async rebuild(reason: string) {
    const started = performance.now()
    const total = this.safely('read', 0, () => this.store.vectorSummary(this.embedder.model).count)
    this.log(`cache: semantic index ${reason}, rebuilding it from SQLite (${total} embedded answers) in the background`)
    this.index.clear()
    for (let after = 0; ; ) {
      const page = this.safely('read', [], () => this.store.vectors(this.embedder.model, after, REBUILD_PAGE))
      if (page.length === 0) break
      this.index.addMany(page)
      after = page[page.length - 1]!.id
      await Bun.sleep(0)
    }
    this.log(`cache: semantic index rebuilt, ${this.index.size} vectors in ${((performance.now() - started) / 1000).toFixed(1)}s`)
    this.rebuilding = undefined
    await this.saveIndex()
  }

  /** Resolves once a start-up rebuild (if any) is done; for tests and orderly shutdown. */
  ready(): Promise<void> {
    return this.rebuilding ?? Promise.resolve()
  }

  private async saveIndex() {
    if (this.rebuilding || !this.index.dirty) return
    try {
      await this.index.save(this.fingerprint())
    } catch (error) {
      this.failure('index', `cache: could not write the semantic index (${describe(error)}); it will be rebuilt at start`)
    }
  }

  private async maintain() {
    this.safely('write', 0, () => this.store.sweep())
    await this.saveIndex()
  }

  async close() {
    clearInterval(this.timer)
    await Promise.allSettled(this.background)
    await this.ready()
    await this.saveIndex()
    this.safely('write', undefined, () => this.store.flushTouches())
    this.store.close()
  }
}

/** An error's code and message for a log line (SQLite's say what failed, e.g. SQLITE_FULL). */
function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string }
  return [code, message].filter(Boolean).join(': ').slice(0, 200) || 'unknown error'
}
