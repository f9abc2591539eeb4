import type { BudgetStore, Reservation } from '../types'
import { Reservations, budgetScope } from './reservations'

// Budget spend and reservations in this process's memory: the store of tests and the fallback while Redis
// is away. Every method runs without an await inside, so reserve's check-and-hold is atomic in-process.

export class MemoryBudgets implements BudgetStore {
  private readonly spentBy = new Map<string, number>()
  private readonly reservations: Reservations

  constructor(now: () => number = Date.now) {
    this.reservations = new Reservations(now)
  }

  async reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation> {
    const scope = budgetScope(key, period)
    const spent = this.spentBy.get(scope) ?? 0
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
    if (!(amount > 0)) return
    const scope = budgetScope(key, period)
    this.spentBy.set(scope, (this.spentBy.get(scope) ?? 0) + amount)
  }

  async spent(key: string, period: string): Promise<{ spent: number; reserved: number }> {
    const scope = budgetScope(key, period)
    return { spent: this.spentBy.get(scope) ?? 0, reserved: this.reservations.total(scope) }
  }

  async reset(key: string): Promise<void> {
    const prefix = budgetScope(key, '')
    for (const scope of [...this.spentBy.keys()]) if (scope.startsWith(prefix)) this.spentBy.delete(scope)
    this.reservations.dropAll(prefix)
  }
}
