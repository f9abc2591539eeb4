import { decodeLabels } from '../label-codec'
import { packVector, unpackVector } from '../sqlite/vectors'
import type { CacheEntry, EntryFilter, EntrySummary } from '../types'

// How a cache entry's Redis hash reads back (cache-entries.ts): the whole entry, or the summary the admin
// list shows, filtered as it asks. Vectors are base64 of their float32 bytes.

export const b64 = (vector: Float32Array) => Buffer.from(packVector(vector)).toString('base64')
export const fromB64 = (text: string) => unpackVector(new Uint8Array(Buffer.from(text, 'base64')))

type Row = Record<string, string | null | undefined>

/** A live entry's hash as the entry. */
export function entryOf(id: number, row: Row & { key: string }): CacheEntry {
  return {
    id,
    key: row.key,
    partition: row.partition ?? '',
    endpoint: row.endpoint as CacheEntry['endpoint'],
    model: row.model ?? '',
    prompt: row.prompt || undefined,
    answer: JSON.parse(row.answer ?? 'null'),
    embedding: row.embedding ? fromB64(row.embedding) : undefined,
    embeddingModel: row.embedding_model || undefined,
    group: row.group ?? 'shared',
    createdAt: Number(row.created_at),
    lastHitAt: Number(row.last_hit_at),
    hits: Number(row.hits ?? 0),
    ...(row.labels ? { labels: decodeLabels(row.labels) } : {}),
  }
}

/** The hash fields the admin list reads, in the order summaryOf takes them. */
export const SUMMARY_FIELDS = ['endpoint', 'model', 'group', 'prompt', 'created_at', 'last_hit_at', 'hits', 'prompt_tokens', 'completion_tokens', 'embedding_model'] as const

/** One entry of the admin list, or undefined when it is gone or the filter leaves it out. */
export function summaryOf(id: string, values: Array<string | null>, filter: EntryFilter, now: number): EntrySummary | undefined {
  const [endpoint, model, group, prompt, created, lastHit, hits, promptTokens, completionTokens, embedded] = values
  if (!endpoint) return undefined
  if (filter.text && !(prompt ?? '').toLowerCase().includes(filter.text.toLowerCase())) return undefined
  if (filter.model && model !== filter.model) return undefined
  if (filter.group && group !== filter.group) return undefined
  if (filter.maxAgeSeconds !== undefined && Number(created) < now - filter.maxAgeSeconds * 1000) return undefined
  if (filter.minAgeSeconds !== undefined && Number(created) > now - filter.minAgeSeconds * 1000) return undefined
  return {
    id: Number(id),
    endpoint: endpoint as EntrySummary['endpoint'],
    model: model!,
    group: group ?? 'shared',
    prompt: prompt || null,
    createdAt: new Date(Number(created)).toISOString(),
    lastHitAt: new Date(Number(lastHit)).toISOString(),
    hits: Number(hits),
    promptTokens: Number(promptTokens),
    completionTokens: Number(completionTokens),
    embedded: !!embedded,
  }
}
