import type { ReplayTemplate } from '../dialects/replay-template'
import type { CacheEntry, CacheEntryStore } from '../state/types'

// The most asked answers, ready to send. A request whose exact bytes (with what else decides its answer:
// path, cache group, output cap) were answered from the cache before is recognised by those bytes alone:
// no parsing, key hashing, store read or rendering. Kept in memory only, in front of the store, which stays
// the truth:
// - an entry that leaves the store (deleted, purged, evicted, expired, replaced by a refresh, also on
//   another replica through the change stream) leaves here at once;
// - past its TTL an entry is never served;
// - when the change stream may have missed changes (Redis was out of reach) everything is forgotten, and
//   nothing is served from here while the store is out of reach (its misses are the truth then);
// - after `trustMs` a request goes the normal way once more (and is remembered again), which bounds what a
//   change feed that lost an event could leave behind.

export interface HotAnswer {
  entry: CacheEntry
  template: ReplayTemplate
  /** The `model` of the request (not the entry), for the key's model check. */
  model?: string
  /** The key's output cap when it changed the request (`x-output-cap`): the bytes decide it, so it is kept. */
  outputCap?: string
}

export interface HotAnswerLimits {
  maxEntries: number
  /** Bound on what the kept requests and rendered answers weigh; one may take a sixteenth of it. */
  maxBytes: number
  trustMs: number
  ttlMs: number
  now?: () => number
}

interface Kept extends HotAnswer {
  size: number
  checkedAt: number
}

export class HotAnswers {
  /** In recency order: the first is the least recently served. */
  private readonly byRequest = new Map<string, Kept>()
  private readonly byEntry = new Map<number, Set<string>>()
  private bytes = 0
  private readonly unsubscribe: () => void
  private readonly now: () => number

  constructor(
    entries: CacheEntryStore,
    private readonly limits: HotAnswerLimits
  ) {
    this.now = limits.now ?? Date.now
    this.unsubscribe = entries.subscribe((change) => {
      if (change.kind === 'removed') this.forget(change.ids)
      else if (change.kind === 'gap') this.clear()
    })
  }

  get(request: string): HotAnswer | undefined {
    const kept = this.byRequest.get(request)
    if (!kept) return undefined
    const now = this.now()
    if (now - kept.checkedAt >= this.limits.trustMs || kept.entry.createdAt <= now - this.limits.ttlMs) {
      this.drop(request, kept)
      return undefined
    }
    this.byRequest.delete(request)
    this.byRequest.set(request, kept)
    return kept
  }

  /** Keeps the answer a request was just served from the store, rendered in the form it asked for. */
  remember(request: string, entry: CacheEntry, template: ReplayTemplate, model?: string, outputCap?: string) {
    if (this.limits.maxEntries <= 0) return
    const size = request.length * 2 + template.size + 256
    if (size > this.limits.maxBytes / 16) return
    const old = this.byRequest.get(request)
    if (old) this.drop(request, old)
    this.byRequest.set(request, { entry, template, model, outputCap, size, checkedAt: this.now() })
    let requests = this.byEntry.get(entry.id)
    if (!requests) this.byEntry.set(entry.id, (requests = new Set()))
    requests.add(request)
    this.bytes += size
    for (const [oldest, kept] of this.byRequest) {
      if (this.byRequest.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break
      this.drop(oldest, kept)
    }
  }

  forget(ids: Iterable<number>) {
    for (const id of ids) {
      for (const request of this.byEntry.get(id) ?? []) this.drop(request, this.byRequest.get(request)!)
    }
  }

  get size(): number {
    return this.byRequest.size
  }

  /** Forgets everything (what the store holds may have changed unseen). */
  clear() {
    this.byRequest.clear()
    this.byEntry.clear()
    this.bytes = 0
  }

  close() {
    this.unsubscribe()
    this.clear()
  }

  private drop(request: string, kept: Kept) {
    this.byRequest.delete(request)
    this.bytes -= kept.size
    const requests = this.byEntry.get(kept.entry.id)
    requests?.delete(request)
    if (requests?.size === 0) this.byEntry.delete(kept.entry.id)
  }
}
