import { MAX_SERVED_PER_ACCOUNT, SERVED_HIT_TTL_MS, type ServedHit, type ServedHitStore } from '../served-hits'

// The hits each key was served lately, in this process (the default without Redis, and the Redis
// fallback's own memory while it is away). A record with a semantic question carries its embedding (6 KB
// at 1,536 dimensions), so memory is bounded twice, as the other memory stores are: a record is dropped
// once it is a day old (when its account is read, and in a sweep once a minute on a write), and past
// `maxAccounts` or `maxRecords` the account served least recently goes first — a flood of keys costs the
// oldest evidence, never unbounded memory.

export interface MemoryServedHitsOptions {
  now?: () => number
  /** Accounts kept before the one served least recently is dropped. */
  maxAccounts?: number
  /** Records kept in all, over every account (the same eviction). */
  maxRecords?: number
}

const SWEEP_EVERY_MS = 60_000

/** The record as the caller cannot change it afterwards, nor change ours through what we return. */
const copy = (hit: ServedHit): ServedHit => ({ ...hit, ...(hit.question ? { question: new Float32Array(hit.question) } : {}) })

export class MemoryServedHits implements ServedHitStore {
  /** Per account, newest first; the Map's order is the order of the last record (the first goes first). */
  private readonly accounts = new Map<string, ServedHit[]>()
  private records = 0
  private nextSweep = 0
  private readonly now: () => number
  private readonly maxAccounts: number
  private readonly maxRecords: number

  constructor(options: MemoryServedHitsOptions = {}) {
    this.now = options.now ?? Date.now
    this.maxAccounts = options.maxAccounts ?? 10_000
    // ~120 MB at worst with 1,536-dimension questions; exact hits carry none and cost a few bytes.
    this.maxRecords = Math.max(MAX_SERVED_PER_ACCOUNT, options.maxRecords ?? 20_000)
  }

  async record(account: string, hit: ServedHit): Promise<void> {
    const now = this.now()
    if (now >= this.nextSweep) this.sweep(now)
    const hits = this.accounts.get(account) ?? []
    this.accounts.delete(account)
    this.accounts.set(account, hits)
    // Usually first; a record made late (another replica's clock, a slow write) goes where its time puts it.
    let at = 0
    while (at < hits.length && hits[at]!.at > hit.at) at++
    hits.splice(at, 0, copy(hit))
    this.records++
    if (hits.length > MAX_SERVED_PER_ACCOUNT) this.records -= hits.splice(MAX_SERVED_PER_ACCOUNT).length
    while (this.accounts.size > this.maxAccounts || this.records > this.maxRecords) this.drop(this.accounts.keys().next().value!)
  }

  async recent(account: string, since: number): Promise<ServedHit[]> {
    const hits = this.accounts.get(account)
    if (!hits) return []
    this.trim(account, hits, this.now())
    return hits.filter((hit) => hit.at >= since).map(copy)
  }

  async forget(account: string, entryId: number): Promise<void> {
    const hits = this.accounts.get(account)
    if (!hits) return
    const kept = hits.filter((hit) => hit.entryId !== entryId)
    this.records -= hits.length - kept.length
    if (kept.length === 0) this.accounts.delete(account)
    else this.accounts.set(account, kept)
  }

  private expired(at: number, now: number) {
    return at + SERVED_HIT_TTL_MS <= now
  }

  /** Drops the account's expired records (the oldest, at the end); an emptied account is gone. */
  private trim(account: string, hits: ServedHit[], now: number) {
    let live = hits.length
    while (live > 0 && this.expired(hits[live - 1]!.at, now)) live--
    if (live === hits.length) return
    this.records -= hits.length - live
    hits.length = live
    if (live === 0) this.accounts.delete(account)
  }

  private drop(account: string) {
    this.records -= this.accounts.get(account)?.length ?? 0
    this.accounts.delete(account)
  }

  private sweep(now: number) {
    for (const [account, hits] of this.accounts) this.trim(account, hits, now)
    this.nextSweep = now + SWEEP_EVERY_MS
  }
}
