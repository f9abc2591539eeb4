import { describe, expect, test } from 'bun:test'
import { budgetLine, figuresText, limitsOf, usd, utcTime } from '../../../src/http/pages/app/console/key-format'
import type { KeyUsageView, KeyView } from '../../../src/http/pages/app/console/key-settings'

// What the console's key list says of a key: money at the precision a cent's fraction needs, its limits in
// one line (defaults not mentioned), its budget as spent of limit with what is left and when it renews.

const en = (english: string, _zh: string) => english
const zh = (_english: string, chinese: string) => chinese
const none = { requests: 0, hits: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, saved_usd: 0 }
const usage = (changes: Partial<KeyUsageView>): KeyUsageView => ({
  budget: null,
  period: null,
  spent: 0,
  reserved: 0,
  remaining: null,
  last_used: null,
  today: none,
  this_month: none,
  ...changes,
})

describe('usd', () => {
  test.each<[number, string]>([
    [0, '$0'],
    [5, '$5.00'],
    [12.345, '$12.35'],
    [0.25, '$0.25'],
    [0.0123, '$0.0123'],
    [0.000123456, '$0.00012'],
    [0.0000042, '$0.0000042'],
  ])('%d → %s', (n, text) => {
    expect(usd(n)).toBe(text)
  })
})

describe('utcTime', () => {
  test.each([
    ['2027-01-01T00:00:00.000Z', '2027-01-01'],
    ['2027-01-01T12:30:00.000Z', '2027-01-01 12:30 UTC'],
    ['2027-01-01', '2027-01-01'],
  ])('%s → %s', (iso, text) => {
    expect(utcTime(iso)).toBe(text)
  })
})

describe('budgetLine', () => {
  test('no budget: nothing to draw', () => {
    expect(budgetLine(usage({}), en)).toBeNull()
  })

  test('USD per month: spent of limit, left, reserved when there is some, the renewal', () => {
    const line = budgetLine(
      usage({ budget: { usd: 5, per: 'month' }, period: { id: 'month:2026-03', start: '2026-03-01T00:00:00.000Z', renews_at: '2026-04-01T00:00:00.000Z' }, spent: 1.25, reserved: 0.01, remaining: 3.75 }),
      en
    )
    expect(line).toEqual({ text: '$1.25 of $5.00 per month', share: 0.25, detail: '$3.75 left · $0.01 reserved · renews 2026-04-01' })
  })

  test('tokens in total, in 中文: never renews; an overspent key’s bar is full, not past full', () => {
    const line = budgetLine(usage({ budget: { tokens: 1000, per: 'total' }, period: { id: 'total', start: '1970-01-01T00:00:00.000Z', renews_at: null }, spent: 1200, remaining: 0 }), zh)
    expect(line).toEqual({ text: '已用 1,200 token / 1,000 token（总计）', share: 1, detail: '剩余 0 token · 不会重置' })
  })
})

describe('limitsOf', () => {
  const key = (changes: Partial<KeyView>): KeyView => ({ name: 'family', source: 'admin', read_only: false, usage: usage({}), ...changes })

  test('a key with nothing set: nothing to say (the proxy defaults apply)', () => {
    expect(limitsOf(key({}), en)).toEqual([])
  })

  test('every setting, in order; private cache is not worth a word', () => {
    const all = key({ rate_limit: 20, max_output_tokens: 1500, models: ['gpt-4o-mini', 'deepseek-*'], allow: ['chat'], cache: 'team', expires: '2027-01-01T00:00:00.000Z', ips: ['203.0.113.0/24'] })
    expect(limitsOf(all, en)).toEqual(['20 requests/min', '≤ 1,500 output tokens', 'models: gpt-4o-mini, deepseek-*', 'endpoints: chat', 'cache: team', 'expires 2027-01-01', 'IPs: 203.0.113.0/24'])
    expect(limitsOf(key({ cache: 'private' }), en)).toEqual([])
  })

  test('0 means no limit', () => {
    expect(limitsOf(key({ rate_limit: 0, max_output_tokens: 0 }), en)).toEqual(['no rate limit', 'no output cap'])
    expect(limitsOf(key({ rate_limit: 0, max_output_tokens: 0 }), zh)).toEqual(['不限速率', '不限输出'])
  })
})

describe('figuresText', () => {
  test.each([
    [{ requests: 1, cost_usd: 0.000012 }, en, '1 request · $0.000012'],
    [{ requests: 1234, cost_usd: 2.5 }, en, '1,234 requests · $2.50'],
    [{ requests: 0, cost_usd: 0 }, zh, '0 次请求 · $0'],
  ])('%j', (figures, t, text) => {
    expect(figuresText(figures, t)).toBe(text)
  })
})
