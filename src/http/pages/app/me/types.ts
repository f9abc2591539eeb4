import type { UsageFigures } from '../../../../limits/usage-figures'

// What /me reads: `GET /v1/usage` and `GET /v1/models` for the pasted key (DESIGN §1.3). The server's types
// where they exist (type-only imports, erased from the page's bundle).

export type Figures = UsageFigures

export type DayFigures = Figures & { date: string }

export interface Budget {
  usd?: number
  tokens?: number
  per: 'day' | 'week' | 'month' | 'total'
}

export interface Usage {
  key: string | null
  budget: Budget | null
  period: { id: string; start: string; renews_at: string | null } | null
  /** In the budget's unit (USD or tokens). */
  spent: number
  reserved: number
  remaining: number | null
  today: DayFigures
  last_30_days: Figures & { from: string; to: string; days: DayFigures[] }
  rate_limit: { limit: number; remaining: number; per: 'minute' } | null
  metered: boolean
}

/** The models the key may use; why it may not ask (a key without the `models` allow group); or what failed. */
export type Models = { ids: string[] } | { refused: string } | { failed: string }
