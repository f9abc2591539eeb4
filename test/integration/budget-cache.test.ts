import { afterEach, describe, expect, test } from 'bun:test'
import { chatEstimate, fakeUsage, todayUtc, usageOf, usdOf } from '../helpers/budget'
import { chat, keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

// Cache hits are free (DESIGN §1.5): they spend nothing of a budget, are counted in the key's usage as hits
// with what they saved, and a key over its budget still gets its exact hits while new questions get 429.
// The cache's own embedding calls are the proxy's cost, never the key's.

const ALICE = 'Jt2Fw7Ub4Xn9Ce1Rq6Ym'
const MAX = 20
const MODEL = 'gpt-4o-mini'

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const as = () => proxy!.client({ apiKey: ALICE })
const ask = (q: string) => chat(as(), q, { model: MODEL, max_tokens: MAX })
const forwarded = (path: string) => proxy!.upstream.requests.filter((r) => r.path === path)

describe('cache hits and budgets', () => {
  test('a hit costs nothing and is counted today as a hit with saved_usd > 0', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { usd: 1, per: 'month' } }]) })
    const q = uniqueQuestion()
    expect((await ask(q)).cache).toBe('MISS')
    const afterMiss = await usageOf(proxy.url, ALICE)
    const used = fakeUsage(q)
    expect(afterMiss.spent).toBeCloseTo(usdOf(MODEL, used.promptTokens, used.completionTokens), 6)
    for (let i = 0; i < 2; i++) expect((await ask(q)).cache).toBe('HIT')
    const afterHits = await usageOf(proxy.url, ALICE)
    expect(afterHits.spent).toBe(afterMiss.spent)
    expect(afterHits.reserved).toBe(0)
    expect(afterHits.today).toMatchObject({ date: todayUtc(), requests: 3, hits: 2, prompt_tokens: used.promptTokens, completion_tokens: used.completionTokens })
    expect(afterHits.today.saved_usd).toBeGreaterThan(0)
    expect(afterHits.today.saved_usd).toBeCloseTo(2 * usdOf(MODEL, used.promptTokens, used.completionTokens), 6)
    expect(afterHits.today.cost_usd).toBeCloseTo(afterMiss.spent, 6)
    // The embeddings the cache bought for the question are not the key's.
    expect(forwarded('/v1/embeddings').length).toBeGreaterThan(0)
    expect(forwarded('/v1/chat/completions')).toHaveLength(1)
  })

  test('over its budget a key still gets exact hits (HIT, 200); new questions get 429 and buy no embedding', async () => {
    const one = chatEstimate(uniqueQuestion(), MAX)
    // Room for one request's estimate, not two.
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: one.tokens + 5, per: 'day' } }]) })
    const q = uniqueQuestion()
    expect((await ask(q)).cache).toBe('MISS')
    const embeddingsBefore = forwarded('/v1/embeddings').length
    const refused = await sdkError(ask(uniqueQuestion()))
    expect(refused.status).toBe(429)
    expect(refused.code).toBe('insufficient_quota')
    expect(forwarded('/v1/embeddings')).toHaveLength(embeddingsBefore)

    const { data, response } = await as().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: q }], max_tokens: MAX }).withResponse()
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(data.choices[0]!.message.content).toBe(`Echo: ${q}`)
    expect((await ask(q)).cache).toBe('HIT')
    expect(forwarded('/v1/chat/completions')).toHaveLength(1)
    const usage = await usageOf(proxy.url, ALICE)
    expect(usage.spent).toBe(fakeUsage(q).tokens)
    expect(usage.today).toMatchObject({ hits: 2 })
    expect(usage.today.saved_usd).toBeGreaterThan(0)
  })

  test('a streamed hit is free too', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: 100_000, per: 'day' } }]) })
    const q = uniqueQuestion()
    await ask(q)
    const before = await usageOf(proxy.url, ALICE)
    const { response } = await as().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: q }], max_tokens: MAX, stream: true }).withResponse()
    expect(response.headers.get('x-cache')).toBe('HIT')
    await response.text()
    const after = await usageOf(proxy.url, ALICE)
    expect(after.spent).toBe(before.spent)
    expect(after.today.hits).toBe(before.today.hits + 1)
  })
})
