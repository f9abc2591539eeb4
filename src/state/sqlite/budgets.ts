import type { Database } from 'bun:sqlite'
import { LocalBudgets, type SpendLedger } from '../memory/local-budgets'

// Settled spend in keys.sqlite, reservations in memory. One process owns the file, and bun:sqlite answers
// synchronously, so reserve's read-check-hold runs without an await: atomic among this process's requests.
// After a crash or restart no reservation is left: they lived in the process that died.

export class SqliteBudgets extends LocalBudgets {
  constructor(db: Database, now: () => number = Date.now) {
    super(sqliteLedger(db), now)
  }
}

function sqliteLedger(db: Database): SpendLedger {
  const spent = db.query<{ spent: number }, [string, string]>('SELECT spent FROM spend WHERE key = ? AND period = ?')
  const add = db.query('INSERT INTO spend (key, period, spent) VALUES (?, ?, ?) ON CONFLICT (key, period) DO UPDATE SET spent = spent + excluded.spent')
  const reset = db.query('DELETE FROM spend WHERE key = ?')
  return {
    read: (key, period) => spent.get(key, period)?.spent ?? 0,
    add: (key, period, amount) => void add.run(key, period, amount),
    reset: (key) => void reset.run(key),
  }
}
