import { decodeLabels } from '../label-codec'
import type { CacheEntry, CachedEndpoint, EntrySummary } from '../types'
import { unpackVector } from './vectors'

// The cache's SQLite schema and its rows. The schema is the one round 1 wrote: files made by that release
// open unchanged (test/fixtures/data-round1).

export const CACHE_SCHEMA = `
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
  hits INTEGER NOT NULL DEFAULT 0,
  cache_group TEXT NOT NULL DEFAULT 'shared',
  labels TEXT
);
CREATE INDEX IF NOT EXISTS entries_last_hit ON entries (last_hit_at);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created_at);
-- Answers with a question vector, by embedding model (and id, implicitly): the index fingerprint at start and
-- the pages of a rebuild come from here instead of a scan of every row's 3 KB embedding (6 s at 1M entries).
CREATE INDEX IF NOT EXISTS entries_vectors ON entries (embedding_model) WHERE embedding IS NOT NULL;
`

/**
 * Files of round 1 have no cache_group column: their entries are the shared group's. Files before round 3
 * have no labels column: their entries have no labels (NULL, as every unjudged entry).
 */
export const CACHE_MIGRATIONS = [
  { column: 'cache_group', add: "ALTER TABLE entries ADD COLUMN cache_group TEXT NOT NULL DEFAULT 'shared'" },
  { column: 'labels', add: 'ALTER TABLE entries ADD COLUMN labels TEXT' },
]

/**
 * Indexes on migrated columns, made once the migrations ran. Judged entries are few: the pooled evidence of
 * the wrong-rate estimate is read through this partial index, not a scan of every entry's row.
 */
export const CACHE_INDEXES = `
CREATE INDEX IF NOT EXISTS entries_labelled ON entries (created_at) WHERE labels IS NOT NULL;
`

export interface EntryRow {
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
  cache_group: string
  /** JSON (label-codec.ts); NULL when none. */
  labels: string | null
}

export function entryOf(row: EntryRow): CacheEntry {
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
    group: row.cache_group,
    ...(row.labels ? { labels: decodeLabels(row.labels) } : {}),
  }
}

export interface SummaryRow {
  id: number
  endpoint: CachedEndpoint
  model: string
  cache_group: string
  prompt: string | null
  created_at: number
  last_hit_at: number
  hits: number
  prompt_tokens: number
  completion_tokens: number
  embedded: number
}

export const summaryOf = (row: SummaryRow): EntrySummary => ({
  id: row.id,
  endpoint: row.endpoint,
  model: row.model,
  group: row.cache_group,
  prompt: row.prompt,
  createdAt: new Date(row.created_at).toISOString(),
  lastHitAt: new Date(row.last_hit_at).toISOString(),
  hits: row.hits,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  embedded: row.embedded === 1,
})
