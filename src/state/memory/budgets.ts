import { budgetScope } from './reservations'
import { LocalBudgets, type SpendLedger } from './local-budgets'

// Budget spend and reservations in this process's memory: the store of tests and the fallback while Redis
// is away.

export class MemoryBudgets extends LocalBudgets {
  constructor(now: () => number = Date.now) {
    super(memoryLedger(), now)
  }
}

function memoryLedger(): SpendLedger {
  const spentBy = new Map<string, number>()
  return {
    read: (key, period) => spentBy.get(budgetScope(key, period)) ?? 0,
    add: (key, period, amount) => {
      const scope = budgetScope(key, period)
      spentBy.set(scope, (spentBy.get(scope) ?? 0) + amount)
    },
    reset: (key) => {
      const prefix = budgetScope(key, '')
      for (const scope of [...spentBy.keys()]) if (scope.startsWith(prefix)) spentBy.delete(scope)
    },
  }
}
