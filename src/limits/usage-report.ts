import type { BudgetSetting } from '../config/key-settings'
import type { BudgetStore, UsageRow, UsageStore } from '../state/types'
import { dayOf, periodOf } from './periods'

// What a key has used and may still use, for the key itself (GET /v1/usage, the legacy billing
// endpoints) and for the operator (the admin API).

export interface UsageFigures {
  requests: number
  hits: number
  /** Every input token, the provider-cached ones included (DESIGN §1.9). */
  prompt_tokens: number
  completion_tokens: number
  /** Of prompt_tokens: read from the provider's prompt cache (billed lower). */
  cached_tokens: number
  /** Of prompt_tokens: written to the provider's prompt cache (Anthropic bills them higher). */
  cache_write_tokens: number
  /** Of completion_tokens: reasoning. */
  reasoning_tokens: number
  cost_usd: number
  saved_usd: number
}

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

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

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

  /** Usage between two UTC days, `to` excluded. */
  rows(account: string | undefined, from: string, to: string): Promise<UsageRow[]> {
    return this.usage.rows(account, from, to)
  }

  /** The operator's view of a key: its budget period, today, this month and all time. */
  async summary(account: string, budget: BudgetSetting | undefined) {
    const day = dayOf(this.now())
    const month = `${day.slice(0, 7)}-01`
    const all = await this.usage.rows(account, '0000-01-01', '9999-12-31')
    return {
      ...(await this.budget(account, budget)),
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
