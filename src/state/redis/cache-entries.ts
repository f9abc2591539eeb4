import { usageOf } from '../../openai/answer'
import { MAX_LABELS_PER_ENTRY } from '../cache-entries'
import { decodeLabels, encodeLabels, labelToJson } from '../label-codec'
import type { Candidate, CacheEntry, CacheEntryStore, EntryChange, EntryFilter, EntryLabel, EntrySummary, NewEntry, VectorSummary } from '../types'
import { ADD_LABEL, DELETE, PUT, SET_EMBEDDING, SWEEP, TOUCH } from './cache-scripts'
import { b64, entryOf, fromB64, summaryOf, SUMMARY_FIELDS } from './cache-rows'
import { ChangeFeed } from './change-feed'
import type { RedisConnection } from './connection'

// Cache entries in Redis, shared by every replica (layout in cache-scripts.ts). Each replica keeps its own
// vector index, built from here at start and kept current by following the change stream: an answer one
// replica stores is a semantic hit on the others within about a second.

export interface RedisCacheOptions {
  ttlMs: number
  maxEntries: number
  now?: () => number
}

const TOUCH_BATCH = 256
const TOUCH_MS = 1_000
const PAGE = 500
const EXACT_FIELDS = ['key', 'partition', 'endpoint', 'model', 'prompt', 'answer', 'embedding_model', 'created_at', 'last_hit_at', 'hits', 'group', 'labels'] as const


