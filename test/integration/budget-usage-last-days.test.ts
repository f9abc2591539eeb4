import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fakeUsage, todayUtc, usageOf, usdOf } from '../helpers/budget'
import { chat, keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, startProxy, type TestProxy } from '../helpers/start-proxy'

// GET /v1/usage's last 30 days (DESIGN §1.3, what /me charts): the window is the last 30 UTC days, today
// included, `to` excluded; its totals are the sum of its days; a day without use has no row, and a day just
// outside the window counts nowhere.

const DAILY = 'Rz4Wq9Tn2Hc7Vb1Lm6Kp'
const OTHER = 'Yd8Ns3Jf6Qa1Xe5Gu0Bo'
const MODEL = 'gpt-4o-mini'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({
    ...PASS_THROUGH_ONLY,
    MODEL_RATE_LIMIT: '0',
    ...keysEnv([
      { name: 'daily', key: DAILY, budget: { usd: 1, per: 'month' } },
      { name: 'other', key: OTHER },
    ]),
  })
})
afterAll(() => proxy.stop())

const daysAgo = (n: number) => new Date(Date.parse(`${todayUtc()}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10)
const seeded = (key: string, day: string, model: string, requests: number, costUsd: number) => ({
  key,
  day,
  model,
  requests,
  hits: 1,
  promptTokens: 7 * requests,
  completionTokens: 3 * requests,
  costUsd,
  savedUsd: 0.5,
})

describe('GET /v1/usage: last_30_days', () => {
  test('two requests through the proxy: today’s row and the totals; older days by day; the 31st day back left out', async () => {
    const questions = [uniqueQuestion(), uniqueQuestion()]
    for (const q of questions) await chat(proxy.client({ apiKey: DAILY }), q, { max_tokens: 20 })
    await proxy.stores.usage.add(seeded('daily', daysAgo(29), MODEL, 2, 0.02))
    await proxy.stores.usage.add(seeded('daily', daysAgo(5), 'gpt-4o', 1, 0.01))
    await proxy.stores.usage.add(seeded('daily', daysAgo(5), MODEL, 3, 0.03))
    await proxy.stores.usage.add(seeded('daily', daysAgo(30), MODEL, 100, 9))
    await proxy.stores.usage.add(seeded('other', daysAgo(5), MODEL, 50, 5))

    const used = questions.map(fakeUsage)
    const prompt = used.reduce((sum, u) => sum + u.promptTokens, 0)
    const completion = used.reduce((sum, u) => sum + u.completionTokens, 0)
    const cost = used.reduce((sum, u) => sum + usdOf(MODEL, u.promptTokens, u.completionTokens), 0)

    const { last_30_days: window } = await usageOf(proxy.url, DAILY)
    expect(window.from).toBe(daysAgo(29))
    expect(window.to).toBe(daysAgo(-1))
    expect(window.days.map((d: any) => d.date)).toEqual([daysAgo(29), daysAgo(5), todayUtc()])

    const [first, fifth, today] = window.days
    expect(today).toMatchObject({ date: todayUtc(), requests: 2, hits: 0, prompt_tokens: prompt, completion_tokens: completion, saved_usd: 0 })
    expect(today.cost_usd).toBeCloseTo(cost, 6)
    // Two models on one day are one row.
    expect(fifth).toMatchObject({ date: daysAgo(5), requests: 4, hits: 2, prompt_tokens: 28, completion_tokens: 12, saved_usd: 1 })
    expect(fifth.cost_usd).toBeCloseTo(0.04, 6)
    expect(first).toMatchObject({ requests: 2, prompt_tokens: 14, completion_tokens: 6 })

    expect(window).toMatchObject({ requests: 8, hits: 3, prompt_tokens: prompt + 42, completion_tokens: completion + 18 })
    expect(window.cost_usd).toBeCloseTo(cost + 0.06, 6)
    expect(window.saved_usd).toBeCloseTo(1.5, 6)
    for (const field of ['cached_tokens', 'cache_write_tokens', 'reasoning_tokens']) expect(window[field]).toBe(0)
  })

  test('a key that has not been used: an empty window with zero totals', async () => {
    const fresh = await startProxy({ ...PASS_THROUGH_ONLY, ...keysEnv([{ name: 'fresh', key: DAILY }]) })
    try {
      const { last_30_days: window } = await usageOf(fresh.url, DAILY)
      expect(window).toMatchObject({ from: daysAgo(29), to: daysAgo(-1), requests: 0, cost_usd: 0, days: [] })
    } finally {
      await fresh.stop()
    }
  })
})
