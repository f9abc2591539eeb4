import type { Database } from 'bun:sqlite'
import { Reservations, budgetScope } from '../memory/reservations'
import type { BudgetStore, Reservation } from '../types'

// Settled spend in keys.sqlite, reservations in memory. One process owns the file, and bun:sqlite answers
// synchronously, so reserve's read-check-hold runs without an await: atomic among this process's requests.
// After a crash or restart no reservation is left: they lived in the process that died.

export class SqliteBudgets implements BudgetStore {
  private readonly reservations: Reservations
  private readonly statements

  constructor(db: Database, now: () => number = Date.now) {
    this.reservations = new Reservations(now)
    this.statements = {
      spent: db.query<{ spent: number }, [string, string]>('SELECT spent FROM spend WHERE key = ? AND period = ?'),
      add: db.query('INSERT INTO spend (key, period, spent) VALUES (?, ?, ?) ON CONFLICT (key, period) DO UPDATE SET spent = spent + excluded.spent'),
      reset: db.query('DELETE FROM spend WHERE key = ?'),
    }
  }

  async reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation> {
    const scope = budgetScope(key, period)
    const spent = this.read(key, period)
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
    if (amount > 0) this.statements.add.run(key, period, amount)
  }

  async spent(key: string, period: string): Promise<{ spent: number; reserved: number }> {
    return { spent: this.read(key, period), reserved: this.reservations.total(budgetScope(key, period)) }
  }

  async reset(key: string): Promise<void> {
    this.statements.reset.run(key)
    this.reservations.dropAll(budgetScope(key, ''))
  }

  private read(key: string, period: string): number {
    return this.statements.spent.get(key, period)?.spent ?? 0
  }
}
