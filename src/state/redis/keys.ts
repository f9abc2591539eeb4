import type { KeyStore, StoredKey } from '../types'
import type { RedisConnection } from './connection'

// Proxy keys made by the admin API, shared by every replica: one hash of name → the stored key (its hash
// and settings, never the key), one of key hash → name to keep values unique (and to find a key another
// replica made before this one's next reload), and a version counter that each replica polls every
// second, so a key changed or revoked on one is known on all within a second.

const CREATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
`

const DELETE = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], cjson.decode(stored).hash)
redis.call('INCR', KEYS[3])
return 1
`

const POLL_MS = 1_000

export class RedisKeys implements KeyStore {
  private readonly listeners = new Set<() => void>()
  private version: string | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async list(): Promise<StoredKey[]> {
    const all = ((await this.redis.send('HGETALL', [this.keys()[0]])) ?? {}) as Record<string, string>
    return Object.values(all)
      .map((text) => JSON.parse(text) as StoredKey)
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  async get(name: string): Promise<StoredKey | undefined> {
    const text = await this.redis.send('HGET', [this.keys()[0], name])
    return text ? (JSON.parse(text) as StoredKey) : undefined
  }

  async findByHash(hash: string): Promise<StoredKey | undefined> {
    const text = await this.redis.eval(
      `local name = redis.call('HGET', KEYS[2], ARGV[1]) if not name then return false end return redis.call('HGET', KEYS[1], name)`,
      this.keys(),
      [hash]
    )
    return text ? (JSON.parse(text) as StoredKey) : undefined
  }

  async create(key: StoredKey): Promise<boolean> {
    const created = Number(await this.redis.eval(CREATE, this.keys(), [key.name, key.hash, JSON.stringify(key)])) === 1
    if (created) this.changed()
    return created
  }

  async update(name: string, settings: Record<string, unknown>, at: number): Promise<StoredKey | undefined> {
    const stored = await this.get(name)
    if (!stored) return undefined
    const updated = { ...stored, settings, updatedAt: at }
    await this.redis.eval(
      `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) redis.call('INCR', KEYS[3]) return 1`,
      this.keys(),
      [name, JSON.stringify(updated)]
    )
    this.changed()
    return updated
  }

  async delete(name: string): Promise<boolean> {
    const deleted = Number(await this.redis.eval(DELETE, this.keys(), [name])) === 1
    if (deleted) this.changed()
    return deleted
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    this.timer ??= setInterval(() => void this.poll(), POLL_MS)
    this.timer.unref?.()
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private async poll() {
    if (!this.redis.available) return
    try {
      const version = String((await this.redis.send('GET', [this.keys()[2]])) ?? '0')
      // The first reading counts as a change too: the keys may have been missed while Redis was away.
      if (version !== this.version) this.changed()
      this.version = version
    } catch {}
  }

  private changed() {
    for (const listener of this.listeners) listener()
  }

  private keys(): [string, string, string] {
    return [`${this.prefix}keys:byName`, `${this.prefix}keys:byHash`, `${this.prefix}keys:version`]
  }
}
