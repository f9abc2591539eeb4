import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { chatEstimate, fakeUsage, secondsToNextDay, secondsToNextMonth, usageOf, usdOf } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { chat, keysEnv, sdkError, uniqueQuestion, type NamedKey } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// Budgets (DESIGN §1.2, §1.5, §1.7): from the config file or the admin API, a key's budget is reserved
// before a request goes upstream; once used up the key gets 429 insufficient_quota with retry-after until
// the period renews (none for per: total) and x-should-retry: false, so the SDKs do not retry.

const ALICE = 'Bq7Lx2Nc9Vr4Kd1Hm6Tz'
const BOB = 'Wf3Jp8Ys5Ge0Ua7Oi2Rk'
const CAROL = 'Mn4Tb9Qw2Zc7Xe5Vh1Ld'
const ADMIN_KEY = 'admin-Zr8Kp3Wq6Nt1Vy4Lb'
const MAX = 10

let fake: FakeUpstream
let proxy: TestProxy | undefined
beforeAll(async () => {
  fake = await startFakeUpstream()
})
afterAll(() => fake.stop())
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
  fake.keyFault(REAL_KEY, undefined)
  fake.reset()
})

const start = async (keys: NamedKey[], extra: Record<string, string> = {}) =>
  (proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ADMIN_KEY, ...(keys.length ? keysEnv(keys) : {}), ...extra }, fake))
const as = (key: string) => proxy!.client({ apiKey: key })
const ask = (key: string, content = uniqueQuestion(), model = 'gpt-4o-mini') => chat(as(key), content, { model, max_tokens: MAX })
const forwarded = () => fake.requests.filter((r) => r.path === '/v1/chat/completions')
/** A question's estimate: every uniqueQuestion() has the same length, so the same estimate. */
const ONE = chatEstimate(uniqueQuestion(), MAX)
const USED = fakeUsage(uniqueQuestion())

async function expectRefused(call: Promise<unknown>, retryAfter: number | undefined) {
  const before = Date.now()
  const error = await sdkError(call)
  expect(error.status).toBe(429)
  expect(error.code).toBe('insufficient_quota')
  expect(error.type).toBe('insufficient_quota')
  expect(error.headers?.get('x-should-retry')).toBe('false')
  const header = error.headers?.get('retry-after')
  if (retryAfter === undefined) expect(header).toBeNull()
  else {
    expect(Number(header)).toBeGreaterThanOrEqual(retryAfter - 2)
    expect(Number(header)).toBeLessThanOrEqual(retryAfter + Math.ceil((Date.now() - before) / 1000) + 1)
  }
  return error
}

describe('budgets from the config file', () => {
  test('{ tokens, per: day }: refused once used up, retry-after until midnight UTC, nothing forwarded', async () => {
    // Room for one estimate: after one settled request the next cannot reserve its own.
    await start([{ name: 'alice', key: ALICE, budget: { tokens: ONE.tokens + USED.tokens - 1, per: 'day' } }])
    expect((await ask(ALICE)).answer).toStartWith('Echo:')
    const usage = await usageOf(proxy!.url, ALICE)
    expect(usage).toMatchObject({ budget: { tokens: ONE.tokens + USED.tokens - 1, per: 'day' }, spent: USED.tokens, reserved: 0 })
    const error = await expectRefused(ask(ALICE), secondsToNextDay())
    expect(error.message).toContain('budget')
    expect(forwarded()).toHaveLength(1)
  })

  test('{ usd, per: month }: refused once used up, retry-after until the 1st', async () => {
    const usd = usdOf('gpt-4o-mini', ONE.promptTokens, ONE.completionTokens) * 1.5
    await start([{ name: 'alice', key: ALICE, budget: { usd, per: 'month' } }])
    await ask(ALICE)
    expect((await usageOf(proxy!.url, ALICE)).spent).toBeCloseTo(usdOf('gpt-4o-mini', USED.promptTokens, USED.completionTokens), 6)
    await expectRefused(ask(ALICE), secondsToNextMonth())
    expect(forwarded()).toHaveLength(1)
  })

  test('{ per: total }: no retry-after (it never renews), still x-should-retry: false', async () => {
    await start([{ name: 'alice', key: ALICE, budget: { tokens: ONE.tokens, per: 'total' } }])
    await ask(ALICE)
    await expectRefused(ask(ALICE), undefined)
  })

  test('budgets are per key: bob still spends when alice is refused', async () => {
    await start([
      { name: 'alice', key: ALICE, budget: { tokens: ONE.tokens, per: 'day' } },
      { name: 'bob', key: BOB, budget: { tokens: ONE.tokens, per: 'day' } },
    ])
    await ask(ALICE)
    await expectRefused(ask(ALICE), secondsToNextDay())
    expect((await ask(BOB)).answer).toStartWith('Echo:')
  })

  test('a request larger than the whole budget is refused before anything is spent', async () => {
    await start([{ name: 'alice', key: ALICE, budget: { tokens: ONE.tokens - 1, per: 'day' } }])
    await expectRefused(ask(ALICE), secondsToNextDay())
    expect(forwarded()).toHaveLength(0)
    expect(await usageOf(proxy!.url, ALICE)).toMatchObject({ spent: 0, reserved: 0 })
  })
})

