import { afterEach, describe, expect, test } from 'bun:test'
import { chatEstimate, fakeUsage, todayUtc, usageOf } from '../helpers/budget'
import { chat, keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, startProxy, type TestProxy } from '../helpers/start-proxy'

// The operator's view of each key's usage (DESIGN §1.3): GET /admin/keys and /admin/keys/{name} carry
// `usage` — the budget period (spent, remaining), today, this month, all time — and
// POST /admin/keys/{name}/reset resets a key's usage and spend, so it may spend again.

const ADMIN_KEY = 'admin-Vb6Nq1Xt8Kw3Rz5Hm'
const FILED = 'Od4Yk9Ep2Ls7Gc0Tu5Jf'
const MADE = 'made-Ai3Wv8Nh1Qz6Bd4Ry'
const MAX = 20

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const one = chatEstimate(uniqueQuestion(), MAX)
const used = fakeUsage(uniqueQuestion())
const start = async () =>
  (proxy = await startProxy({
    ...PASS_THROUGH_ONLY,
    MODEL_RATE_LIMIT: '0',
    ADMIN_KEY,
    // Room for one estimate after one settled request: the second request is refused.
    ...keysEnv([{ name: 'filed', key: FILED, budget: { tokens: one.tokens + used.tokens - 1, per: 'day' } }]),
  }))
const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${proxy!.url}/admin/keys${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as any }
}
const ask = (key: string, model = 'gpt-4o-mini') => chat(proxy!.client({ apiKey: key }), uniqueQuestion(), { model, max_tokens: MAX })
const figures = (requests: number, prompt: number, completion: number) => ({ requests, hits: 0, prompt_tokens: prompt, completion_tokens: completion })

describe('usage in the admin API', () => {
  test('GET /admin/keys/{name}: budget period, spent, remaining, today, this_month, all_time', async () => {
    await start()
    await ask(FILED)
    const { status, json } = await admin('GET', '/filed')
    expect(status).toBe(200)
    expect(json.name).toBe('filed')
    expect(json.key).toBeUndefined()
    const budget = one.tokens + used.tokens - 1
    expect(json.usage).toMatchObject({
      budget: { tokens: budget, per: 'day' },
      period: { id: `day:${todayUtc()}`, renews_at: new Date(Date.parse(`${todayUtc()}T00:00:00Z`) + 86_400_000).toISOString() },
      spent: used.tokens,
      reserved: 0,
      remaining: budget - used.tokens,
      today: figures(1, used.promptTokens, used.completionTokens),
      this_month: figures(1, used.promptTokens, used.completionTokens),
      all_time: figures(1, used.promptTokens, used.completionTokens),
    })
    expect(json.usage.today.cost_usd).toBeGreaterThan(0)
  })

  test('this_month and all_time reach back further than today (rows of earlier days)', async () => {
    await start()
    await ask(FILED)
    const today = todayUtc()
    const row = (day: string, requests: number) => ({ key: 'filed', day, model: 'gpt-4o', requests, hits: 1, promptTokens: 100, completionTokens: 50, costUsd: 0.25, savedUsd: 0.1 })
    // The 1st of this month (unless that is today) and a day of last year.
    const first = `${today.slice(0, 7)}-01`
    if (first !== today) await proxy!.stores.usage.add(row(first, 3))
    await proxy!.stores.usage.add(row(`${Number(today.slice(0, 4)) - 1}-06-15`, 5))
    const { usage } = (await admin('GET', '/filed')).json
    expect(usage.today.requests).toBe(1)
    expect(usage.this_month.requests).toBe(first === today ? 1 : 4)
    expect(usage.all_time.requests).toBe(first === today ? 6 : 9)
    expect(usage.all_time.hits).toBe(first === today ? 1 : 2)
    expect(usage.all_time.saved_usd).toBeCloseTo(first === today ? 0.1 : 0.2, 6)
  })

  test('GET /admin/keys lists every named key with its usage, file and admin keys alike', async () => {
    await start()
    expect((await admin('POST', '', { name: 'made', key: MADE, budget: { usd: 3, per: 'week' } })).status).toBe(201)
    await ask(FILED)
    await ask(MADE)
    await ask(MADE, 'gpt-4o')
    const { status, json } = await admin('GET', '')
    expect(status).toBe(200)
    const byName = Object.fromEntries(json.data.map((k: any) => [k.name, k]))
    expect(Object.keys(byName).sort()).toEqual(['filed', 'made'])
    expect(byName.filed.usage).toMatchObject({ spent: used.tokens, today: { requests: 1 } })
    expect(byName.made.usage.budget).toEqual({ usd: 3, per: 'week' })
    expect(byName.made.usage.period.id).toStartWith('week:')
    expect(byName.made.usage.today.requests).toBe(2)
    expect(byName.made.usage.spent).toBeGreaterThan(0)
    expect(byName.made.usage.spent).toBeCloseTo(byName.made.usage.today.cost_usd, 6)
    expect(byName.made.usage.remaining).toBeCloseTo(3 - byName.made.usage.spent, 6)
    // What the admin sees is what the key sees of itself.
    const own = await usageOf(proxy!.url, MADE)
    expect(own.spent).toBe(byName.made.usage.spent)
    expect(own.today).toMatchObject(byName.made.usage.today)
  })
})