export class RedisCacheEntries implements CacheEntryStore {
  private readonly now: () => number
  private readonly touches = new Map<number, { at: number; hits: number }>()
  private readonly listeners = new Set<(change: EntryChange) => void>()
  private readonly touchTimer: ReturnType<typeof setInterval>
  private feed: ChangeFeed | undefined
  /** Names this store's own changes in the stream: those it announced itself, at once. */
  private readonly origin = crypto.randomUUID()

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly options: RedisCacheOptions
  ) {
    this.now = options.now ?? Date.now
    this.touchTimer = setInterval(() => void this.flush().catch(() => {}), TOUCH_MS)
    this.touchTimer.unref?.()
  }

  async getByKey(key: string): Promise<CacheEntry | undefined> {
    const id = await this.redis.send('GET', [`${this.prefix}c:k:${key}`])
    if (!id) return undefined
    const values: Array<string | null> = await this.redis.send('HMGET', [this.entry(id), ...EXACT_FIELDS])
    // An exact hit never uses the question's embedding: it is not read.
    return this.live(Number(id), Object.fromEntries(EXACT_FIELDS.map((f, i) => [f, values[i]])))
  }

  async getById(id: number): Promise<CacheEntry | undefined> {
    const row = (await this.redis.send('HGETALL', [this.entry(id)])) as Record<string, string> | null
    return row && Object.keys(row).length ? this.live(id, row) : undefined
  }

  async candidates(ids: number[]): Promise<Candidate[]> {
    const rows = await Promise.all(ids.map((id) => this.redis.send('HMGET', [this.entry(id), 'partition', 'prompt', 'embedding', 'embedding_model', 'created_at', 'labels'])))
    const out: Candidate[] = []
    ids.forEach((id, i) => {
      const [partition, prompt, embedding, model, created, labels] = rows[i] as Array<string | null>
      if (partition === null || partition === undefined || this.expired(Number(created))) return
      const vector = embedding ? fromB64(embedding) : null
      out.push({ id, partition, prompt: prompt || null, embedding: vector, embeddingModel: model || null, createdAt: Number(created), labels: decodeLabels(labels) })
    })
    return out
  }

  async allocateId(): Promise<number> {
    return Number(await this.redis.send('INCR', [`${this.prefix}c:seq`]))
  }

  async put(entry: NewEntry): Promise<CacheEntry> {
    const now = this.now()
    const usage = usageOf(entry.answer)
    const model = entry.embedding && entry.embeddingModel ? entry.embeddingModel : ''
    const labels = encodeLabels(entry.labels)
    const fields: Record<string, string | number> = {
      key: entry.key,
      partition: entry.partition,
      endpoint: entry.endpoint,
      model: entry.model,
      prompt: entry.prompt ?? '',
      answer: JSON.stringify(entry.answer),
      created_at: now,
      last_hit_at: now,
      hits: 0,
      group: entry.group ?? 'shared',
      prompt_tokens: usage?.prompt_tokens ?? 0,
      completion_tokens: usage?.completion_tokens ?? 0,
      ...(model ? { embedding: b64(entry.embedding!), embedding_model: model } : {}),
      ...(labels ? { labels } : {}),
    }
    const [id, count, gone] = await this.redis.eval(PUT, [], [this.prefix, this.origin, entry.key, ...Object.entries(fields).flat(), '--', model, entry.id ?? ''])
    // This replica's index need not wait for the stream.
    this.removed(gone)
    if (model) this.emit({ kind: 'added', id: Number(id), embedding: entry.embedding!, model })
    if (Number(count) > this.options.maxEntries) await this.sweep()
    return { ...entry, group: entry.group ?? 'shared', id: Number(id), createdAt: now, lastHitAt: now, hits: 0 }
  }

  touch(id: number) {
    const pending = this.touches.get(id)
    if (pending) {
      pending.at = this.now()
      pending.hits++
    } else this.touches.set(id, { at: this.now(), hits: 1 })
    if (this.touches.size >= TOUCH_BATCH) void this.flush().catch(() => {})
  }

  async setEmbedding(id: number, embedding: Float32Array, model: string): Promise<void> {
    if (Number(await this.redis.eval(SET_EMBEDDING, [], [this.prefix, this.origin, id, b64(embedding), model])) === 1) this.emit({ kind: 'added', id, embedding, model })
  }

  async addLabel(id: number, label: EntryLabel): Promise<boolean> {
    const oldestLive = this.now() - this.options.ttlMs
    return Number(await this.redis.eval(ADD_LABEL, [], [this.prefix, id, JSON.stringify(labelToJson(label)), MAX_LABELS_PER_ENTRY, oldestLive])) === 1
  }

  async labelled(): Promise<Array<{ id: number; partition: string; labels: EntryLabel[] }>> {
    const ids: string[] = await this.redis.send('SMEMBERS', [`${this.prefix}c:labelled`])
    const rows = await Promise.all(ids.map((id) => this.redis.send('HMGET', [this.entry(id), 'partition', 'created_at', 'labels'])))
    return ids
      .flatMap((id, i) => {
        const [partition, created, labels] = rows[i] as Array<string | null>
        return partition == null || !labels || this.expired(Number(created)) ? [] : [{ id: Number(id), partition, labels: decodeLabels(labels) }]
      })
      .sort((a, b) => a.id - b.id)
  }

  async delete(id: number): Promise<boolean> {
    return this.remove([id]).then((n) => n > 0)
  }

  async purge(model?: string): Promise<number> {
    let removed = 0
    for (let start = 0; ; ) {
      const ids: string[] = await this.redis.send('ZRANGE', [`${this.prefix}c:created`, start, start + PAGE - 1])
      if (ids.length === 0) return removed
      let doomed = ids
      if (model !== undefined) {
        const models = await Promise.all(ids.map((id) => this.redis.send('HGET', [this.entry(id), 'model'])))
        doomed = ids.filter((_, i) => models[i] === model)
      }
      const n = await this.remove(doomed.map(Number))
      removed += n
      start += ids.length - n
    }
  }

  async sweep(): Promise<number> {
    await this.flush()
    let total = 0
    for (;;) {
      const n = this.removed(await this.redis.eval(SWEEP, [], [this.prefix, this.origin, this.now(), this.options.ttlMs, this.options.maxEntries, PAGE]))
      total += n
      if (n < PAGE) return total
    }
  }

  async count(): Promise<number> {
    return Number(await this.redis.send('ZCARD', [`${this.prefix}c:created`]))
  }

  async list(filter: EntryFilter): Promise<{ total: number; data: EntrySummary[] }> {
    await this.flush()
    const ids: string[] = await this.redis.send('ZREVRANGE', [`${this.prefix}c:created`, 0, -1])
    const matching: EntrySummary[] = []
    const now = this.now()
    for (let i = 0; i < ids.length; i += PAGE) {
      const page = ids.slice(i, i + PAGE)
      const rows = await Promise.all(
        page.map((id) => this.redis.send('HMGET', [this.entry(id), ...SUMMARY_FIELDS]))
      )
      page.forEach((id, j) => {
        const summary = summaryOf(id, rows[j] as Array<string | null>, filter, now)
        if (summary) matching.push(summary)
      })
    }
    return { total: matching.length, data: matching.slice(filter.offset, filter.offset + filter.limit) }
  }

  async *entries(): AsyncGenerator<CacheEntry> {
    await this.flush()
    const ids: string[] = await this.redis.send('ZRANGE', [`${this.prefix}c:created`, 0, -1])
    for (const id of ids) {
      const entry = await this.getById(Number(id))
      if (entry) yield entry
    }
  }

  async vectors(model: string, afterId: number, limit: number): Promise<Array<{ id: number; embedding: Float32Array }>> {
    const ids: string[] = await this.redis.send('ZRANGEBYSCORE', [`${this.prefix}c:vec:${model}`, `(${afterId}`, '+inf', 'LIMIT', 0, limit])
    const blobs = await Promise.all(ids.map((id) => this.redis.send('HGET', [this.entry(id), 'embedding'])))
    return ids.flatMap((id, i) => (blobs[i] ? [{ id: Number(id), embedding: fromB64(blobs[i]) }] : []))
  }

  async vectorSummary(model: string): Promise<VectorSummary> {
    const [count, top, sum] = await Promise.all([
      this.redis.send('ZCARD', [`${this.prefix}c:vec:${model}`]),
      this.redis.send('ZREVRANGE', [`${this.prefix}c:vec:${model}`, 0, 0]),
      this.redis.send('GET', [`${this.prefix}c:vecsum:${model}`]),
    ])
    return { count: Number(count), maxId: Number(top?.[0] ?? 0), sumId: Number(sum ?? 0) }
  }

  subscribe(listener: (change: EntryChange) => void): () => void {
    this.listeners.add(listener)
    this.feed ??= new ChangeFeed(this.redis, `${this.prefix}c:feed`, this.origin, {
      embedding: (id) => this.redis.send('HGET', [this.entry(id), 'embedding']).then((blob: string | null) => (blob ? fromB64(blob) : undefined)),
      emit: (change) => this.emit(change),
    })
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0 && this.feed) {
        this.feed.stop()
        this.feed = undefined
      }
    }
  }

  async flush(): Promise<void> {
    if (this.touches.size === 0) return
    const touches = [...this.touches]
    this.touches.clear()
    await this.redis.eval(TOUCH, [], [this.prefix, ...touches.flatMap(([id, t]) => [id, t.at, t.hits])])
  }

  async close(): Promise<void> {
    clearInterval(this.touchTimer)
    this.feed?.stop()
    await this.flush().catch(() => {})
  }

  private entry(id: number | string) {
    return `${this.prefix}c:e:${id}`
  }

  private expired(createdAt: number) {
    return createdAt <= this.now() - this.options.ttlMs
  }

  private async remove(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0
    return this.removed(await this.redis.eval(DELETE, [], [this.prefix, this.origin, ...ids]))
  }

  /** Announces the ids a script removed (comma-separated); returns how many. */
  private removed(list: string | null): number {
    const ids = (list ?? '').split(',').filter(Boolean).map(Number)
    if (ids.length > 0) this.emit({ kind: 'removed', ids })
    return ids.length
  }

  private live(id: number, row: Record<string, string | null | undefined>): CacheEntry | undefined {
    if (!row.key) return undefined
    if (this.expired(Number(row.created_at))) {
      void this.remove([id]).catch(() => {})
      return undefined
    }
    return entryOf(id, row as Record<string, string | null | undefined> & { key: string })
  }

  private emit(change: EntryChange) {
    for (const listener of this.listeners) listener(change)
  }
}
