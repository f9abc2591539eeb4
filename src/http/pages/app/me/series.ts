import type { DayFigures } from './types'

// The last 30 days as the chart plots them: /v1/usage lists only the days with use; the chart needs every day
// of the window.

const DAY = 86_400

/** One point per UTC day from `from` up to `to` (excluded), in seconds, with that day's figures or zeros. */
export function dailySeries(from: string, to: string, days: DayFigures[]): [number[], number[], number[]] {
  const byDate = new Map(days.map((d) => [d.date, d]))
  const xs: number[] = []
  const requests: number[] = []
  const cost: number[] = []
  for (let s = Date.parse(`${from}T00:00:00Z`) / 1000; s < Date.parse(`${to}T00:00:00Z`) / 1000; s += DAY) {
    const day = byDate.get(new Date(s * 1000).toISOString().slice(0, 10))
    xs.push(s)
    requests.push(day?.requests ?? 0)
    cost.push(day?.cost_usd ?? 0)
  }
  return [xs, requests, cost]
}