describe('GET /admin/keys/{name}/usage', () => {
  const daysAgo = (n: number) => new Date(Date.parse(`${todayUtc()}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10)
  const old = (day: string, requests: number) => ({ key: 'made', day, model: 'gpt-4o', requests, hits: 0, promptTokens: 10, completionTokens: 5, costUsd: 0.5, savedUsd: 0 })

  test('one row per day and model, oldest first, within the last `days` UTC days (30 by default)', async () => {
    await start()
    await admin('POST', '', { name: 'made', key: MADE })
    await ask(MADE)
    await ask(MADE)
    await ask(MADE, 'gpt-4o')
    await ask(FILED)
    // Rows of earlier days: 29 days ago is the oldest day of a 30-day window, 30 days ago is outside it.
    await proxy!.stores.usage.add(old(daysAgo(29), 2))
    await proxy!.stores.usage.add(old(daysAgo(30), 7))

    const { status, json } = await admin('GET', '/made/usage')
    expect(status).toBe(200)
    expect(json).toMatchObject({ object: 'list', name: 'made', from: daysAgo(29), to: daysAgo(-1) })
    expect(json.data.map((r: any) => [r.date, r.model, r.requests])).toEqual([
      [daysAgo(29), 'gpt-4o', 2],
      [todayUtc(), 'gpt-4o', 1],
      [todayUtc(), 'gpt-4o-mini', 2],
    ])
    const mini = json.data[2]
    expect(mini).toMatchObject({ hits: 0, prompt_tokens: 20, completion_tokens: 2 * (used.tokens - 10), cached_tokens: 0, saved_usd: 0 })
    expect(mini.cost_usd).toBeGreaterThan(0)
    expect(json.data[0].cost_usd).toBe(0.5)
    // Another key's requests are not this key's.
    expect(json.data.reduce((n: number, r: any) => n + r.requests, 0)).toBe(5)

    const week = await admin('GET', '/made/usage?days=7')
    expect(week.json.from).toBe(daysAgo(6))
    expect(week.json.data.map((r: any) => r.date)).toEqual([todayUtc(), todayUtc()])
    const year = await admin('GET', '/made/usage?days=366')
    expect(year.json.data.map((r: any) => r.requests)).toEqual([7, 2, 1, 2])
    const today = await admin('GET', '/filed/usage?days=1')
    expect(today.json).toMatchObject({ name: 'filed', from: todayUtc(), data: [{ date: todayUtc(), model: 'gpt-4o-mini', requests: 1 }] })
  })

  test.each(['0', '367', 'x', '1.5', '-3'])('days=%s: 400 naming days', async (days) => {
    await start()
    const refused = await admin('GET', `/filed/usage?days=${days}`)
    expect(refused.status).toBe(400)
    expect(refused.json.error.type).toBe('invalid_request_error')
    expect(refused.json.error.param).toBe('days')
  })

  test('an unknown key: 404; a wrong admin key or a proxy key: 401', async () => {
    await start()
    const missing = await admin('GET', '/nobody/usage')
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('key_not_found')
    for (const bearer of ['wrong-admin-key', FILED]) {
      const response = await fetch(`${proxy!.url}/admin/keys/filed/usage`, { headers: { authorization: `Bearer ${bearer}` } })
      expect(response.status).toBe(401)
      expect(((await response.json()) as any).error.code).toBe('invalid_api_key')
    }
  })
})

describe('POST /admin/keys/{name}/reset', () => {
  test('resets usage and spend: the refused key can spend again', async () => {
    await start()
    await ask(FILED)
    const refused = await sdkError(ask(FILED))
    expect(refused.code).toBe('insufficient_quota')
    const reset = await admin('POST', '/filed/reset')
    expect(reset).toEqual({ status: 200, json: { name: 'filed', reset: true } })
    const { usage } = (await admin('GET', '/filed')).json
    expect(usage).toMatchObject({ spent: 0, reserved: 0, today: { requests: 0 }, this_month: { requests: 0 }, all_time: { requests: 0, cost_usd: 0 } })
    expect((await usageOf(proxy!.url, FILED)).spent).toBe(0)
    expect((await ask(FILED)).answer).toStartWith('Echo:')
    expect((await admin('GET', '/filed')).json.usage.spent).toBe(used.tokens)
  })

  test('resets that key only; a key made by the admin API too; an unknown key: 404', async () => {
    await start()
    await admin('POST', '', { name: 'made', key: MADE, budget: { tokens: 1000, per: 'total' } })
    await ask(FILED)
    await ask(MADE)
    expect((await admin('POST', '/made/reset')).status).toBe(200)
    expect((await usageOf(proxy!.url, MADE)).spent).toBe(0)
    expect((await usageOf(proxy!.url, FILED)).spent).toBe(used.tokens)
    const missing = await admin('POST', '/nobody/reset')
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('key_not_found')
  })

  test('needs ADMIN_KEY', async () => {
    await start()
    const response = await fetch(`${proxy!.url}/admin/keys/filed/reset`, { method: 'POST', headers: { authorization: `Bearer ${FILED}` } })
    expect(response.status).toBe(401)
  })
})
