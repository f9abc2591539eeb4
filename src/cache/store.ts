import { Database } from 'bun:sqlite'
import { openDatabase } from '../state/sqlite/open'
import type { StoredAnswer } from './answer'
import { usageOf } from './answer'
import type { CachedEndpoint } from './keys'

// The durable half of the cache: every answer, with the embedding of its question, in SQLite (WAL), so a
// crash loses nothing and the vector index can always be rebuilt from here. Every removal — replaced,
// expired, evicted, deleted — is reported through `onRemove`, so the vector index drops the same ids.

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
}

export interface CacheEntry extends NewEntry {
  id: number
  createdAt: number
  lastHitAt: number
  hits: number
}

/** The fields a semantic candidate needs, without parsing its answer. */
export interface Candidate {
  id: number
  partition: string
  prompt: string | null
  embedding: Float32Array | null
  embeddingModel: string | null
  createdAt: number
}

export interface ListFilter {
  text?: string
  model?: string
  maxAgeSeconds?: number
  minAgeSeconds?: number
  limit: number
  offset: number
}

export interface EntrySummary {
  id: number
  endpoint: CachedEndpoint
  model: string
  prompt: string | null
  createdAt: string
  lastHitAt: string
  hits: number
  promptTokens: number
  completionTokens: number
  embedded: boolean
}

interface SummaryRow {
  id: number
  endpoint: CachedEndpoint
  model: string
  prompt: string | null
  created_at: number
  last_hit_at: number
  hits: number
  prompt_tokens: number
  completion_tokens: number
  embedded: number
}

const summary = (row: SummaryRow): EntrySummary => ({
  id: row.id,
  endpoint: row.endpoint,
  model: row.model,
  prompt: row.prompt,
  createdAt: new Date(row.created_at).toISOString(),
  lastHitAt: new Date(row.last_hit_at).toISOString(),
  hits: row.hits,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  embedded: row.embedded === 1,
})

export interface StoreOptions {
  ttlMs: number
  maxEntries: number
  now?: () => number
  /** Where a damaged file being moved aside at open is reported. */
  log?: (line: string) => void
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  partition TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt TEXT,
  answer TEXT NOT NULL,
  embedding BLOB,
  embedding_model TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_hit_at INTEGER NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entries_last_hit ON entries (last_hit_at);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created_at);
-- Answers with a question vector, by embedding model (and id, implicitly): the index fingerprint at start and
-- the pages of a rebuild come from here instead of a scan of every row's 3 KB embedding (6 s at 1M entries).
CREATE INDEX IF NOT EXISTS entries_vectors ON entries (embedding_model) WHERE embedding IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

interface Row {
  id: number
  key: string
  partition: string
  endpoint: CachedEndpoint
  model: string
  prompt: string | null
  answer: string
  embedding: Uint8Array | null
  embedding_model: string | null
  created_at: number
  last_hit_at: number
  hits: number
}

/** Embeddings are kept as f16: half the disk, and cosine similarity moves by well under 0.001. */
export function packVector(vector: Float32Array): Uint8Array {
  return new Uint8Array(Float16Array.from(vector).buffer)
}

export function unpackVector(blob: Uint8Array): Float32Array {
  const copy = new Uint8Array(blob) // realigns: SQLite blobs may start at an odd offset
  return Float32Array.from(new Float16Array(copy.buffer, 0, copy.byteLength / 2))
}

export class CacheStore {
  onRemove: (ids: number[]) => void = () => {}
  private readonly now: () => number
  private readonly touches = new Map<number, { at: number; hits: number }>()
  private size: number
  private readonly statements

