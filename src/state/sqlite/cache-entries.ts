import type { Database } from 'bun:sqlite'
import { usageOf } from '../../openai/answer'
import { decodeLabels, encodeLabels } from '../label-codec'
import type { Candidate, CacheEntry, CacheEntryStore, EntryChange, EntryFilter, EntryLabel, EntrySummary, NewEntry, VectorSummary } from '../types'
import { CACHE_INDEXES, CACHE_MIGRATIONS, CACHE_SCHEMA, entryOf, summaryOf, type EntryRow, type SummaryRow } from './cache-schema'
import { cacheStatements, type CacheStatements } from './cache-statements'
import { openDatabase } from './open'
import { packVector, unpackVector } from './vectors'

// The durable half of the cache: every answer, with the embedding of its question, in SQLite (WAL), so a
// crash loses nothing and the vector index can always be rebuilt from here. Every removal (replaced,
// expired, evicted, deleted, purged) goes out on the change feed, so a vector index drops the same ids.
// bun:sqlite is synchronous: each method does its work before its promise settles.

export interface SqliteCacheOptions {
  ttlMs: number
  maxEntries: number
  now?: () => number
  /** Where a damaged file being moved aside at open is reported. */
  log?: (line: string) => void
}

/** Hits are written every this many distinct entries (and before anything reads or evicts by them). */
const TOUCH_BATCH = 256

export class SqliteCacheEntries implements CacheEntryStore {
  private readonly now: () => number
  private readonly touches = new Map<number, { at: number; hits: number }>()
  private readonly listeners = new Set<(change: EntryChange) => void>()
  private size: number
  private readonly statements: CacheStatements

  constructor(
    readonly db: Database,
    private readonly options: SqliteCacheOptions
  ) {
    this.now = options.now ?? Date.now
    db.exec(CACHE_SCHEMA)
    const columns = new Set(db.query<{ name: string }, []>('PRAGMA table_info(entries)').all().map((c) => c.name))
    for (const migration of CACHE_MIGRATIONS) if (!columns.has(migration.column)) db.run(migration.add)
    db.exec(CACHE_INDEXES)
    this.statements = cacheStatements(db)
    this.size = this.statements.count.get()!.n
  }

  static open(path: string, options: SqliteCacheOptions): SqliteCacheEntries {
    return new SqliteCacheEntries(openDatabase(path, options.log ?? (() => {})).db, options)
  }

  async getByKey(key: string): Promise<CacheEntry | undefined> {
    return this.live(this.statements.byKey.get(key))
  }

  /** Its hit count and recency may lag the batched touches: `flush()` first where they matter (the admin view). */
  async getById(id: number): Promise<CacheEntry | undefined> {
    return this.live(this.statements.byId.get(id))
  }

  async candidates(ids: number[]): Promise<Candidate[]> {
    if (ids.length === 0) return []
    const rows = this.db
      .query<Omit<EntryRow, 'key' | 'endpoint' | 'model' | 'answer' | 'last_hit_at' | 'hits'>, number[]>(
        `SELECT id, partition, prompt, embedding, embedding_model, created_at, labels FROM entries WHERE id IN (${ids.map(() => '?').join(',')})`
      )
      .all(...ids)
    return rows
      .filter((row) => !this.expired(row.created_at))
      .map((row) => ({
        id: row.id,
        partition: row.partition,
        prompt: row.prompt,
        embedding: row.embedding ? unpackVector(row.embedding) : null,
        embeddingModel: row.embedding_model,
        createdAt: row.created_at,
        labels: decodeLabels(row.labels),
      }))
  }

  async allocateId(): Promise<number> {
    return this.db.transaction(() => {
      this.statements.seedSequence.run()
      return this.statements.nextId.get()!.seq
    })()
  }

  async put(entry: NewEntry): Promise<CacheEntry> {
    const now = this.now()
    const usage = usageOf(entry.answer)
    const replaced: number[] = []
    const id = this.db.transaction(() => {
      const old = this.statements.idByKey.get(entry.key)
      if (old) replaced.push(...this.statements.deleteId.all(old.id).map((r) => r.id))
      return this.statements.insert.get(
        entry.id ?? null,
        entry.key,
        entry.partition,
        entry.endpoint,
        entry.model,
        entry.prompt ?? null,
        JSON.stringify(entry.answer),
        entry.embedding ? packVector(entry.embedding) : null,
        entry.embedding ? (entry.embeddingModel ?? null) : null,
        usage?.prompt_tokens ?? 0,
        usage?.completion_tokens ?? 0,
        now,
        now,
        entry.group ?? 'shared',
        encodeLabels(entry.labels)
      )!.id
    })()
    this.size += 1 - replaced.length
    this.removed(replaced)
    if (entry.embedding && entry.embeddingModel) this.emit({ kind: 'added', id, embedding: entry.embedding, model: entry.embeddingModel })
    if (this.size > this.options.maxEntries) this.removeLeastRecent(this.size - this.options.maxEntries)
    return { ...entry, group: entry.group ?? 'shared', id, createdAt: now, lastHitAt: now, hits: 0 }
  }

  /**
   * Hits are kept in memory and written in one transaction (every 256 entries, and before anything reads or
   * evicts by them): a write per hit would cost more than the hit itself. A crash loses at most the recency
   * of the last few hits, never an answer.
   */
  touch(id: number) {
    const pending = this.touches.get(id)
    if (pending) {
      pending.at = this.now()
      pending.hits++
    } else {
      this.touches.set(id, { at: this.now(), hits: 1 })
    }
    if (this.touches.size >= TOUCH_BATCH) this.flushTouches()
  }

