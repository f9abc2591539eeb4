import { badRequest, conflict, notFound } from '../errors'
import { CACHEABLE } from '../openai/endpoints'
import { labelFromJson, labelToJson, type LabelJson } from '../state/label-codec'
import { packVector, unpackVector } from '../state/sqlite/vectors'
import type { CacheEntry, CachedEndpoint, EntryLabel, NewEntry } from '../state/types'
import type { AnswerCache } from './answer-cache'

// Cache administration for the proxy's owner (behind ADMIN_KEY, checked by http/): find and remove a wrong
// answer without wiping everything, purge by model, and move a cache between machines as JSONL (one JSON
// object per entry, answers and embeddings included). Unlike the status page, these answers do contain
// prompt text: that is what an owner searches.

export interface ExportLine {
  version: 1
  key: string
  partition: string
  endpoint: CachedEndpoint
  model: string
  prompt: string | null
  answer: NewEntry['answer']
  /** base64 of little-endian f16, as stored. */
  embedding: string | null
  embeddingModel: string | null
  /** Absent in exports of round 1: those entries are the shared group's. */
  group?: string
  createdAt: string
  /** Its refutations and confirmations, oldest first (the question as base64 of float32); absent before round 3. */
  labels?: LabelJson[]
}

export function exportLine(e: CacheEntry): string {
  const line: ExportLine = {
    version: 1,
    key: e.key,
    partition: e.partition,
    endpoint: e.endpoint,
    model: e.model,
    prompt: e.prompt ?? null,
    answer: e.answer,
    embedding: e.embedding ? Buffer.from(packVector(e.embedding)).toString('base64') : null,
    embeddingModel: e.embeddingModel ?? null,
    group: e.group ?? 'shared',
    createdAt: new Date(e.createdAt).toISOString(),
    labels: (e.labels ?? []).map(labelToJson),
  }
  return `${JSON.stringify(line)}\n`
}

/** One export line as an entry to store, or why it cannot be. */
export function importLine(raw: string): { entry: NewEntry } | { skipped: string } {
  let line: ExportLine
  try {
    line = JSON.parse(raw)
  } catch {
    return { skipped: 'not JSON' }
  }
  if (line?.version !== 1) return { skipped: 'unknown version' }
  if (typeof line.key !== 'string' || typeof line.partition !== 'string' || typeof line.model !== 'string') return { skipped: 'missing key, partition or model' }
  if (!CACHEABLE.has(line.endpoint) || line.answer?.endpoint !== line.endpoint || typeof line.answer.body !== 'object') return { skipped: 'bad endpoint or answer' }
  let embedding: Float32Array | undefined
  if (line.embedding) {
    const bytes = Buffer.from(line.embedding, 'base64')
    if (bytes.byteLength === 0 || bytes.byteLength % 2 !== 0) return { skipped: 'bad embedding' }
    embedding = unpackVector(bytes)
  }
  let labels: EntryLabel[] | undefined
  if (line.labels !== undefined) {
    if (!Array.isArray(line.labels)) return { skipped: 'bad labels' }
    labels = line.labels.map(labelFromJson).filter((label) => label !== undefined)
    // One bad label spoils the line: an entry half-judged would answer what it was refuted for.
    if (labels.length !== line.labels.length) return { skipped: 'bad labels' }
  }
  return {
    entry: {
      key: line.key,
      partition: line.partition,
      endpoint: line.endpoint,
      model: line.model,
      prompt: typeof line.prompt === 'string' ? line.prompt : undefined,
      answer: line.answer,
      embedding,
      embeddingModel: line.embeddingModel ?? undefined,
      group: typeof line.group === 'string' && line.group ? line.group : 'shared',
      ...(labels?.length ? { labels } : {}),
    },
  }
}

/** The query of the entry list, as the URL gives it: every value a string, or absent. */
export interface EntryQuery {
  q?: string
  model?: string
  group?: string
  max_age?: string
  min_age?: string
  limit?: string
  offset?: string
}