  constructor(
    readonly db: Database,
    private readonly options: StoreOptions
  ) {
    this.now = options.now ?? Date.now
    // WAL + NORMAL: a crashed process loses nothing that was committed; only a power cut can lose the last moments.
    db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = NORMAL')
    db.run('PRAGMA busy_timeout = 5000')
    db.exec(SCHEMA)
    this.statements = {
      // An exact hit never uses the question's embedding: not reading its 3 KB was 17% of a hit's CPU.
      byKey: db.query<Row, [string]>(
        `SELECT id, key, partition, endpoint, model, prompt, answer, NULL AS embedding, embedding_model, created_at, last_hit_at, hits
         FROM entries WHERE key = ?`
      ),
      byId: db.query<Row, [number]>('SELECT * FROM entries WHERE id = ?'),
      idByKey: db.query<{ id: number }, [string]>('SELECT id FROM entries WHERE key = ?'),
      insert: db.query<{ id: number }, any[]>(
        `INSERT INTO entries (key, partition, endpoint, model, prompt, answer, embedding, embedding_model,
           prompt_tokens, completion_tokens, created_at, last_hit_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
      ),
      deleteId: db.query<{ id: number }, [number]>('DELETE FROM entries WHERE id = ? RETURNING id'),
      touch: db.query('UPDATE entries SET last_hit_at = ?, hits = hits + ? WHERE id = ?'),
      setEmbedding: db.query('UPDATE entries SET embedding = ?, embedding_model = ? WHERE id = ?'),
      expired: db.query<{ id: number }, [number]>('DELETE FROM entries WHERE created_at <= ? RETURNING id'),
      leastRecent: db.query<{ id: number }, [number]>(
        'DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY last_hit_at, id LIMIT ?) RETURNING id'
      ),
      count: db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM entries'),
      vectors: db.query<{ id: number; embedding: Uint8Array }, [string, number, number]>(
        `SELECT id, embedding FROM entries WHERE embedding_model = ? AND embedding IS NOT NULL AND id > ?
         ORDER BY id LIMIT ?`
      ),
      summary: db.query<{ count: number; maxId: number; sumId: number }, [string]>(
        `SELECT COUNT(*) AS count, COALESCE(MAX(id), 0) AS maxId, COALESCE(SUM(id), 0) AS sumId
         FROM entries WHERE embedding_model = ? AND embedding IS NOT NULL`
      ),
      getMeta: db.query<{ value: string }, [string]>('SELECT value FROM meta WHERE name = ?'),
      setMeta: db.query('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    }
    this.size = this.statements.count.get()!.n
  }

  static open(path: string, options: StoreOptions): CacheStore {
    return new CacheStore(openDatabase(path, options.log ?? (() => {})).db, options)
  }

  get count(): number {
    return this.size
  }

  private expired(createdAt: number): boolean {
    return createdAt <= this.now() - this.options.ttlMs
  }

  getByKey(key: string): CacheEntry | undefined {
    return this.live(this.statements.byKey.get(key))
  }

  getById(id: number): CacheEntry | undefined {
    if (this.touches.has(id)) this.flushTouches()
    return this.live(this.statements.byId.get(id))
  }

  /** Semantic candidates by id, unexpired only, without parsing answers. */
  candidates(ids: number[]): Candidate[] {
    if (ids.length === 0) return []
    const rows = this.db
      .query<Omit<Row, 'key' | 'endpoint' | 'model' | 'answer' | 'last_hit_at' | 'hits'>, number[]>(
        `SELECT id, partition, prompt, embedding, embedding_model, created_at FROM entries WHERE id IN (${ids.map(() => '?').join(',')})`
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
      }))
  }

  /** Stores an answer; one already stored under the same key is replaced (the fresh answer wins). */
  put(entry: NewEntry): CacheEntry {
    const now = this.now()
    const usage = usageOf(entry.answer)
    const replaced: number[] = []
    const id = this.db.transaction(() => {
      const old = this.statements.idByKey.get(entry.key)
      if (old) replaced.push(...this.statements.deleteId.all(old.id).map((r) => r.id))
      return this.statements.insert.get(
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
        now
      )!.id
    })()
    this.size += 1 - replaced.length
    if (replaced.length) this.onRemove(replaced)
    if (this.size > this.options.maxEntries) this.removeLeastRecent(this.size - this.options.maxEntries)
    return { ...entry, id, createdAt: now, lastHitAt: now, hits: 0 }
  }

  /**
   * Records a hit. Hits are kept in memory and written in one transaction (every 256 hits, and before
   * anything reads or evicts by them): a write per hit would cost more than the hit itself. A crash loses
   * at most the recency of the last few hits, never an answer.
   */
  touch(id: number) {
    const pending = this.touches.get(id)
    if (pending) {
      pending.at = this.now()
      pending.hits++
    } else {
      this.touches.set(id, { at: this.now(), hits: 1 })
    }
    if (this.touches.size >= 256) this.flushTouches()
  }

  flushTouches() {
    if (this.touches.size === 0) return
    const touches = [...this.touches]
    this.touches.clear()
    this.db.transaction(() => {
      for (const [id, { at, hits }] of touches) this.statements.touch.run(at, hits, id)
    })()
  }

  setEmbedding(id: number, embedding: Float32Array, model: string) {
    this.statements.setEmbedding.run(packVector(embedding), model, id)
  }

  delete(id: number): boolean {
    const removed = this.statements.deleteId.all(id).map((r) => r.id)
    this.size -= removed.length
    if (removed.length) this.onRemove(removed)
    return removed.length > 0
  }

  /** Drops expired entries, then the least recently used beyond the limit. Returns how many went. */
  sweep(): number {
    this.flushTouches()
    const expired = this.statements.expired.all(this.now() - this.options.ttlMs).map((r) => r.id)
    this.size -= expired.length
    if (expired.length) this.onRemove(expired)
    const over = this.size - this.options.maxEntries
    return expired.length + (over > 0 ? this.removeLeastRecent(over) : 0)
  }

  private removeLeastRecent(n: number): number {
    this.flushTouches()
    const removed = this.statements.leastRecent.all(n).map((r) => r.id)
    this.size -= removed.length
    if (removed.length) this.onRemove(removed)
    return removed.length
  }

  /** Embedded entries in id order, a page at a time, for rebuilding the vector index. */
  vectors(model: string, afterId: number, limit: number): Array<{ id: number; embedding: Float32Array }> {
    return this.statements.vectors.all(model, afterId, limit).map((row) => ({ id: row.id, embedding: unpackVector(row.embedding) }))
  }

  /** A fingerprint of the set of embedded entries: an index saved with another one is stale. */
  vectorSummary(model: string): { count: number; maxId: number; sumId: number } {
    return this.statements.summary.get(model)!
  }

  /** Entries for the admin list, newest first, without answers or embeddings. */
  list(filter: ListFilter): { total: number; data: EntrySummary[] } {
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
        `SELECT id, endpoint, model, prompt, created_at, last_hit_at, hits, prompt_tokens, completion_tokens, embedding IS NOT NULL AS embedded
         FROM entries ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`
      )
      .all(...params, filter.limit, filter.offset)
    return { total, data: rows.map(summary) }
  }

  /** Deletes every entry, or those of one model; returns how many went. */
  purge(model?: string): number {
    const removed = (
      model
        ? this.db.query<{ id: number }, [string]>('DELETE FROM entries WHERE model = ? RETURNING id').all(model)
        : this.db.query<{ id: number }, []>('DELETE FROM entries RETURNING id').all()
    ).map((r) => r.id)
    this.size -= removed.length
    if (removed.length) this.onRemove(removed)
    return removed.length
  }

  /** Every live entry, in id order, a page at a time (for export). */
  *entries(pageSize = 200): Generator<CacheEntry> {
    this.flushTouches()
    for (let after = 0; ; ) {
      const rows = this.db.query<Row, [number, number]>('SELECT * FROM entries WHERE id > ? ORDER BY id LIMIT ?').all(after, pageSize)
      if (rows.length === 0) return
      for (const row of rows) {
        const entry = this.live(row)
        if (entry) yield entry
      }
      after = rows[rows.length - 1]!.id
    }
  }

  meta(name: string): string | undefined {
    return this.statements.getMeta.get(name)?.value
  }

  setMeta(name: string, value: string) {
    this.statements.setMeta.run(name, value)
  }

  close() {
    this.flushTouches()
    this.db.close()
  }

  private live(row: Row | null): CacheEntry | undefined {
    if (!row) return undefined
    if (this.expired(row.created_at)) {
      this.delete(row.id)
      return undefined
    }
    return {
      id: row.id,
      key: row.key,
      partition: row.partition,
      endpoint: row.endpoint,
      model: row.model,
      prompt: row.prompt ?? undefined,
      answer: JSON.parse(row.answer),
      embedding: row.embedding ? unpackVector(row.embedding) : undefined,
      embeddingModel: row.embedding_model ?? undefined,
      createdAt: row.created_at,
      lastHitAt: row.last_hit_at,
      hits: row.hits,
    }
  }
}