  async setEmbedding(id: number, embedding: Float32Array, model: string): Promise<void> {
    const changed = this.statements.setEmbedding.run(packVector(embedding), model, id).changes
    if (changed) this.emit({ kind: 'added', id, embedding, model })
  }

  async addLabel(id: number, label: EntryLabel): Promise<boolean> {
    // One transaction: bun:sqlite is synchronous, so nothing runs between the read and the write.
    return this.db.transaction(() => {
      const row = this.statements.liveLabels.get(id, this.now() - this.options.ttlMs)
      if (!row) return false
      this.statements.setLabels.run(encodeLabels([...decodeLabels(row.labels), label])!, id)
      return true
    })()
  }

  async labelled(): Promise<Array<{ id: number; partition: string; labels: EntryLabel[] }>> {
    return this.statements.labelled.all(this.now() - this.options.ttlMs).map((row) => ({ id: row.id, partition: row.partition, labels: decodeLabels(row.labels) }))
  }

  async delete(id: number): Promise<boolean> {
    const removed = this.statements.deleteId.all(id).map((r) => r.id)
    this.size -= removed.length
    this.removed(removed)
    return removed.length > 0
  }

  async purge(model?: string): Promise<number> {
    const removed = (
      model
        ? this.db.query<{ id: number }, [string]>('DELETE FROM entries WHERE model = ? RETURNING id').all(model)
        : this.db.query<{ id: number }, []>('DELETE FROM entries RETURNING id').all()
    ).map((r) => r.id)
    this.size -= removed.length
    this.removed(removed)
    return removed.length
  }

  async sweep(): Promise<number> {
    this.flushTouches()
    const expired = this.statements.expired.all(this.now() - this.options.ttlMs).map((r) => r.id)
    this.size -= expired.length
    this.removed(expired)
    const over = this.size - this.options.maxEntries
    return expired.length + (over > 0 ? this.removeLeastRecent(over) : 0)
  }

  async count(): Promise<number> {
    return this.size
  }

  async list(filter: EntryFilter): Promise<{ total: number; data: EntrySummary[] }> {
    this.flushTouches()
    const where: string[] = []
    const params: Array<string | number> = []
    if (filter.text) {
      where.push("prompt LIKE ? ESCAPE '\\'")
      params.push(`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    }
    if (filter.model) {
      where.push('model = ?')
      params.push(filter.model)
    }
    if (filter.group) {
      where.push('cache_group = ?')
      params.push(filter.group)
    }
    if (filter.maxAgeSeconds !== undefined) {
      where.push('created_at >= ?')
      params.push(this.now() - filter.maxAgeSeconds * 1000)
    }
    if (filter.minAgeSeconds !== undefined) {
      where.push('created_at <= ?')
      params.push(this.now() - filter.minAgeSeconds * 1000)
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
    const total = this.db.query<{ n: number }, any[]>(`SELECT COUNT(*) AS n FROM entries ${clause}`).get(...params)!.n
    const rows = this.db
      .query<SummaryRow, any[]>(
        `SELECT id, endpoint, model, cache_group, prompt, created_at, last_hit_at, hits, prompt_tokens, completion_tokens, embedding IS NOT NULL AS embedded
         FROM entries ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`
      )
      .all(...params, filter.limit, filter.offset)
    return { total, data: rows.map(summaryOf) }
  }

  async *entries(pageSize = 200): AsyncGenerator<CacheEntry> {
    this.flushTouches()
    for (let after = 0; ; ) {
      const rows = this.statements.page.all(after, pageSize)
      if (rows.length === 0) return
      for (const row of rows) {
        const entry = this.live(row)
        if (entry) yield entry
      }
      after = rows[rows.length - 1]!.id
    }
  }

  async vectors(model: string, afterId: number, limit: number): Promise<Array<{ id: number; embedding: Float32Array }>> {
    return this.statements.vectors.all(model, afterId, limit).map((row) => ({ id: row.id, embedding: unpackVector(row.embedding) }))
  }

  async vectorSummary(model: string): Promise<VectorSummary> {
    return this.statements.summary.get(model)!
  }

  subscribe(listener: (change: EntryChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async flush(): Promise<void> {
    this.flushTouches()
  }

  async close(): Promise<void> {
    try {
      this.flushTouches()
    } finally {
      this.db.close()
    }
  }

  private flushTouches() {
    if (this.touches.size === 0) return
    const touches = [...this.touches]
    this.touches.clear()
    this.db.transaction(() => {
      for (const [id, { at, hits }] of touches) this.statements.touch.run(at, hits, id)
    })()
  }

  private expired(createdAt: number): boolean {
    return createdAt <= this.now() - this.options.ttlMs
  }

  private removeLeastRecent(n: number): number {
    this.flushTouches()
    const removed = this.statements.leastRecent.all(n).map((r) => r.id)
    this.size -= removed.length
    this.removed(removed)
    return removed.length
  }

  private live(row: EntryRow | null): CacheEntry | undefined {
    if (!row) return undefined
    if (this.expired(row.created_at)) {
      const removed = this.statements.deleteId.all(row.id).map((r) => r.id)
      this.size -= removed.length
      this.removed(removed)
      return undefined
    }
    return entryOf(row)
  }

  private removed(ids: number[]) {
    if (ids.length > 0) this.emit({ kind: 'removed', ids })
  }

  private emit(change: EntryChange) {
    for (const listener of this.listeners) listener(change)
  }
}
