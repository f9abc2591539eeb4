// Budget reservations of requests still running, in this process's memory. They expire by themselves: a
// request that never settles (a bug, a lost promise) cannot hold a budget forever, and a process that dies
// takes its reservations with it.

export class Reservations {
  private readonly held = new Map<string, Map<string, { amount: number; expires: number }>>()
  private sequence = 0

  constructor(private readonly now: () => number = Date.now) {}

  /** What requests of `scope` still hold (expired reservations are dropped on the way). */
  total(scope: string): number {
    const held = this.held.get(scope)
    if (!held) return 0
    const now = this.now()
    let total = 0
    for (const [id, reservation] of held) {
      if (reservation.expires <= now) held.delete(id)
      else total += reservation.amount
    }
    if (held.size === 0) this.held.delete(scope)
    return total
  }

  hold(scope: string, amount: number, ttlMs: number): string {
    const id = `r${++this.sequence}`
    let held = this.held.get(scope)
    if (!held) this.held.set(scope, (held = new Map()))
    held.set(id, { amount, expires: this.now() + ttlMs })
    return id
  }

  drop(scope: string, id: string) {
    const held = this.held.get(scope)
    held?.delete(id)
    if (held?.size === 0) this.held.delete(scope)
  }

  dropAll(prefix: string) {
    for (const scope of [...this.held.keys()]) if (scope.startsWith(prefix)) this.held.delete(scope)
  }
}

/** The scope of a key's budget period; NUL cannot occur in a key name. */
export const budgetScope = (key: string, period: string) => `${key}\u0000${period}`
