import type { Database } from 'bun:sqlite'
import { openDatabase } from './open'

// DATA_DIR/keys.sqlite: the proxy keys made by the admin API, and each key's usage and spend. One file for
// the three, since they describe the same keys; apart from the cache, so purging or losing the cache never
// touches them.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keys (
  name TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
  key TEXT NOT NULL,
  day TEXT NOT NULL,
  model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  hits INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cached_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  saved_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (key, day, model)
);
CREATE INDEX IF NOT EXISTS usage_day ON usage (day);
CREATE TABLE IF NOT EXISTS spend (
  key TEXT NOT NULL,
  period TEXT NOT NULL,
  spent REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (key, period)
);
`

/** Columns added since a release made the table: a DATA_DIR it wrote gets them, its rows counting 0. */
const USAGE_MIGRATIONS = ['cached_tokens', 'cache_write_tokens', 'reasoning_tokens'].map((column) => ({
  column,
  add: `ALTER TABLE usage ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`,
}))

export function openAccounts(path: string, log: (line: string) => void = () => {}): Database {
  const { db } = openDatabase(path, log)
  db.exec(SCHEMA)
  const columns = new Set(db.query<{ name: string }, []>('PRAGMA table_info(usage)').all().map((c) => c.name))
  for (const migration of USAGE_MIGRATIONS) if (!columns.has(migration.column)) db.run(migration.add)
  return db
}
