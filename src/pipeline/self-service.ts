import type { ClientKey } from '../auth/client-key'
import { badRequest } from '../errors'
import type { Gatekeeper } from '../limits/gatekeeper'
import type { UsageReports } from '../limits/usage-report'
import { sumRows } from '../limits/usage-report'

// What a key may ask about itself: GET /v1/usage, and the legacy billing endpoints that chat clients
// (NextChat, ChatBox, …) call to show a balance, in OpenAI's old shapes.

export const SELF_SERVICE_PATHS = ['/usage', '/dashboard/billing/subscription', '/dashboard/billing/usage'] as const

/** What `hard_limit_usd` says of a key without a dollar budget (one-api's convention for "no limit"). */
const NO_LIMIT_USD = 100_000_000

export async function selfService(path: string, key: ClientKey, reports: UsageReports, gatekeeper: Gatekeeper): Promise<Response> {
  const [pathname, query = ''] = path.split('?') as [string, string?]
  if (pathname === '/usage') {
    const window = await gatekeeper.peek(key)
    return Response.json({
      object: 'usage',
      key: key.name ?? null,
      ...(await reports.budget(key.account, key.budget)),
      today: await reports.today(key.account),
      last_30_days: await reports.lastDays(key.account, 30),
      rate_limit: window ? { limit: window.limit, remaining: window.remaining, per: 'minute' } : null,
      metered: key.metered,
    })
  }
  if (pathname === '/dashboard/billing/subscription') {
    const budget = await reports.budget(key.account, key.budget)
    const hard = key.budget?.usd ?? NO_LIMIT_USD
    return Response.json({
      object: 'billing_subscription',
      has_payment_method: true,
      soft_limit_usd: hard,
      hard_limit_usd: hard,
      system_hard_limit_usd: hard,
      access_until: budget.period?.renews_at ? Math.floor(Date.parse(budget.period.renews_at) / 1000) : 0,
    })
  }
  const params = new URLSearchParams(query)
  const today = new Date().toISOString().slice(0, 10)
  const from = day(params.get('start_date') ?? `${today.slice(0, 7)}-01`, 'start_date')
  const to = day(params.get('end_date') ?? new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), 'end_date')
  const rows = await reports.rows(key.account, from, to)
  const byDay = new Map<string, Array<{ name: string; cost: number }>>()
  for (const row of rows) {
    const items = byDay.get(row.day) ?? []
    items.push({ name: row.model, cost: Math.round(row.costUsd * 100 * 1e6) / 1e6 })
    byDay.set(row.day, items)
  }
  return Response.json({
    object: 'list',
    // Cents, as the old endpoint gave them.
    total_usage: Math.round(sumRows(rows).cost_usd * 100 * 1e6) / 1e6,
    daily_costs: [...byDay].map(([d, line_items]) => ({ timestamp: Date.parse(`${d}T00:00:00Z`) / 1000, line_items })),
  })
}

function day(value: string, param: string): string {
  const ms = Date.parse(`${value}T00:00:00Z`)
  // Date.parse rolls 2025-02-30 over to March: the day must come back as written.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw badRequest(`'${param}' must be a date like 2026-12-01.`, param)
  }
  return value
}