const noEntry = (id: string) => notFound(`No cached entry with id ${id}.`, 'not_found', 'id')

function intParam(value: string | undefined, name: string, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`'${name}' must be a whole number from 0 to ${max}.`, name)
  return n
}

export class CacheAdmin {
  /** `undefined` when CACHE_ALLOWED is false: every operation is then refused with 409. */
  constructor(private readonly answers: AnswerCache | undefined) {}

  /** The cache, or the 409 of a proxy without one. */
  cache(): AnswerCache {
    if (!this.answers) throw conflict('The cache is off (CACHE_ALLOWED=false).', 'cache_disabled')
    return this.answers
  }

  /** Newest first; `q` searches the question text; `limit` (≤ 1000) and `offset` page. */
  async list(query: EntryQuery) {
    const { total, data } = await this.cache().entries.list({
      text: query.q || undefined,
      model: query.model || undefined,
      group: query.group || undefined,
      maxAgeSeconds: intParam(query.max_age, 'max_age', undefined),
      minAgeSeconds: intParam(query.min_age, 'min_age', undefined),
      limit: intParam(query.limit, 'limit', 50, 1000)!,
      offset: intParam(query.offset, 'offset', 0)!,
    })
    return { object: 'list' as const, total, data }
  }

  /**
   * One entry with its stored answer and its labels; the embedding and a label's question only as whether
   * there is one (numbers an owner cannot read, kilobytes each).
   */
  async show(id: string) {
    const entries = this.cache().entries
    // Touches are batched: without this the hit count and last hit shown would lag.
    await entries.flush()
    const entry = await entries.getById(Number(id))
    if (!entry) throw noEntry(id)
    const { embedding, labels, ...rest } = entry
    return {
      ...rest,
      createdAt: new Date(entry.createdAt).toISOString(),
      lastHitAt: new Date(entry.lastHitAt).toISOString(),
      embedded: !!embedding,
      labels: (labels ?? []).map(({ verdict, similarity, source, at, question }) => ({ verdict, similarity, source, at: new Date(at).toISOString(), has_question: !!question })),
      // DESIGN §1.11: what stood behind its last semantic hit on this replica (null: none lately).
      last_semantic_hit: lastHit(this.cache().lastEstimate(entry.id)),
    }
  }

  async delete(id: string) {
    if (!(await this.cache().entries.delete(Number(id)))) throw noEntry(id)
    return { id: Number(id), deleted: true as const }
  }

  /** One model's entries, or (`all` = 'true') every entry: never everything by accident. */
  async purge({ model, all }: { model?: string; all?: string }) {
    if (!model && all !== 'true') throw badRequest("Give 'model' to purge one model's entries, or 'all=true' to purge everything.", 'all')
    return { deleted: await this.cache().entries.purge(model || undefined) }
  }

  /** Every entry as an export line, read from the store as they are asked for. */
  exportLines(): AsyncIterator<string> {
    const all = this.cache().entries.entries()[Symbol.asyncIterator]()
    return {
      async next() {
        const next = await all.next()
        return next.done ? { done: true, value: undefined } : { done: false, value: exportLine(next.value) }
      },
    }
  }

  /** The lines of an export stored again; each line that cannot be is reported by its number (from 1). */
  async importLines(text: string) {
    const cache = this.cache()
    let imported = 0
    const skipped: Array<{ line: number; reason: string }> = []
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.trim()) continue
      const parsed = importLine(lines[i]!)
      if ('skipped' in parsed) skipped.push({ line: i + 1, reason: parsed.skipped })
      else {
        await cache.importEntry(parsed.entry)
        imported++
      }
    }
    return { imported, skipped }
  }
}

function lastHit(estimate: ReturnType<AnswerCache['lastEstimate']>) {
  if (!estimate) return null
  const { at, similarity, threshold, wrongRate, evidence } = estimate
  return { at: new Date(at).toISOString(), similarity, threshold, ...(wrongRate === undefined ? {} : { wrong_rate: wrongRate, evidence }) }
}
