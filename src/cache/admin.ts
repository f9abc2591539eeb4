import { CACHEABLE } from '../openai/endpoints'
import { packVector, unpackVector } from '../state/sqlite/vectors'
import type { CacheEntry, CachedEndpoint, NewEntry } from '../state/types'

// Moving a cache between machines: one JSON object per entry (JSONL), answers and embeddings included.

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
    },
  }
}
