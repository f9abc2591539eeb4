import type { BudgetStore, Reservation } from '../types'
import { Reservations, budgetScope } from './reservations'

// A budget store for one process: settled spend in a ledger that answers without an await (a Map, or
// keys.sqlite through bun:sqlite, which is synchronous), reservations of running requests in this process's
// memory. Nothing between reading the spend and holding the reservation awaits, so reserve's check-and-hold
// is atomic among this process's requests.

/** Settled spend per key and budget period. */
export interface SpendLedger {
  read(key: string, period: string): number
  /** `amount` is always positive. */
  add(key: string, period: string, amount: number): void
  /** Every period of the key. */
  reset(key: string): void
}

export class LocalBudgets implements BudgetStore {
  private readonly reservations: Reservations

  constructor(
    private readonly ledger: SpendLedger,
    now: () => number = Date.now
  ) {
    this.reservations = new Reservations(now)
  }

  async reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation> {
    const scope = budgetScope(key, period)
    const spent = this.ledger.read(key, period)
    const reserved = this.reservations.total(scope)
    if (spent + reserved + amount > limit) return { ok: false, spent, reserved }
    return { ok: true, spent, reserved: reserved + amount, id: this.reservations.hold(scope, amount, ttlMs) }
  }

  async settle(key: string, period: string, id: string, actual: number): Promise<void> {
    this.reservations.drop(budgetScope(key, period), id)
    await this.spend(key, period, actual)
  }

  async release(key: string, period: string, id: string): Promise<void> {
    this.reservations.drop(budgetScope(key, period), id)
  }

  async spend(key: string, period: string, amount: number): Promise<void> {
    if (amount > 0) this.ledger.add(key, period, amount)
  }

  async spent(key: string, period: string): Promise<{ spent: number; reserved: number }> {
    return { spent: this.ledger.read(key, period), reserved: this.reservations.total(budgetScope(key, period)) }
  }

  async reset(key: string): Promise<void> {
    this.ledger.reset(key)
    this.reservations.dropAll(budgetScope(key, ''))
  }
}
