import type { Database } from 'bun:sqlite'
import type { KeyStore, StoredKey } from '../types'

/** Proxy keys made by the admin API, in keys.sqlite (see accounts.ts): a hash of each key, never the key. */
export class SqliteKeys implements KeyStore {
  private readonly listeners = new Set<() => void>()
  private readonly statements

  constructor(private readonly db: Database) {
    this.statements = {
      all: db.query<Row, []>('SELECT * FROM keys ORDER BY name'),
      one: db.query<Row, [string]>('SELECT * FROM keys WHERE name = ?'),
      byHash: db.query<Row, [string]>('SELECT * FROM keys WHERE hash = ?'),
      insert: db.query('INSERT INTO keys (name, hash, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      update: db.query('UPDATE keys SET settings = ?, updated_at = ? WHERE name = ?'),
      delete: db.query('DELETE FROM keys WHERE name = ?'),
    }
  }

  async list(): Promise<StoredKey[]> {
    return this.statements.all.all().map(keyOf)
  }

  async get(name: string): Promise<StoredKey | undefined> {
    const row = this.statements.one.get(name)
    return row ? keyOf(row) : undefined
  }

  async findByHash(hash: string): Promise<StoredKey | undefined> {
    const row = this.statements.byHash.get(hash)
    return row ? keyOf(row) : undefined
  }

  async create(key: StoredKey): Promise<boolean> {
    const { changes } = this.statements.insert.run(key.name, key.hash, JSON.stringify(key.settings), key.createdAt, key.updatedAt)
    if (changes) this.changed()
    return changes > 0
  }

  async update(name: string, settings: Record<string, unknown>, at: number): Promise<StoredKey | undefined> {
    const { changes } = this.statements.update.run(JSON.stringify(settings), at, name)
    if (!changes) return undefined
    this.changed()
    return this.get(name)
  }

  async delete(name: string): Promise<boolean> {
    const { changes } = this.statements.delete.run(name)
    if (changes) this.changed()
    return changes > 0
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {}

  private changed() {
    for (const listener of this.listeners) listener()
  }
}

interface Row {
  name: string
  hash: string
  settings: string
  created_at: number
  updated_at: number
}

const keyOf = (row: Row): StoredKey => ({
  name: row.name,
  hash: row.hash,
  settings: JSON.parse(row.settings),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})
