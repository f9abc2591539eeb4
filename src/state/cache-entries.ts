import type { CachedEndpoint, StoredAnswer } from '../openai/answer'

// The cache's entry store, one of the shared-state interfaces of types.ts (which re-exports it): answers
// with their keys, partitions, question vectors and counters, and the change feed replicas follow.

export interface NewEntry {
  key: string
  partition: string
  endpoint: CachedEndpoint
  model: string
  /** The text matched by meaning, kept for the guard and for rebuilding; absent for exact-only entries. */
  prompt?: string
  answer: StoredAnswer
  embedding?: Float32Array
  embeddingModel?: string
  /** The cache group of the key that paid for it: `shared` (also for entries made before groups). */
  group?: string
  /** Labels to keep with the entry (an import); a fresh answer starts with none. */
  labels?: EntryLabel[]
  /**
   * An id taken earlier with `allocateId`: a streamed answer names its entry (`x-cache-entry`) in its headers,
   * before it is complete and stored.
   */
  id?: number
}

/**
 * A judgement of an entry's answer (DESIGN §1.11): a refutation (`wrong`) or a confirmation (`right`) of a
 * hit it made, from the skip word or no-cache after a semantic hit, POST /v1/cache/feedback, or the owner.
 */
export interface EntryLabel {
  verdict: 'wrong' | 'right'
  /** The judged hit's similarity to the entry's own question; null when the entry itself was judged (an exact hit, the owner). */
  similarity: number | null
  /** The judged question's embedding (a semantic hit's): a refuted entry never answers it, nor questions nearer to it than to its own. */
  question?: Float32Array
  source: 'refresh' | 'feedback' | 'owner'
  at: number
}

/** The most labels an entry keeps: the newest (older ones say less about today's answer). */
export const MAX_LABELS_PER_ENTRY = 32

export interface CacheEntry extends NewEntry {
  id: number
  createdAt: number
  lastHitAt: number
  hits: number
  /** Its labels, oldest first; absent or empty when it has none. */
  labels?: EntryLabel[]
}

/** The fields a semantic candidate needs, without its answer. */
export interface Candidate {
  id: number
  partition: string
  prompt: string | null
  embedding: Float32Array | null
  embeddingModel: string | null
  createdAt: number
  /** Its labels, oldest first (empty when none): the matcher's refutations and the estimator's evidence. */
  labels: EntryLabel[]
}

export interface EntryFilter {
  text?: string
  model?: string
  group?: string
  maxAgeSeconds?: number
  minAgeSeconds?: number
  limit: number
  offset: number
}

export interface EntrySummary {
  id: number
  endpoint: CachedEndpoint
  model: string
  group: string
  prompt: string | null
  createdAt: string
  lastHitAt: string
  hits: number
  promptTokens: number
  completionTokens: number
  embedded: boolean
}

/**
 * What a vector index (and the answers kept hot) follows: vectors that joined the store, entries that left
 * it, and `gap`: changes may have been missed (another replica's, while the change stream was out of reach).
 */
export type EntryChange =
  | { kind: 'added'; id: number; embedding: Float32Array; model: string }
  | { kind: 'removed'; ids: number[] }
  | { kind: 'gap' }

export interface VectorSummary {
  count: number
  maxId: number
  sumId: number
}

/**
 * Every cached answer, with the embedding of its question. The truth a vector index is rebuilt from; expiry
 * (TTL) and the least-recently-used bound are the store's own. Expired entries are never returned.
 */
export interface CacheEntryStore {
  getByKey(key: string): Promise<CacheEntry | undefined>
  getById(id: number): Promise<CacheEntry | undefined>
  /** Semantic candidates by id, unexpired, without their answers. */
  candidates(ids: number[]): Promise<Candidate[]>
  /** Stores an answer; one already under the same key is replaced (the fresh answer wins). */
  put(entry: NewEntry): Promise<CacheEntry>
  /** An id no entry has or will be given by `put` without one: for an answer to be stored later. */
  allocateId(): Promise<number>
  /** Records a hit, for LRU and the hit count. May be batched: recency is not worth a write per hit. */
  touch(id: number): void
  setEmbedding(id: number, embedding: Float32Array, model: string): Promise<void>
  /**
   * Adds a label to a live entry, atomically (replicas may label one entry at once), keeping the newest
   * MAX_LABELS_PER_ENTRY. False when there is no such entry. Labels go with their entry (delete, purge,
   * sweep, a `put` under its key) and travel with it in `entries()` and `put`.
   */
  addLabel(id: number, label: EntryLabel): Promise<boolean>
  /** Every live entry that has labels, with its partition: the pooled evidence of the wrong-rate estimate. */
  labelled(): Promise<Array<{ id: number; partition: string; labels: EntryLabel[] }>>
  delete(id: number): Promise<boolean>
  /** Deletes every entry, or those of one model; returns how many went. */
  purge(model?: string): Promise<number>
  /** Drops expired entries, then the least recently used beyond the bound. Returns how many went. */
  sweep(): Promise<number>
  count(): Promise<number>
  /** Entries for the admin list, newest first, without answers or embeddings. */
  list(filter: EntryFilter): Promise<{ total: number; data: EntrySummary[] }>
  /** Every live entry in id order (export). */
  entries(): AsyncIterable<CacheEntry>
  /** Embedded entries of `model` with ids above `afterId`, in id order: a page of a rebuild. */
  vectors(model: string, afterId: number, limit: number): Promise<Array<{ id: number; embedding: Float32Array }>>
  /** A fingerprint of the set of embedded entries: an index saved under another one is stale. */
  vectorSummary(model: string): Promise<VectorSummary>
  /** Calls `listener` with every change from now on (also those other replicas make); returns an unsubscribe. */
  subscribe(listener: (change: EntryChange) => void): () => void
  /** Writes whatever is batched (touches). */
  flush(): Promise<void>
  close(): Promise<void>
}

