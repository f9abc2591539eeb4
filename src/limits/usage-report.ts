import type { BudgetSetting } from '../config/key-settings'
import type { BudgetStore, UsageRow, UsageStore } from '../state/types'
import { dayOf, periodOf } from './periods'
import type { DayFigures, DayModelFigures, UsageFigures } from './usage-figures'

export type { DayFigures, DayModelFigures, UsageFigures } from './usage-figures'

// What a key has used and may still use, for the key itself (GET /v1/usage, the legacy billing
// endpoints) and for the operator (the admin API).

export interface BudgetReport {
  budget: BudgetSetting | null
  period: { id: string; start: string; renews_at: string | null } | null
  /** In the budget's unit (USD or tokens); with no budget, USD spent this month. */
  spent: number
  reserved: number
  remaining: number | null
}

const round = (n: number) => Math.round(n * 1e6) / 1e6

export function sumRows(rows: readonly UsageRow[]): UsageFigures {
  const out: UsageFigures = { requests: 0, hits: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0, saved_usd: 0 }
  for (const row of rows) {
    out.requests += row.requests
    out.hits += row.hits
    out.prompt_tokens += row.promptTokens
    out.completion_tokens += row.completionTokens
    out.cached_tokens += row.cachedTokens
    out.cache_write_tokens += row.cacheWriteTokens
    out.reasoning_tokens += row.reasoningTokens
    out.cost_usd += row.costUsd
    out.saved_usd += row.savedUsd
  }
  out.cost_usd = round(out.cost_usd)
  out.saved_usd = round(out.saved_usd)
  return out
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const nextDay = (day: string) => addDays(day, 1)


export class UsageReports {
  constructor(
    private readonly usage: UsageStore,
    private readonly budgets: BudgetStore,
    private readonly now: () => number = Date.now
  ) {}

  async budget(account: string, budget: BudgetSetting | undefined): Promise<BudgetReport> {
    if (!budget) return { budget: null, period: null, spent: 0, reserved: 0, remaining: null }
    const period = periodOf(budget.per, this.now())
    const { spent, reserved } = await this.budgets.spent(account, period.id)
    const limit = budget.usd ?? budget.tokens!
    return {
      budget,
      period: { id: period.id, start: new Date(period.start).toISOString(), renews_at: period.renewsAt === undefined ? null : new Date(period.renewsAt).toISOString() },
      spent: round(spent),
      reserved: round(reserved),
      remaining: round(Math.max(0, limit - spent)),
    }
  }

  async today(account: string): Promise<UsageFigures & { date: string }> {
    const day = dayOf(this.now())
    return { date: day, ...sumRows(await this.usage.rows(account, day, nextDay(day))) }
  }

  /** The last `days` UTC days, today included: `from` and `to` (excluded), totals and one row per day with use. */
  async lastDays(account: string, days: number): Promise<UsageFigures & { from: string; to: string; days: DayFigures[] }> {
    const { from, to, rows } = await this.window(account, days)
    const byDay = new Map<string, UsageRow[]>()
    for (const row of rows) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row])
    const perDay = [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([date, dayRows]) => ({ date, ...sumRows(dayRows) }))
    return { from, to, ...sumRows(rows), days: perDay }
  }

  /** The last `days` UTC days by day and model, oldest first (days without use left out). */
  async byDayAndModel(account: string, days: number): Promise<{ from: string; to: string; data: DayModelFigures[] }> {
    const { from, to, rows } = await this.window(account, days)
    const data = rows
      .map((row) => ({ date: row.day, model: row.model, ...sumRows([row]) }))
      .sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model))
    return { from, to, data }
  }

  private async window(account: string, days: number) {
    const to = nextDay(dayOf(this.now()))
    const from = addDays(to, -days)
    return { from, to, rows: await this.usage.rows(account, from, to) }
  }

  /** Usage between two UTC days, `to` excluded. */
  rows(account: string | undefined, from: string, to: string): Promise<UsageRow[]> {
    return this.usage.rows(account, from, to)
  }

  /** The operator's view of a key: its budget period, today, this month and all time. */
  async summary(account: string, budget: BudgetSetting | undefined) {
    const day = dayOf(this.now())
    const month = `${day.slice(0, 7)}-01`
    const all = await this.usage.rows(account, '0000-01-01', '9999-12-31')
    const used = all.filter((r) => r.requests > 0).map((r) => r.day)
    return {
      ...(await this.budget(account, budget)),
      /** The last UTC day with a request (usage is kept per day), or null. */
      last_used: used.length ? used.reduce((a, b) => (a > b ? a : b)) : null,
      today: sumRows(all.filter((r) => r.day === day)),
      this_month: sumRows(all.filter((r) => r.day >= month)),
      all_time: sumRows(all),
    }
  }

  async reset(account: string) {
    await this.usage.reset(account)
    await this.budgets.reset(account)
  }
}
