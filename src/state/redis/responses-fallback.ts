import type { ExpiringEntry } from '../memory/expiring'
import { MemoryKeptResponses, MemoryResponseOrigins } from '../memory/responses'
import type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from '../types'
import type { RedisConnection } from './connection'
import { sharedOr } from './fallback'

// The Responses ids while Redis is away (DESIGN §1.6: requests are still served). What this replica learns
// meanwhile (the ids it sees made, the responses it translates) goes to its own memory, so its own
// follow-ups still find them; ids made before the outage are unknown to it until Redis is back (a follow-up
// then goes to whichever key the pool picks, as it would without affinity). Once Redis answers again, the
// next call first hands Redis what was learnt (with the lifetime it has left) and what was deleted
// meanwhile, so the other replicas know it too and a deleted response does not come back from Redis.

/** Bounds of the replica's own memory during an outage: the least recently written go first beyond them. */
const OWN_ORIGINS = 100_000
// Kept responses carry whole conversations: fewer of them.
const OWN_KEPT = 1_000

interface Interim<V> {
  /** Entries in the own memory (some may have expired): 0 when nothing is owed but deletions. */
  size(): number
  live(): ExpiringEntry<V>[]
  dropOwn(id: string): Promise<unknown>
  write(id: string, value: V, ttlMs: number): Promise<unknown>
  remove(id: string): Promise<unknown>
}

/**
 * What is owed to Redis: the own memory's live entries, and the ids deleted while it was away. One
 * repayment runs at a time and every call waits for it, so a write made after the outage is never
 * overwritten by an older one from it.
 */
class Owed<V> {
  private readonly deleted = new Set<string>()
  private running: Promise<void> = Promise.resolve()
  private draining = false

  constructor(
    private readonly redis: RedisConnection,
    private readonly interim: Interim<V>,
    private readonly now: () => number
  ) {}

  wasDeleted(id: string): boolean {
    return this.deleted.has(id)
  }

  markDeleted(id: string) {
    this.deleted.add(id)
  }

  /** A new write of `id` wins over a deletion made before it. */
  undelete(id: string) {
    this.deleted.delete(id)
  }

  repay(): Promise<void> {
    if (!this.redis.available || (!this.draining && this.deleted.size === 0 && this.interim.size() === 0)) return this.running
    this.running = this.running.then(() => this.drain())
    return this.running
  }

  private async drain() {
    this.draining = true
    try {
      for (const id of [...this.deleted]) {
        await this.interim.remove(id)
        this.deleted.delete(id)
      }
      for (const entry of this.interim.live()) {
        const left = entry.expiresAt - this.now()
        if (left > 0) await this.interim.write(entry.id, entry.value, left)
        await this.interim.dropOwn(entry.id)
      }
    } catch {
      // Redis failed again (or refused a write): the rest stays owed, tried again on the next call.
    } finally {
      this.draining = false
    }
  }
}

export class FallbackResponseOrigins implements ResponseOriginStore {
  private readonly own: MemoryResponseOrigins
  private readonly owed: Owed<IdOrigin>

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: ResponseOriginStore,
    now: () => number = Date.now
  ) {
    this.own = new MemoryResponseOrigins({ now, maxEntries: OWN_ORIGINS })
    this.owed = new Owed(
      redis,
      {
        size: () => this.own.size,
        live: () => this.own.live(),
        dropOwn: (id) => this.own.forget(id),
        write: (id, origin, ttlMs) => shared.remember(id, origin, ttlMs),
        remove: (id) => shared.forget(id),
      },
      now
    )
  }

  async remember(id: string, origin: IdOrigin, ttlMs: number): Promise<void> {
    await this.owed.repay()
    this.owed.undelete(id)
    await sharedOr(
      this.redis,
      async () => {
        await this.shared.remember(id, origin, ttlMs)
        await this.own.forget(id)
      },
      () => this.own.remember(id, origin, ttlMs)
    )
  }

  async originOf(id: string): Promise<IdOrigin | undefined> {
    await this.owed.repay()
    if (this.owed.wasDeleted(id)) return undefined
    return sharedOr(this.redis, async () => (await this.shared.originOf(id)) ?? this.own.originOf(id), () => this.own.originOf(id))
  }

  async forget(id: string): Promise<void> {
    await this.owed.repay()
    await this.own.forget(id)
    await sharedOr(this.redis, () => this.shared.forget(id), async () => this.owed.markDeleted(id))
  }

  close(): Promise<void> {
    return this.shared.close()
  }
}

export class FallbackKeptResponses implements KeptResponseStore {
  private readonly own: MemoryKeptResponses
  private readonly owed: Owed<KeptResponse>

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: KeptResponseStore,
    now: () => number = Date.now
  ) {
    this.own = new MemoryKeptResponses({ now, maxEntries: OWN_KEPT })
    this.owed = new Owed(
      redis,
      {
        size: () => this.own.size,
        live: () => this.own.live(),
        dropOwn: (id) => this.own.delete(id),
        write: (_id, kept, ttlMs) => shared.put(kept, ttlMs),
        remove: (id) => shared.delete(id),
      },
      now
    )
  }

  async put(kept: KeptResponse, ttlMs: number): Promise<void> {
    await this.owed.repay()
    this.owed.undelete(kept.id)
    await sharedOr(
      this.redis,
      async () => {
        await this.shared.put(kept, ttlMs)
        await this.own.delete(kept.id)
      },
      () => this.own.put(kept, ttlMs)
    )
  }

  async get(id: string): Promise<KeptResponse | undefined> {
    await this.owed.repay()
    if (this.owed.wasDeleted(id)) return undefined
    return sharedOr(this.redis, async () => (await this.shared.get(id)) ?? this.own.get(id), () => this.own.get(id))
  }

  /**
   * While Redis is away a response kept there before cannot be seen: the answer is what this replica knew,
   * and the deletion is still carried out in Redis once it is back (a client that deleted a conversation
   * must not find it again later).
   */
  async delete(id: string): Promise<boolean> {
    await this.owed.repay()
    const mine = await this.own.delete(id)
    return sharedOr(
      this.redis,
      async () => (await this.shared.delete(id)) || mine,
      async () => (this.owed.markDeleted(id), mine)
    )
  }

  close(): Promise<void> {
    return this.shared.close()
  }
}
