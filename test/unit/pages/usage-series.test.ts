import { describe, expect, test } from 'bun:test'
import { daysOf, formatAmount, grandTotal, metricValue, seriesByModel, stacked, totalsByModel, type UsageDayRow } from '../../../src/http/pages/app/console/usage-series'

// The console's usage chart (issue 24): the usage API lists only days with traffic, one row per day and model;
// the chart needs every day of the window, zero-filled, one series per model, in the table's order.

const row = (date: string, model: string, figures: Partial<UsageDayRow> = {}): UsageDayRow => ({
  date,
  model,
  requests: 0,
  hits: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  cached_tokens: 0,
  cache_write_tokens: 0,
  reasoning_tokens: 0,
  cost_usd: 0,
  saved_usd: 0,
  ...figures,
})

describe('daysOf', () => {
  test('every UTC day from `from` to `to`, `to` excluded, across a month and a leap day', () => {
    expect(daysOf('2028-02-27', '2028-03-02')).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01'])
    expect(daysOf('2025-12-31', '2026-01-01')).toEqual(['2025-12-31'])
  })

  test('a 30-day window has 30 days; an empty or malformed one none', () => {
    expect(daysOf('2026-04-02', '2026-05-02')).toHaveLength(30)
    expect(daysOf('2026-05-02', '2026-05-02')).toEqual([])
    expect(daysOf('yesterday', '2026-05-02')).toEqual([])
  })
})

describe('metricValue', () => {
  const r = row('2026-05-01', 'm', { requests: 3, prompt_tokens: 10, completion_tokens: 5, cached_tokens: 4, cost_usd: 0.25, saved_usd: 0.5 })
  test('requests, tokens as prompt + completion (cached ones are part of the prompt), cost and saved in USD', () => {
    expect([metricValue(r, 'requests'), metricValue(r, 'tokens'), metricValue(r, 'cost'), metricValue(r, 'saved')]).toEqual([3, 15, 0.25, 0.5])
  })
  test('a figure that is not a number counts as 0', () => {
    expect(metricValue(row('2026-05-01', 'm', { cost_usd: null as unknown as number }), 'cost')).toBe(0)
  })
})

describe('seriesByModel', () => {
  const history = {
    from: '2026-04-28',
    to: '2026-05-02',
    data: [
      row('2026-04-28', 'gpt-4o', { requests: 1, prompt_tokens: 10, completion_tokens: 2 }),
      row('2026-04-30', 'gpt-4o-mini', { requests: 2, prompt_tokens: 20, completion_tokens: 4 }),
      row('2026-05-01', 'gpt-4o-mini', { requests: 3, prompt_tokens: 30, completion_tokens: 6 }),
      row('2026-05-01', 'gpt-4o', { requests: 1, prompt_tokens: 10, completion_tokens: 2 }),
      // Outside the window (a clock that moved on between the query and the answer): left out.
      row('2026-05-02', 'claude', { requests: 9 }),
    ],
  }

  test('every day on the x axis (UTC midnight, seconds), a zero-filled series per model, busiest model first', () => {
    const series = seriesByModel(history, 'requests')
    expect(series.days).toEqual(['2026-04-28', '2026-04-29', '2026-04-30', '2026-05-01'])
    expect(series.x).toEqual(series.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000))
    expect(series.models).toEqual(['gpt-4o-mini', 'gpt-4o'])
    expect(series.values).toEqual([
      [0, 0, 2, 3],
      [1, 0, 0, 1],
    ])
  })

  test('the metric chooses the figure', () => {
    expect(seriesByModel(history, 'tokens').values).toEqual([
      [0, 0, 24, 36],
      [12, 0, 0, 12],
    ])
  })

  test('no rows: every day, no series', () => {
    const series = seriesByModel({ ...history, data: [] }, 'requests')
    expect(series.days).toHaveLength(4)
    expect(series.models).toEqual([])
    expect(series.values).toEqual([])
  })
})

describe('totalsByModel', () => {
  test('sums per model, most requests first, ties by name', () => {
    const totals = totalsByModel([
      row('2026-05-01', 'b', { requests: 1, hits: 1, prompt_tokens: 5, completion_tokens: 1, cost_usd: 0.1, saved_usd: 0.1 }),
      row('2026-05-01', 'a', { requests: 1 }),
      row('2026-05-02', 'b', { requests: 1, prompt_tokens: 5, completion_tokens: 1, cost_usd: 0.2 }),
      row('2026-05-02', 'c', { requests: 5 }),
    ])
    expect(totals.map((t) => t.model)).toEqual(['c', 'b', 'a'])
    expect(totals[1]).toEqual({ model: 'b', requests: 2, hits: 1, tokens: 12, cost_usd: expect.closeTo(0.3, 10), saved_usd: 0.1 })
  })
})

describe('stacked and grandTotal', () => {
  test('each series sits on the ones before it; the total is of the values, not of the stack', () => {
    const values = [
      [1, 0, 2],
      [3, 1, 0],
      [0, 2, 1],
    ]
    expect(stacked(values)).toEqual([
      [1, 0, 2],
      [4, 1, 2],
      [4, 3, 3],
    ])
    expect(grandTotal(values)).toBe(10)
    expect(stacked([])).toEqual([])
  })
})

describe('formatAmount', () => {
  test('counts grouped in the reader’s locale, dollars with cents and more digits below a dollar', () => {
    expect(formatAmount(12345, 'tokens', 'en-US')).toBe('12,345')
    expect(formatAmount(3, 'requests', 'zh-CN')).toBe('3')
    expect(formatAmount(0, 'cost', 'en-US')).toBe('$0.00')
    expect(formatAmount(12.5, 'cost', 'en-US')).toBe('$12.50')
    expect(formatAmount(0.0123, 'saved', 'en-US')).toBe('$0.0123')
    expect(formatAmount(0.0000034, 'cost', 'en-US')).toBe('$0.000003')
  })
})
