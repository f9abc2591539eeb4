import type { BudgetPeriod } from '../config/key-settings'

// Budget periods are UTC calendar periods: a day from midnight, a week from Monday midnight, a month from
// the 1st; `total` never renews. Each has an id under which its spend is kept (`month:2026-12`).

export interface Period {
  id: string
  start: number
  /** When the next period starts; undefined for `total`. */
  renewsAt?: number
}

const DAY_MS = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function periodOf(per: BudgetPeriod, now: number): Period {
  const date = new Date(now)
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
  switch (per) {
    case 'day':
      return { id: `day:${iso(midnight)}`, start: midnight, renewsAt: midnight + DAY_MS }
    case 'week': {
      const monday = midnight - ((date.getUTCDay() + 6) % 7) * DAY_MS
      return { id: `week:${iso(monday)}`, start: monday, renewsAt: monday + 7 * DAY_MS }
    }
    case 'month': {
      const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
      return { id: `month:${iso(start).slice(0, 7)}`, start, renewsAt: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) }
    }
    case 'total':
      return { id: 'total', start: 0 }
  }
}

/** The UTC day of a moment, as usage rows name it. */
export const dayOf = (now: number) => iso(now)
