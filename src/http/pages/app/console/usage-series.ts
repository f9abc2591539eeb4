import type { DayModelFigures } from '../../../../limits/usage-figures'

// A key's usage rows (GET /admin/keys/:name/usage: one row per UTC day and model, only days with traffic) as
// the chart wants them: every day of the window on the x axis, one zero-filled series per model, and the
// per-model totals of the table beside it. Pure, so it is unit-tested without a browser.

export type UsageDayRow = DayModelFigures

export interface UsageHistory {
  object: 'list'
  name: string
  /** The first UTC day of the window; `to` is the day after its last (excluded). */
  from: string
  to: string
  data: UsageDayRow[]
}

export type Metric = 'requests' | 'tokens' | 'cost' | 'saved'
export const METRICS: readonly Metric[] = ['requests', 'tokens', 'cost', 'saved']

const DAY_MS = 86_400_000
// A window is at most 366 days (the API's bound); the margin only stops a malformed answer from looping.
const MAX_DAYS = 400

/** A row's figure for a metric: tokens are what the model read and wrote (prompt + completion). */
export function metricValue(row: UsageDayRow, metric: Metric): number {
  const value =
    metric === 'requests' ? row.requests : metric === 'tokens' ? row.prompt_tokens + row.completion_tokens : metric === 'cost' ? row.cost_usd : row.saved_usd
  return Number.isFinite(value) ? value : 0
}

const utcMs = (day: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN
}

/** Every UTC day from `from` up to `to` (excluded), as YYYY-MM-DD. */
export function daysOf(from: string, to: string): string[] {
  const start = utcMs(from)
  const end = utcMs(to)
  if (!Number.isFinite(start) || !Number.isFinite(end)) return []
  const days: string[] = []
  for (let at = start; at < end && days.length < MAX_DAYS; at += DAY_MS) days.push(new Date(at).toISOString().slice(0, 10))
  return days
}

export interface ModelTotals {
  model: string
  requests: number
  hits: number
  tokens: number
  cost_usd: number
  saved_usd: number
}

/** Each model's totals over the rows, busiest (most requests) first, then by name: the chart's order too. */
export function totalsByModel(rows: readonly UsageDayRow[]): ModelTotals[] {
  const totals = new Map<string, ModelTotals>()
  for (const row of rows) {
    const sum = totals.get(row.model) ?? { model: row.model, requests: 0, hits: 0, tokens: 0, cost_usd: 0, saved_usd: 0 }
    sum.requests += metricValue(row, 'requests')
    sum.hits += Number.isFinite(row.hits) ? row.hits : 0
    sum.tokens += metricValue(row, 'tokens')
    sum.cost_usd += metricValue(row, 'cost')
    sum.saved_usd += metricValue(row, 'saved')
    totals.set(row.model, sum)
  }
  return [...totals.values()].sort((a, b) => b.requests - a.requests || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
}

export interface UsageSeries {
  days: string[]
  /** Each day's UTC midnight in seconds, uPlot's x values. */
  x: number[]
  /** In the order of totalsByModel. */
  models: string[]
  /** values[m][d]: model m's figure on day d, 0 on a day without rows. */
  values: number[][]
}

/** The rows of the window as one series per model over every day of it; rows outside the window are left out. */
export function seriesByModel(history: Pick<UsageHistory, 'from' | 'to' | 'data'>, metric: Metric): UsageSeries {
  const days = daysOf(history.from, history.to)
  const dayIndex = new Map(days.map((day, i) => [day, i]))
  const inWindow = history.data.filter((row) => dayIndex.has(row.date))
  const models = totalsByModel(inWindow).map((t) => t.model)
  const modelIndex = new Map(models.map((model, i) => [model, i]))
  const values = models.map(() => days.map(() => 0))
  for (const row of inWindow) values[modelIndex.get(row.model)!]![dayIndex.get(row.date)!]! += metricValue(row, metric)
  return { days, x: days.map((day) => utcMs(day) / 1000), models, values }
}

/** Running sums across the series (stacked[m][d] = values[0..m][d] summed): the tops of stacked bars. */
export function stacked(values: readonly number[][]): number[][] {
  const out: number[][] = []
  values.forEach((series, m) => out.push(series.map((v, d) => v + (m ? out[m - 1]![d]! : 0))))
  return out
}

/** The sum of a series set, every model and day. */
export const grandTotal = (values: readonly number[][]) => values.reduce((sum, series) => sum + series.reduce((a, b) => a + b, 0), 0)

/** A figure for people: whole counts grouped, dollars with cents (more digits below a dollar, never 1e-7). */
export function formatAmount(value: number, metric: Metric, locale: string): string {
  if (metric === 'requests' || metric === 'tokens') return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value)
  const digits = value === 0 || Math.abs(value) >= 1 ? 2 : Math.abs(value) >= 0.01 ? 4 : 6
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(value)
}
