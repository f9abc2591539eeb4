import type { KeyStore, StoredKey } from '../types'

/** Admin-made keys in memory (tests; a proxy without DATA_DIR persistence has SQLite under DATA_DIR). */
export class MemoryKeys implements KeyStore {
  private readonly keys = new Map<string, StoredKey>()
  private readonly listeners = new Set<() => void>()

  async list(): Promise<StoredKey[]> {
    return [...this.keys.values()].map((key) => structuredClone(key)).sort((a, b) => a.name.localeCompare(b.name))
  }

  async get(name: string): Promise<StoredKey | undefined> {
    const key = this.keys.get(name)
    return key && structuredClone(key)
  }

  async findByHash(hash: string): Promise<StoredKey | undefined> {
    const key = this.byHash(hash)
    return key && structuredClone(key)
  }

  async create(key: StoredKey): Promise<boolean> {
    if (this.keys.has(key.name) || this.byHash(key.hash)) return false
    this.keys.set(key.name, structuredClone(key))
    this.changed()
    return true
  }

  async update(name: string, settings: Record<string, unknown>, at: number): Promise<StoredKey | undefined> {
    const key = this.keys.get(name)
    if (!key) return undefined
    key.settings = structuredClone(settings)
    key.updatedAt = at
    this.changed()
    return structuredClone(key)
  }

  async delete(name: string): Promise<boolean> {
    const deleted = this.keys.delete(name)
    if (deleted) this.changed()
    return deleted
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async close(): Promise<void> {}

  private byHash(hash: string): StoredKey | undefined {
    for (const key of this.keys.values()) if (key.hash === hash) return key
    return undefined
  }

  private changed() {
    for (const listener of this.listeners) listener()
  }
}
