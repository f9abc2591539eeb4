import { MemoryBudgets } from '../memory/budgets'
import { MemoryKeyHealth } from '../memory/key-health'
import { MemoryRateLimits } from '../memory/rate-limits'
import type {
  BudgetStore,
  KeptRefusal,
  KeyHealthStore,
  RateLimitResult,
  RateLimitStore,
  Reservation,
  StatsData,
  StatsDelta,
  StatsStore,
  UsageDelta,
  UsageStore,
} from '../types'
import { isConnectionError, type RedisConnection } from './connection'

// While Redis is away, limits and budget reservations fall back to this replica's own memory (DESIGN §1.6):
// a replica keeps refusing what it alone knows to be over the limit, on top of the last spend it knew, and
// goes back to the shared state as soon as Redis is. Tokens and reservation ids say which store made them.

/** Runs `shared` while Redis is reachable, `own` when it is not (or stops being during the call). */
export async function sharedOr<T>(redis: RedisConnection, shared: () => Promise<T>, own: () => Promise<T>): Promise<T> {
  if (!redis.available) return own()
  try {
    return await shared()
  } catch (error) {
    if (isConnectionError(error)) return own()
    throw error
  }
}

const OWN = 'own:'

export class FallbackRateLimits implements RateLimitStore {
  private readonly own = new MemoryRateLimits()

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: RateLimitStore
  ) {}

  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return sharedOr(this.redis, () => this.shared.hit(key, limit, windowMs), async () => mark(await this.own.hit(key, limit, windowMs)))
  }

  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return sharedOr(this.redis, () => this.shared.peek(key, limit, windowMs), () => this.own.peek(key, limit, windowMs))
  }

  async release(key: string, token: string): Promise<void> {
    if (token.startsWith(OWN)) return this.own.release(key, token.slice(OWN.length))
    await sharedOr(this.redis, () => this.shared.release(key, token), async () => {})
  }
}

const mark = (result: RateLimitResult): RateLimitResult => (result.token ? { ...result, token: OWN + result.token } : result)

export class FallbackBudgets implements BudgetStore {
  private readonly own = new MemoryBudgets()
  /** The last settled spend read from Redis per key and period: what the fallback starts from. */
  private readonly lastKnown = new Map<string, number>()
  /** Spend settled while Redis was away, still to be added to the shared spend. */
  private readonly owed: Owed<{ key: string; period: string; amount: number }>

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: BudgetStore
  ) {
    this.owed = new Owed(redis, (next) => shared.spend(next.key, next.period, next.amount))
  }

  async reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation> {
    await this.repay()
    return sharedOr(
      this.redis,
      async () => {
        const reservation = await this.shared.reserve(key, period, amount, limit, ttlMs)
        this.lastKnown.set(`${key}\u0000${period}`, reservation.spent)
        return reservation
      },
      async () => {
        // On top of what Redis last said was spent, and what this replica spent since.
        const known = this.lastKnown.get(`${key}\u0000${period}`) ?? 0
        const reservation = await this.own.reserve(key, period, amount, Math.max(0, limit - known), ttlMs)
        return { ...reservation, spent: reservation.spent + known, ...(reservation.id ? { id: OWN + reservation.id } : {}) }
      }
    )
  }

  async settle(key: string, period: string, id: string, actual: number): Promise<void> {
    if (id.startsWith(OWN)) {
      await this.own.settle(key, period, id.slice(OWN.length), actual)
      // Spent while Redis was away is added to the shared spend when it can be.
      await sharedOr(this.redis, () => this.shared.spend(key, period, actual), async () => this.owed.push({ key, period, amount: actual }))
      return
    }
    await sharedOr(this.redis, () => this.shared.settle(key, period, id, actual), async () => this.owed.push({ key, period, amount: actual }))
  }

  async release(key: string, period: string, id: string): Promise<void> {
    if (id.startsWith(OWN)) return this.own.release(key, period, id.slice(OWN.length))
    await sharedOr(this.redis, () => this.shared.release(key, period, id), async () => {})
  }

  async spend(key: string, period: string, amount: number): Promise<void> {
    await sharedOr(this.redis, () => this.shared.spend(key, period, amount), async () => this.owed.push({ key, period, amount }))
  }

  async spent(key: string, period: string): Promise<{ spent: number; reserved: number }> {
    await this.repay()
    return sharedOr(this.redis, () => this.shared.spent(key, period), async () => {
      const own = await this.own.spent(key, period)
      return { spent: own.spent + (this.lastKnown.get(`${key}\u0000${period}`) ?? 0), reserved: own.reserved }
    })
  }

  async reset(key: string): Promise<void> {
    await this.own.reset(key)
    for (const id of [...this.lastKnown.keys()]) if (id.startsWith(`${key}\u0000`)) this.lastKnown.delete(id)
    await this.shared.reset(key)
  }

  private repay() {
    return this.owed.repay()
  }
}

