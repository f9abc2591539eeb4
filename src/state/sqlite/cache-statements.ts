import type { Database } from 'bun:sqlite'
import type { VectorSummary } from '../types'
import type { EntryRow } from './cache-schema'

// The cache store's SQL, prepared once per database (bun:sqlite caches nothing across query() calls).

export type CacheStatements = ReturnType<typeof cacheStatements>

export function cacheStatements(db: Database) {
  return {
    // An exact hit never uses the question's embedding: not reading its 3 KB was 17% of a hit's CPU.
    byKey: db.query<EntryRow, [string]>(
      `SELECT id, key, partition, endpoint, model, prompt, answer, NULL AS embedding, embedding_model, created_at, last_hit_at, hits, cache_group, labels
       FROM entries WHERE key = ?`
    ),
    byId: db.query<EntryRow, [number]>('SELECT * FROM entries WHERE id = ?'),
    idByKey: db.query<{ id: number }, [string]>('SELECT id FROM entries WHERE key = ?'),
    insert: db.query<{ id: number }, any[]>(
      `INSERT INTO entries (id, key, partition, endpoint, model, prompt, answer, embedding, embedding_model,
         prompt_tokens, completion_tokens, created_at, last_hit_at, cache_group, labels)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
    ),
    deleteId: db.query<{ id: number }, [number]>('DELETE FROM entries WHERE id = ? RETURNING id'),
    touch: db.query('UPDATE entries SET last_hit_at = ?, hits = hits + ? WHERE id = ?'),
    setEmbedding: db.query('UPDATE entries SET embedding = ?, embedding_model = ? WHERE id = ?'),
    // (id, the oldest live created_at): no row when the entry is gone or expired.
    liveLabels: db.query<{ labels: string | null }, [number, number]>('SELECT labels FROM entries WHERE id = ? AND created_at > ?'),
    setLabels: db.query<unknown, [string, number]>('UPDATE entries SET labels = ? WHERE id = ?'),
    // Named: with ORDER BY id the planner prefers a scan of every row to the partial index of the few judged.
    labelled: db.query<{ id: number; partition: string; labels: string }, [number]>(
      'SELECT id, partition, labels FROM entries INDEXED BY entries_labelled WHERE labels IS NOT NULL AND created_at > ? ORDER BY id'
    ),
    expired: db.query<{ id: number }, [number]>('DELETE FROM entries WHERE created_at <= ? RETURNING id'),
    leastRecent: db.query<{ id: number }, [number]>(
      'DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY last_hit_at, id LIMIT ?) RETURNING id'
    ),
    count: db.query<{ n: number }, []>('SELECT COUNT(*) AS n FROM entries'),
    vectors: db.query<{ id: number; embedding: Uint8Array }, [string, number, number]>(
      `SELECT id, embedding FROM entries WHERE embedding_model = ? AND embedding IS NOT NULL AND id > ?
       ORDER BY id LIMIT ?`
    ),
    summary: db.query<VectorSummary, [string]>(
      `SELECT COUNT(*) AS count, COALESCE(MAX(id), 0) AS maxId, COALESCE(SUM(id), 0) AS sumId
       FROM entries WHERE embedding_model = ? AND embedding IS NOT NULL`
    ),
    page: db.query<EntryRow, [number, number]>('SELECT * FROM entries WHERE id > ? ORDER BY id LIMIT ?'),
    // AUTOINCREMENT hands out ids from sqlite_sequence: taking one there keeps later inserts off it.
    seedSequence: db.query(
      `INSERT INTO sqlite_sequence (name, seq) SELECT 'entries', COALESCE(MAX(id), 0) FROM entries
       WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'entries')`
    ),
    nextId: db.query<{ seq: number }, []>("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'entries' RETURNING seq"),
  }
}
