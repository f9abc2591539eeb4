import type { Translate } from '../ui/connect'
import type { Budget } from './types'

// Figures as a key holder reads them: grouped integers, dollars with enough decimals that a cheap day is not
// "$0.00", dates in UTC (budgets and usage days are UTC days, DESIGN §1.5).

export const int = (n: number) => Math.round(n).toLocaleString('en-US')

export function usd(n: number): string {
  const abs = Math.abs(n)
  const digits = abs >= 1 || abs === 0 ? 2 : abs >= 0.01 ? 4 : 6
  // Trailing zeros dropped down to cents: $0.0123, $0.01, $2.50.
  return `$${n.toFixed(digits).replace(/(\.\d\d\d*?)0+$/, '$1')}`
}

export const tokens = (n: number, t: Translate) => t(`${int(n)} tokens`, `${int(n)} 个 token`)

/** A figure in the budget's unit. */
export const inUnit = (budget: Budget, n: number, t: Translate) => (budget.usd !== undefined ? usd(n) : tokens(n, t))

export function budgetText(budget: Budget, t: Translate): string {
  const amount = budget.usd !== undefined ? usd(budget.usd) : tokens(budget.tokens ?? 0, t)
  const per = {
    day: t('per day', '每天'),
    week: t('per week', '每周'),
    month: t('per month', '每月'),
    total: t('in total', '总计'),
  }[budget.per]
  return `${amount} ${per}`
}

/** `2026-02-01T00:00:00.000Z` → `2026-02-01 00:00 UTC`. */
export const utcTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
