import type { Database } from 'bun:sqlite'
import type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from '../types'
import { openDatabase } from './open'

// DATA_DIR/responses.sqlite: which upstream key made each Responses id, and the responses the proxy made by
// translation. A file of its own: kept responses hold whole conversations (prompts and answers, up to
// megabytes), which neither belong in keys.sqlite (accounts and money, whose file a damaged page must not
// take away with them) nor in cache.sqlite (absent with CACHE_ALLOWED=false, purged by the admin API, and
// under the cache's own expiry); an operator can delete this file alone to drop every kept conversation.
//
// Rows carry their expiry time: reads skip expired rows, and writes delete them at most once a minute.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS origins (
  id TEXT PRIMARY KEY,
  upstream TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS origins_expiry ON origins (expires_at);
CREATE TABLE IF NOT EXISTS kept (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  response TEXT NOT NULL,
  input TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kept_expiry ON kept (expires_at);
`

export function openResponses(path: string, log: (line: string) => void = () => {}): Database {
  const { db } = openDatabase(path, log)
  db.exec(SCHEMA)
  return db
}

const SWEEP_EVERY_MS = 60_000

/** A table whose rows expire: its clock, and its expired rows deleted at most once a minute, on the way of a write. */
abstract class ExpiringTable {
  private nextSweep = 0
  private readonly sweep

  constructor(
    protected readonly db: Database,
    table: 'origins' | 'kept',
    protected readonly now: () => number
  ) {
    this.sweep = db.query(`DELETE FROM ${table} WHERE expires_at <= ?`)
  }

  /** The time of a write, the expired rows swept first when a minute has passed. */
  protected writeTime(): number {
    const now = this.now()
    if (now < this.nextSweep) return now
    this.nextSweep = now + SWEEP_EVERY_MS
    this.sweep.run(now)
    return now
  }
}

/** Which upstream key made each response or conversation id, in responses.sqlite (the caller closes the file). */
export class SqliteResponseOrigins extends ExpiringTable implements ResponseOriginStore {
  private readonly statements = {
    remember: this.db.query('INSERT OR REPLACE INTO origins (id, upstream, fingerprint, expires_at) VALUES (?, ?, ?, ?)'),
    originOf: this.db.query<{ upstream: string; fingerprint: string }, [string, number]>(
      'SELECT upstream, fingerprint FROM origins WHERE id = ? AND expires_at > ?'
    ),
    forget: this.db.query('DELETE FROM origins WHERE id = ?'),
  }

  constructor(db: Database, now: () => number = Date.now) {
    super(db, 'origins', now)
  }

  async remember(id: string, origin: IdOrigin, ttlMs: number): Promise<void> {
    const now = this.writeTime()
    this.statements.remember.run(id, origin.upstream, origin.fingerprint, now + ttlMs)
  }

  async originOf(id: string): Promise<IdOrigin | undefined> {
    const row = this.statements.originOf.get(id, this.now())
    return row ? { upstream: row.upstream, fingerprint: row.fingerprint } : undefined
  }

  async forget(id: string): Promise<void> {
    this.statements.forget.run(id)
  }

  async close(): Promise<void> {}
}

interface KeptRow {
  id: string
  owner: string
  created_at: number
  response: string
  input: string
}

/** The responses the proxy made by translation, in responses.sqlite (the caller closes the file). */
export class SqliteKeptResponses extends ExpiringTable implements KeptResponseStore {
  private readonly statements = {
    put: this.db.query('INSERT OR REPLACE INTO kept (id, owner, created_at, expires_at, response, input) VALUES (?, ?, ?, ?, ?, ?)'),
    get: this.db.query<KeptRow, [string, number]>('SELECT id, owner, created_at, response, input FROM kept WHERE id = ? AND expires_at > ?'),
    delete: this.db.query<{ live: number }, [string, number]>('DELETE FROM kept WHERE id = ? RETURNING expires_at > ? AS live'),
  }

  constructor(db: Database, now: () => number = Date.now) {
    super(db, 'kept', now)
  }

  async put(kept: KeptResponse, ttlMs: number): Promise<void> {
    const now = this.writeTime()
    this.statements.put.run(kept.id, kept.owner, kept.createdAt, now + ttlMs, JSON.stringify(kept.response), JSON.stringify(kept.input))
  }

  async get(id: string): Promise<KeptResponse | undefined> {
    const row = this.statements.get.get(id, this.now())
    if (!row) return undefined
    return { id: row.id, owner: row.owner, response: JSON.parse(row.response), input: JSON.parse(row.input), createdAt: row.created_at }
  }

  async delete(id: string): Promise<boolean> {
    return !!this.statements.delete.get(id, this.now())?.live
  }

  async close(): Promise<void> {}
}