describe('budgets from the admin API', () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${proxy!.url}/admin/keys${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })

  test('POST with a budget, PATCH a larger one, PATCH it away', async () => {
    await start([])
    expect((await admin('POST', '', { name: 'carol', key: CAROL, budget: { tokens: ONE.tokens, per: 'day' } })).status).toBe(201)
    await ask(CAROL)
    await expectRefused(ask(CAROL), secondsToNextDay())
    expect((await admin('PATCH', '/carol', { budget: { tokens: USED.tokens + ONE.tokens, per: 'day' } })).status).toBe(200)
    // What was spent stays spent: the new budget has room for exactly one more.
    await ask(CAROL)
    await expectRefused(ask(CAROL), secondsToNextDay())
    // A total budget smaller than one estimate: refused, with nothing to wait for.
    expect((await admin('PATCH', '/carol', { budget: { tokens: ONE.tokens - 1, per: 'total' } })).status).toBe(200)
    await expectRefused(ask(CAROL), undefined)
    expect((await admin('PATCH', '/carol', { budget: null })).status).toBe(200)
    await ask(CAROL)
    expect(forwarded()).toHaveLength(3)
  })
})

describe('a dollar budget needs prices', () => {
  test('a model without a price: 400 naming MODEL_PRICES, nothing forwarded', async () => {
    await start([{ name: 'alice', key: ALICE, budget: { usd: 5, per: 'month' } }])
    const error = await sdkError(ask(ALICE, 'hi', 'llama-3.1-8b'))
    expect(error.status).toBe(400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.param).toBe('model')
    expect(error.message).toContain('MODEL_PRICES')
    expect(forwarded()).toHaveLength(0)
    expect(await usageOf(proxy!.url, ALICE)).toMatchObject({ spent: 0, reserved: 0 })
    // A tokens budget needs no price.
    await proxy!.stop()
    await start([{ name: 'alice', key: ALICE, budget: { tokens: 10_000, per: 'month' } }])
    expect((await ask(ALICE, 'hi', 'llama-3.1-8b')).answer).toBe('Echo: hi')
  })

  test('MODEL_PRICES adding the price makes it work, at that price', async () => {
    await start([{ name: 'alice', key: ALICE, budget: { usd: 5, per: 'month' } }], { MODEL_PRICES: JSON.stringify({ 'llama-3.1-8b': { input: 100, output: 200 } }) })
    expect((await ask(ALICE, 'hi', 'llama-3.1-8b')).answer).toBe('Echo: hi')
    const used = fakeUsage('hi')
    expect((await usageOf(proxy!.url, ALICE)).spent).toBeCloseTo((used.promptTokens * 100 + used.completionTokens * 200) / 1e6, 6)
  })
})

describe('the SDK does not retry a refusal', () => {
  const retrying = (apiKey: string) => new OpenAI({ apiKey, baseURL: proxy!.baseURL, maxRetries: 2, timeout: 10_000 })
  const chatLines = () => proxy!.logs.filter((line) => line.includes(' POST /v1/chat/completions '))

  test('maxRetries 2 and insufficient_quota: exactly one request reaches the proxy', async () => {
    await start([{ name: 'alice', key: ALICE, budget: { tokens: ONE.tokens, per: 'total' } }], { UPSTREAM_ATTEMPTS: '1' })
    const client = retrying(ALICE)
    await chat(client, uniqueQuestion(), { max_tokens: MAX })
    const before = chatLines().length
    const error = await sdkError(chat(client, uniqueQuestion(), { max_tokens: MAX }))
    expect(error.code).toBe('insufficient_quota')
    await Bun.sleep(50)
    expect(chatLines().length - before).toBe(1)
    expect(chatLines().at(-1)).toContain(' 429 ')

    // The counting sees retries when there are some: the same client retries an upstream 500 twice.
    fake.keyFault(REAL_KEY, { status: 500, headers: { 'retry-after-ms': '10' } })
    await proxy!.stop()
    await start([{ name: 'alice', key: ALICE }], { UPSTREAM_ATTEMPTS: '1' })
    expect((await sdkError(chat(retrying(ALICE), uniqueQuestion(), { max_tokens: MAX }))).status).toBeGreaterThanOrEqual(500)
    expect(chatLines()).toHaveLength(3)
  })
})
