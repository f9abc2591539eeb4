import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chatEstimate } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// What an answer tells about itself (DESIGN §1.7): `x-cache-entry` names the stored entry on every hit and
// every stored miss, so an owner can delete a wrong answer from a screenshot; `x-output-cap` says when the
// key's cap lowered or set the request's max_*tokens. And a refusal for budget says what the request could
// cost and what is left (issue 19, points 9 and 12).

const ADMIN_KEY = 'admin-Hd2Xw7Qe4Rb9Lm1Ks'
const CAP = 120
const ALICE = 'Zt6Vn1Yc8Pa3Gq5Wj0Ue'
const MODEL = 'gpt-4o-mini'

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream()
  proxy = await startProxy(
    { MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: String(CAP), CACHE_SEMANTIC: 'false', ADMIN_KEY, ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: 1000, per: 'day' } }]) },
    fake
  )
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})

const chat = (body: object, headers: Record<string, string> = auth()) =>
  postJson(`${proxy.url}/v1/chat/completions`, { model: MODEL, messages: [{ role: 'user', content: uniqueQuestion() }], ...body }, headers)
const adminEntry = (id: string) => fetch(`${proxy.url}/admin/cache/entries/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })

describe('x-cache-entry', () => {
  test('a stored JSON miss names its entry; the hit names the same one; the admin API finds it', async () => {
    const body = { messages: [{ role: 'user', content: uniqueQuestion() }] }
    const miss = await chat(body)
    expect(miss.headers.get('x-cache')).toBe('MISS')
    const id = miss.headers.get('x-cache-entry')
    expect(id).toMatch(/^\d+$/)
    await miss.text()
    const hit = await chat(body)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(hit.headers.get('x-cache-entry')).toBe(id)
    // The same bytes again: answered from the answers kept hot, still named.
    const hot = await chat(body)
    expect(hot.headers.get('x-cache-entry')).toBe(id)
    const entry = await adminEntry(id!)
    expect(entry.status).toBe(200)
    expect(((await entry.json()) as { id: number }).id).toBe(Number(id))
  })

  test('a streamed miss names its entry in its headers, before the answer is complete', async () => {
    const body = { stream: true, messages: [{ role: 'user', content: uniqueQuestion() }] }
    const miss = await chat(body)
    const id = miss.headers.get('x-cache-entry')
    expect(id).toMatch(/^\d+$/)
    expect(await miss.text()).toContain('[DONE]')
    const hit = await chat(body)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(hit.headers.get('x-cache-entry')).toBe(id)
    expect((await adminEntry(id!)).status).toBe(200)
  })

  test('an answer that is not stored names no entry', async () => {
    fake.fault({ status: 500 })
    const failed = await chat({})
    expect(failed.status).toBe(500)
    expect(failed.headers.get('x-cache-entry')).toBeNull()
    const bypass = await chat({}, { ...auth(), 'cache-control': 'no-store' })
    expect(bypass.headers.get('x-cache-entry')).toBeNull()
  })

  test('a browser may read it (CORS)', async () => {
    const response = await chat({}, { ...auth(), origin: 'https://app.example' })
    expect(response.headers.get('access-control-expose-headers')).toContain('x-cache-entry')
    expect(response.headers.get('access-control-expose-headers')).toContain('x-output-cap')
  })
})

describe('x-output-cap', () => {
  test('set when the request named no max_tokens, and the cap reaches the upstream', async () => {
    const response = await chat({})
    expect(response.headers.get('x-output-cap')).toBe(String(CAP))
    expect(fake.requests.at(-1)!.json.max_completion_tokens).toBe(CAP)
  })

  test('set when max_tokens was lowered; absent when the request asked for less', async () => {
    expect((await chat({ max_tokens: CAP * 10 })).headers.get('x-output-cap')).toBe(String(CAP))
    expect((await chat({ max_tokens: CAP - 1 })).headers.get('x-output-cap')).toBeNull()
  })

  test('on a hit too, including one answered from the answers kept hot', async () => {
    const body = { max_tokens: CAP * 10, messages: [{ role: 'user', content: uniqueQuestion() }] }
    await (await chat(body)).text()
    for (let i = 0; i < 2; i++) {
      const hit = await chat(body)
      expect(hit.headers.get('x-cache')).toBe('HIT')
      expect(hit.headers.get('x-output-cap')).toBe(String(CAP))
    }
  })

  test('not on an error', async () => {
    fake.fault({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } })
    const response = await chat({})
    expect(response.status).toBe(400)
    expect(response.headers.get('x-output-cap')).toBeNull()
  })
})

describe('the over-budget message', () => {
  test('says what the request could cost and what is left, not "used up" while much remains', async () => {
    const client = proxy.client({ apiKey: ALICE })
    // 1000 tokens a day; each question reserves about 120 + its prompt. A long prompt asks for more than is left.
    const long = 'word '.repeat(1200)
    const error = await sdkError(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: long }] }))
    expect(error.status).toBe(429)
    expect(error.code).toBe('insufficient_quota')
    const estimate = chatEstimate(long, CAP)
    expect(error.message).toContain(`could cost up to ${estimate.promptTokens + estimate.completionTokens} tokens`)
    expect(error.message).toContain('1000 tokens of 1000 tokens per day')
    expect(error.message).not.toContain('used up')
    // Counted as a budget refusal, not as a rate-limit one (status page, /stats, /metrics).
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as any
    expect(stats.overBudget).toBe(1)
    expect(stats.rateLimited).toBe(0)
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text()
    expect(metrics).toContain('proxy_gpt_budget_refusals_total 1')
    expect(metrics).toContain('proxy_gpt_rate_limited_total 0')
  })
})

