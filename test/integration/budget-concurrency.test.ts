import { afterEach, describe, expect, test } from 'bun:test'
import { chatEstimate, usageOf, usdOf } from '../helpers/budget'
import { startFakeUpstream } from '../helpers/fake-upstream'
import { keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// N concurrent requests against one budget (DESIGN §1.5): each reserves its estimate atomically before it
// is forwarded, so together they cannot overspend by more than one request's estimation error. The
// upstream holds every answer ~100 ms, so all 30 are in flight at once and none has settled yet.

const ALICE = 'Pz6Dk1Wn8Rf3Yb0Ts5Qa'
const MAX = 16
const N = 30
const MODEL = 'gpt-4o-mini'

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

/** An upstream whose answers report about what the proxy estimated (a little less, as real counts are). */
async function realisticUpstream(prompt: number, completion: number) {
  const fake = await startFakeUpstream()
  fake.keyFault(REAL_KEY, {
    status: 200,
    delayMs: 100,
    body: {
      id: 'chatcmpl-budget',
      object: 'chat.completion',
      created: 1735689600,
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    },
  })
  return fake
}

async function burst(client: ReturnType<TestProxy['client']>) {
  const outcomes = await Promise.allSettled(
    Array.from({ length: N }, () => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniqueQuestion() }], max_tokens: MAX }))
  )
  const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)
  return { admitted: outcomes.length - refused.length, refused }
}

describe('30 concurrent requests against a budget of about 5 estimates', () => {
  const one = chatEstimate(uniqueQuestion(), MAX)
  // What the upstream reports: a few prompt tokens under the estimate, the whole output cap.
  const actual = { prompt: one.promptTokens - 5, completion: MAX }

  test('a tokens budget: exactly 5 admitted, the rest 429 insufficient_quota; spent ≤ budget + one estimation error', async () => {
    const budget = Math.floor(5.5 * one.tokens)
    const fake = await realisticUpstream(actual.prompt, actual.completion)
    try {
      proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: budget, per: 'day' } }]) }, fake)
      const { admitted, refused } = await burst(proxy.client({ apiKey: ALICE }))
      for (const error of refused) {
        expect(error.status).toBe(429)
        expect(error.code).toBe('insufficient_quota')
      }
      const usage = await usageOf(proxy.url, ALICE)
      const error = Math.max(0, actual.prompt + actual.completion - one.tokens)
      const overspend = usage.spent - budget
      console.log(`budget concurrency: admitted=${admitted}, spent=${usage.spent} tokens, budget=${budget} tokens, overspend=${Math.max(0, overspend)} tokens (${N} concurrent, estimate ${one.tokens} tokens each, upstream reported ${actual.prompt + actual.completion})`)
      expect(admitted).toBe(5)
      expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(5)
      expect(usage.reserved).toBe(0)
      expect(usage.spent).toBe(admitted * (actual.prompt + actual.completion))
      expect(usage.spent).toBeLessThanOrEqual(budget + error)
    } finally {
      await proxy?.stop()
      proxy = undefined
      await fake.stop()
    }
  })

  test('a usd budget: the same, in dollars', async () => {
    const estimateUsd = usdOf(MODEL, one.promptTokens, one.completionTokens)
    const budget = 5.5 * estimateUsd
    const fake = await realisticUpstream(actual.prompt, actual.completion)
    try {
      proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { usd: budget, per: 'month' } }]) }, fake)
      const { admitted } = await burst(proxy.client({ apiKey: ALICE }))
      const usage = await usageOf(proxy.url, ALICE)
      expect(admitted).toBe(5)
      expect(usage.reserved).toBe(0)
      // /v1/usage rounds dollars to the micro-dollar.
      expect(usage.spent).toBeCloseTo(5 * usdOf(MODEL, actual.prompt, actual.completion), 6)
      expect(usage.spent).toBeLessThanOrEqual(budget + 1e-6)
    } finally {
      await proxy?.stop()
      proxy = undefined
      await fake.stop()
    }
  })

  test('after they settled below their estimates, the room left is used again', async () => {
    const fake = await realisticUpstream(5, 5)
    try {
      const budget = 2 * one.tokens
      proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: budget, per: 'day' } }]) }, fake)
      const first = await burst(proxy.client({ apiKey: ALICE }))
      expect(first.admitted).toBe(2)
      // 20 tokens spent: room for one more estimate, not two.
      const second = await burst(proxy.client({ apiKey: ALICE }))
      expect(second.admitted).toBe(1)
      expect((await usageOf(proxy.url, ALICE)).spent).toBe(30)
    } finally {
      await proxy?.stop()
      proxy = undefined
      await fake.stop()
    }
  })
})
