import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fakeUsage, todayUtc, usageOf, usdOf } from '../helpers/budget'
import { chat, keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// What a key may ask about itself (DESIGN §1.3): GET /v1/usage, and the legacy billing endpoints chat
// clients read a balance from — subscription (hard_limit_usd = the usd budget) and usage (cents spent
// between two UTC dates, the end excluded). All three are in the OpenAPI document.

const ALICE = 'Cw3Rn8Fy1Kb6Qt0Xh5Ej'
const TOKENS = 'Ug7Md2Zs9Lp4Vc1Ax6Ni'
const MAX = 20
const MODEL = 'gpt-4o-mini'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({
    ...PASS_THROUGH_ONLY,
    MODEL_RATE_LIMIT: '0',
    ...keysEnv([
      { name: 'alice', key: ALICE, budget: { usd: 2.5, per: 'month' }, rate_limit: 30 },
      { name: 'tokens', key: TOKENS, budget: { tokens: 5000, per: 'week' } },
    ]),
  })
})
afterAll(() => proxy.stop())

const get = async (path: string, key = ALICE) => {
  const response = await fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
  return { status: response.status, json: (await response.json()) as any }
}
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
const monthStart = () => `${todayUtc().slice(0, 7)}-01`
const row = (key: string, day: string, costUsd: number, model = MODEL) => ({ key, day, model, requests: 1, hits: 0, promptTokens: 1, completionTokens: 1, costUsd, savedUsd: 0 })

describe('GET /v1/usage', () => {
  test('budget, period and its renewal, spent, reserved, remaining, today', async () => {
    const q = uniqueQuestion()
    await chat(proxy.client({ apiKey: ALICE }), q, { max_tokens: MAX })
    const used = fakeUsage(q)
    const cost = usdOf(MODEL, used.promptTokens, used.completionTokens)
    const usage = await usageOf(proxy.url, ALICE)
    const d = new Date()
    expect(usage).toMatchObject({
      object: 'usage',
      key: 'alice',
      metered: true,
      budget: { usd: 2.5, per: 'month' },
      period: {
        id: `month:${todayUtc().slice(0, 7)}`,
        start: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString(),
        renews_at: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString(),
      },
      reserved: 0,
      rate_limit: { limit: 30, remaining: 29, per: 'minute' },
    })
    expect(usage.spent).toBeCloseTo(cost, 6)
    expect(usage.remaining).toBeCloseTo(2.5 - cost, 6)
    expect(usage.today).toMatchObject({ date: todayUtc(), requests: 1, hits: 0, prompt_tokens: used.promptTokens, completion_tokens: used.completionTokens })
    expect(usage.today.cost_usd).toBeCloseTo(cost, 6)
  })

  test('a tokens budget per week: in tokens, renewing on Monday', async () => {
    const q = uniqueQuestion()
    await chat(proxy.client({ apiKey: TOKENS }), q, { max_tokens: MAX })
    const usage = await usageOf(proxy.url, TOKENS)
    expect(usage.budget).toEqual({ tokens: 5000, per: 'week' })
    expect(usage.spent).toBe(fakeUsage(q).tokens)
    expect(usage.remaining).toBe(5000 - fakeUsage(q).tokens)
    const renews = new Date(usage.period.renews_at)
    expect(renews.getUTCDay()).toBe(1)
    expect(renews.getTime() - Date.now()).toBeGreaterThan(0)
    expect(renews.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000)
  })

  test('a PROXY_KEY key: no budget, not metered; no key: 401', async () => {
    const usage = (await get('/v1/usage', PROXY_KEY)).json
    expect(usage).toMatchObject({ object: 'usage', key: null, budget: null, period: null, remaining: null, metered: false })
    expect((await fetch(`${proxy.url}/v1/usage`)).status).toBe(401)
  })
})

describe('GET /v1/dashboard/billing/subscription', () => {
  test('hard_limit_usd is the usd budget; access_until the renewal', async () => {
    const { status, json } = await get('/v1/dashboard/billing/subscription')
    expect(status).toBe(200)
    expect(json).toMatchObject({ object: 'billing_subscription', hard_limit_usd: 2.5, soft_limit_usd: 2.5, system_hard_limit_usd: 2.5 })
    const d = new Date()
    expect(json.access_until).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000)
    // Without /v1 it is served the same.
    expect((await get('/dashboard/billing/subscription')).json.hard_limit_usd).toBe(2.5)
  })

  test('a key without a usd budget: a limit no one reaches', async () => {
    expect((await get('/v1/dashboard/billing/subscription', TOKENS)).json.hard_limit_usd).toBeGreaterThanOrEqual(1_000_000)
  })
})

