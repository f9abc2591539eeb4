// Values that expire by themselves, for the in-memory stores whose entries have a lifetime (Responses ids,
// kept responses). An expired value is never returned; it is dropped when read, and all of them once a
// minute on a write, so ids nobody asks for again do not pile up. `maxEntries` bounds a store that only
// bridges an outage (the Redis fallback): beyond it the least recently written value goes first.

export interface ExpiringEntry<V> {
  id: string
  value: V
  expiresAt: number
}

const SWEEP_EVERY_MS = 60_000

export class Expiring<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>()
  private nextSweep = 0

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = Number.POSITIVE_INFINITY
  ) {}

  set(id: string, value: V, ttlMs: number) {
    const now = this.now()
    // Deleted first so the Map's order stays the order of writes: the first entry is the one to evict.
    this.entries.delete(id)
    this.entries.set(id, { value, expiresAt: now + ttlMs })
    if (now >= this.nextSweep) this.sweep(now)
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }

  get(id: string): V | undefined {
    const entry = this.entries.get(id)
    if (!entry) return undefined
    if (entry.expiresAt > this.now()) return entry.value
    this.entries.delete(id)
    return undefined
  }

  /** True when a live value was there. */
  delete(id: string): boolean {
    const live = this.get(id) !== undefined
    this.entries.delete(id)
    return live
  }

  /** The live values, in the order they were written (the expired ones are dropped on the way). */
  live(): ExpiringEntry<V>[] {
    this.sweep(this.now())
    return [...this.entries].map(([id, entry]) => ({ id, ...entry }))
  }

  /** Entries held, some of which may have expired since the last write or `live()`. */
  get size(): number {
    return this.entries.size
  }

  private sweep(now: number) {
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id)
    this.nextSweep = now + SWEEP_EVERY_MS
  }
}