export class FallbackKeyHealth implements KeyHealthStore {
  private readonly own = new MemoryKeyHealth()

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: KeyHealthStore
  ) {}

  get(fingerprints: readonly string[]) {
    return sharedOr(this.redis, () => this.shared.get(fingerprints), () => this.own.get(fingerprints))
  }

  async coolDown(fingerprint: string, model: string, until: number, now: number) {
    await this.own.coolDown(fingerprint, model, until, now)
    await sharedOr(this.redis, () => this.shared.coolDown(fingerprint, model, until, now), async () => {})
  }

  async disable(fingerprint: string, reason: string, since: number, recheckAt: number, refusal?: KeptRefusal) {
    const mine = await this.own.disable(fingerprint, reason, since, recheckAt, refusal)
    return sharedOr(this.redis, () => this.shared.disable(fingerprint, reason, since, recheckAt, refusal), async () => mine)
  }

  async takeRefusal(fingerprint: string) {
    const mine = await this.own.takeRefusal(fingerprint)
    return sharedOr(this.redis, () => this.shared.takeRefusal(fingerprint), async () => mine)
  }

  async postpone(fingerprint: string, recheckAt: number) {
    await this.own.postpone(fingerprint, recheckAt)
    await sharedOr(this.redis, () => this.shared.postpone(fingerprint, recheckAt), async () => {})
  }

  async enable(fingerprint: string) {
    await this.own.enable(fingerprint)
    await sharedOr(this.redis, () => this.shared.enable(fingerprint), async () => {})
  }
}

/** Statistics: counts made while Redis is away stay with the recorder (add throws), which adds them later. */
export class FallbackStats implements StatsStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: StatsStore,
    private readonly now: () => number = Date.now
  ) {}

  add(delta: StatsDelta) {
    if (!this.redis.available) return Promise.reject(Object.assign(new Error('redis unreachable'), { code: 'ERR_REDIS_CONNECTION_CLOSED' }))
    return this.shared.add(delta)
  }

  read(fromBucket: number): Promise<StatsData> {
    return sharedOr(this.redis, () => this.shared.read(fromBucket), async () => ({ totals: new Map(), points: [], since: this.now() }))
  }

  prune(beforeBucket: number) {
    return sharedOr(this.redis, () => this.shared.prune(beforeBucket), async () => {})
  }

  close() {
    return this.shared.close()
  }
}

/** Usage counted while Redis is away is kept here and added when it is back. */
export class FallbackUsage implements UsageStore {
  private readonly owed: Owed<UsageDelta>

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: UsageStore
  ) {
    this.owed = new Owed(redis, (delta) => shared.add(delta))
  }

  async add(delta: UsageDelta) {
    this.owed.push(delta)
    await this.owed.repay()
  }

  async rows(key: string | undefined, fromDay: string, toDay: string) {
    await this.owed.repay()
    return sharedOr(this.redis, () => this.shared.rows(key, fromDay, toDay), async () => [])
  }

  async reset(key: string) {
    this.owed.drop((delta) => delta.key === key)
    await this.shared.reset(key)
  }
}

/**
 * Writes owed to Redis, applied in order, each exactly once. One repayment runs at a time: two running
 * together would both apply the first write before either took it off the queue.
 */
class Owed<T> {
  private readonly queue: T[] = []
  private running: Promise<void> = Promise.resolve()

  constructor(
    private readonly redis: RedisConnection,
    private readonly apply: (item: T) => Promise<unknown>
  ) {}

  push(item: T) {
    this.queue.push(item)
  }

  drop(which: (item: T) => boolean) {
    for (let i = this.queue.length - 1; i >= 0; i--) if (which(this.queue[i]!)) this.queue.splice(i, 1)
  }

  /** Resolves once what was owed when it was called is written, or Redis failed meanwhile (kept for later). */
  repay(): Promise<void> {
    const run = this.running.then(() => this.drain())
    this.running = run
    return run
  }

  private async drain() {
    while (this.queue.length > 0 && this.redis.available) {
      try {
        await this.apply(this.queue[0]!)
        this.queue.shift()
      } catch {
        return
      }
    }
  }
}