describe('GET /v1/dashboard/billing/usage', () => {
  test('total_usage: cents between start_date and end_date, the end excluded, this key only', async () => {
    await proxy.stores.usage.add(row('alice', '2025-01-05', 0.01))
    await proxy.stores.usage.add(row('alice', '2025-01-06', 0.02))
    await proxy.stores.usage.add(row('alice', '2025-01-06', 0.005, 'gpt-4o'))
    await proxy.stores.usage.add(row('alice', '2025-01-07', 0.04))
    await proxy.stores.usage.add(row('tokens', '2025-01-06', 1))
    const { status, json } = await get('/v1/dashboard/billing/usage?start_date=2025-01-05&end_date=2025-01-07')
    expect(status).toBe(200)
    expect(json.object).toBe('list')
    expect(json.total_usage).toBeCloseTo(3.5, 6)
    expect(json.daily_costs).toHaveLength(2)
    expect(json.daily_costs[0]).toEqual({ timestamp: Date.parse('2025-01-05T00:00:00Z') / 1000, line_items: [{ name: MODEL, cost: 1 }] })
    expect(json.daily_costs[1].line_items.map((i: any) => i.cost).sort()).toEqual([0.5, 2])
    expect((await get('/v1/dashboard/billing/usage?start_date=2025-01-07&end_date=2025-01-08')).json.total_usage).toBeCloseTo(4, 6)
    expect((await get('/v1/dashboard/billing/usage?start_date=2025-01-05&end_date=2025-01-05')).json.total_usage).toBe(0)
  })

  test('today’s real spend: in [today, tomorrow), not in [.., today)', async () => {
    const today = todayUtc()
    const spent = (await usageOf(proxy.url, ALICE)).today.cost_usd
    expect(spent).toBeGreaterThan(0)
    expect((await get(`/v1/dashboard/billing/usage?start_date=${today}&end_date=${nextDay(today)}`)).json.total_usage).toBeCloseTo(spent * 100, 4)
    expect((await get(`/v1/dashboard/billing/usage?start_date=2025-01-08&end_date=${today}`)).json.total_usage).toBe(0)
    // Without dates: this month so far.
    const month = (await get('/v1/dashboard/billing/usage')).json.total_usage
    expect(month).toBeCloseTo((await get(`/v1/dashboard/billing/usage?start_date=${monthStart()}&end_date=${nextDay(today)}`)).json.total_usage, 6)
  })

  test('a bad date: 400 naming the parameter', async () => {
    for (const [query, param] of [
      ['start_date=yesterday&end_date=2025-01-07', 'start_date'],
      ['start_date=2025-01-05&end_date=2025-13-01', 'end_date'],
      ['start_date=2025-1-5&end_date=2025-01-07', 'start_date'],
    ]) {
      const { status, json } = await get(`/v1/dashboard/billing/usage?${query}`)
      expect(status).toBe(400)
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param })
    }
  })

  test('a day that does not exist (Feb 30) is a bad date too', async () => {
    const { status, json } = await get('/v1/dashboard/billing/usage?start_date=2025-02-30&end_date=2025-03-05')
    expect(status).toBe(400)
    expect(json.error?.param).toBe('start_date')
  })
})

describe('/swagger/json', () => {
  test('documents the three self-service endpoints', async () => {
    const doc = (await (await fetch(`${proxy.url}/swagger/json`)).json()) as any
    for (const path of ['/v1/usage', '/v1/dashboard/billing/subscription', '/v1/dashboard/billing/usage']) {
      expect(doc.paths[path]?.get).toBeDefined()
      expect(doc.paths[path].get.summary).toBeTruthy()
    }
    const names = doc.paths['/v1/dashboard/billing/usage'].get.parameters.map((p: any) => p.name)
    expect(names).toEqual(expect.arrayContaining(['start_date', 'end_date']))
    expect(doc.paths['/v1/dashboard/billing/usage'].get.responses['400']).toBeDefined()
  })
})
