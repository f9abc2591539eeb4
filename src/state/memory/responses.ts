import type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from '../types'
import { Expiring, type ExpiringEntry } from './expiring'

// The Responses ids of one process: the Redis fallback's own memory while Redis is away, and the tests.
// (Without REDIS_URL the proxy keeps them in responses.sqlite, so they outlive a restart.)

export interface MemoryResponsesOptions {
  now?: () => number
  /** Most entries kept (the least recently written go first); unbounded when absent. */
  maxEntries?: number
}

export class MemoryResponseOrigins implements ResponseOriginStore {
  private readonly origins: Expiring<IdOrigin>

  constructor(options: MemoryResponsesOptions = {}) {
    this.origins = new Expiring(options.now, options.maxEntries)
  }

  async remember(id: string, origin: IdOrigin, ttlMs: number): Promise<void> {
    this.origins.set(id, { upstream: origin.upstream, fingerprint: origin.fingerprint }, ttlMs)
  }

  async originOf(id: string): Promise<IdOrigin | undefined> {
    const origin = this.origins.get(id)
    return origin && { ...origin }
  }

  async forget(id: string): Promise<void> {
    this.origins.delete(id)
  }

  /** What is remembered now, with when it expires (the fallback hands it to Redis when it is back). */
  live(): ExpiringEntry<IdOrigin>[] {
    return this.origins.live()
  }

  get size(): number {
    return this.origins.size
  }

  async close(): Promise<void> {}
}

/**
 * Kept as JSON text, as SQLite and Redis keep them: a value reads back the way it would from those (no
 * `undefined` fields, no shared objects with the caller), and text is what the memory holds.
 */
export class MemoryKeptResponses implements KeptResponseStore {
  private readonly kept: Expiring<string>

  constructor(options: MemoryResponsesOptions = {}) {
    this.kept = new Expiring(options.now, options.maxEntries)
  }

  async put(kept: KeptResponse, ttlMs: number): Promise<void> {
    this.kept.set(kept.id, encodeKept(kept), ttlMs)
  }

  async get(id: string): Promise<KeptResponse | undefined> {
    const text = this.kept.get(id)
    return text === undefined ? undefined : (JSON.parse(text) as KeptResponse)
  }

  async delete(id: string): Promise<boolean> {
    return this.kept.delete(id)
  }

  /** What is kept now, with when it expires (the fallback hands it to Redis when it is back). */
  live(): ExpiringEntry<KeptResponse>[] {
    return this.kept.live().map((entry) => ({ ...entry, value: JSON.parse(entry.value) as KeptResponse }))
  }

  get size(): number {
    return this.kept.size
  }

  async close(): Promise<void> {}
}

/** The fields of a kept response, and nothing else the caller's object may carry. */
export function encodeKept(kept: KeptResponse): string {
  return JSON.stringify({ id: kept.id, owner: kept.owner, response: kept.response, input: kept.input, createdAt: kept.createdAt })
}
