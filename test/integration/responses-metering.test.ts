// Responses calls and hits count like chat ones (DESIGN §1.8 "Responses", issue 21 point 5): a named key with a
// budget calls /v1/responses natively (an upstream that speaks Responses) and translated (a `provider:
// openai-chat` one), as JSON and streamed, and is served exact and semantic hits. Its own `/v1/usage`, the
// operator's `GET /admin/keys/{name}`, `/stats`, `/metrics` and the status page then show those calls: requests,
// hits, tokens and cost from each answer's `usage` (`input_tokens`, `output_tokens`), what the hits saved, under
// the endpoint `responses`. A budget refuses a Responses call it cannot afford, and still serves its hits; the
// one Responses path that spends outside /v1/responses (compaction) is refused to it rather than unmetered.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type OpenAI from 'openai'
import { estimateTokens } from '../../src/limits/estimate'
import { costOf, Prices } from '../../src/openai/prices'
import { eventually, todayUtc, usageOf } from '../helpers/budget'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { TOKENS_PER_MESSAGE } from '../helpers/fake-deepseek'
import { fakeSimilarity, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { sdkError } from '../helpers/named-keys'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// page.waitForFunction() callbacks run in the browser; this project's tsconfig has no DOM library.
declare const document: any

const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-0123456789'
const ALICE = 'Rb8Lq3Zt6Wm1Hc9Vx4Kd'
const BOB = 'Gy2Nf7Pa5Ju0Ce3Ts8Qw'
const ADMIN_KEY = 'admin-Xp4Md9Ks2Bv7Rt1Lz'
const NATIVE = 'gpt-4o-mini'
const TRANSLATED = 'deepseek-chat'
/**
 * Priced here, as an operator would (MODEL_PRICES replaces the catalogue's entries); both prices high enough
 * that the usage figures, rounded to a millionth of a dollar, still tell one token from another.
 */
const MODEL_PRICES = { [NATIVE]: { input: 150, output: 600 }, [TRANSLATED]: { input: 270, output: 1100 } }
const PRICES = new Prices(MODEL_PRICES)
const BOB_CAP = 50

let native: FakeUpstream
let chatOnly: FakeUpstream
beforeAll(async () => {
  native = await startFakeUpstream({ name: 'native' })
  chatOnly = await startFakeUpstream({ speaks: 'chat', name: 'deepseek' })
})
afterAll(async () => {
  await native.stop()
  await chatOnly.stop()
})

const start = (keys: object[]) =>
  startProxy(
    {
      PROXY_CONFIG: JSON.stringify({
        upstreams: [
          { name: 'openai', base_url: `${native.url}/v1`, keys: [REAL_KEY], models: ['gpt-*', 'text-embedding-*'] },
          { name: 'deepseek', base_url: `${chatOnly.url}/v1`, provider: 'openai-chat', keys: [DEEPSEEK_KEY], models: ['deepseek-*'] },
        ],
        keys,
      }),
      PROXY_KEY,
      ADMIN_KEY,
      MODEL_RATE_LIMIT: '0',
      MAX_OUTPUT_TOKENS: '0',
      CACHE_SIMILARITY_THRESHOLD: '0.8',
      MODEL_PRICES: JSON.stringify(MODEL_PRICES),
    },
    native
  )

const question = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`

interface Called {
  usage: { input_tokens: number; output_tokens: number }
  id: string
  cache: string | null
  match: string | null
}

async function create(client: OpenAI, model: string, input: string): Promise<Called> {
  const { data, response } = await client.responses.create({ model, input }).withResponse()
  return { usage: data.usage!, id: data.id, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match') }
}

/** A streamed call read to its end; its figures are those of `response.completed`. */
async function stream(client: OpenAI, model: string, input: string): Promise<Called> {
  const { data, response } = await client.responses.create({ model, input, stream: true }).withResponse()
  let final: OpenAI.Responses.Response | undefined
  for await (const event of data) if (event.type === 'response.completed') final = event.response
  if (!final) throw new Error('the stream ended without response.completed')
  return { usage: final.usage!, id: final.id, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match') }
}

const tokens = (...calls: Called[]) => ({
  prompt: calls.reduce((n, c) => n + c.usage.input_tokens, 0),
  completion: calls.reduce((n, c) => n + c.usage.output_tokens, 0),
})
const usd = (model: string, ...calls: Called[]) => calls.reduce((n, c) => n + costOf(PRICES, model, { promptTokens: c.usage.input_tokens, completionTokens: c.usage.output_tokens }), 0)

describe('a budgeted key calling /v1/responses: native and translated, JSON and streamed, misses and hits', () => {
  let proxy: TestProxy
  const calls = {} as Record<'nativeJson' | 'nativeStream' | 'translatedJson' | 'translatedStream' | 'exact' | 'hot' | 'streamedHit' | 'semantic', Called>
  const original = `What is the capital of France? ${crypto.randomUUID().slice(0, 8)}`
  const paraphrase = original.replace('What is the capital of France?', 'Tell me the capital city of France')

  beforeAll(async () => {
    proxy = await start([{ name: 'alice', key: ALICE, budget: { usd: 100, per: 'month' } }])
    const client = proxy.client({ apiKey: ALICE })
    const repeated = question('Say hi natively')
    const streamedQuestion = question('Stream through chat')
    calls.nativeJson = await create(client, NATIVE, repeated)
    calls.nativeStream = await stream(client, NATIVE, question('Stream natively'))
    calls.translatedJson = await create(client, TRANSLATED, original)
    calls.translatedStream = await stream(client, TRANSLATED, streamedQuestion)
    calls.exact = await create(client, NATIVE, repeated)
    // The same bytes again, after an exact hit: the path of the answers kept ready (hot-answers.ts) counts too.
    calls.hot = await create(client, NATIVE, repeated)
    calls.streamedHit = await stream(client, TRANSLATED, streamedQuestion)
    calls.semantic = await create(client, TRANSLATED, paraphrase)
  })
  afterAll(() => proxy.stop())

  const misses = () => [calls.nativeJson, calls.nativeStream, calls.translatedJson, calls.translatedStream]
  const spent = () => usd(NATIVE, calls.nativeJson, calls.nativeStream) + usd(TRANSLATED, calls.translatedJson, calls.translatedStream)
  // A hit saves what its stored answer used: the usage it replays.
  const savedUsd = () => usd(NATIVE, calls.nativeJson, calls.nativeJson) + usd(TRANSLATED, calls.translatedStream, calls.translatedJson)
  const today = () => ({ requests: 8, hits: 4, prompt_tokens: tokens(...misses()).prompt, completion_tokens: tokens(...misses()).completion })

  test('the session: four misses went upstream (two translated to chat), four hits did not', () => {
    expect(fakeSimilarity(original, paraphrase)).toBeGreaterThanOrEqual(0.8)
    expect(misses().map((c) => c.cache)).toEqual(['MISS', 'MISS', 'MISS', 'MISS'])
    expect([calls.exact, calls.hot, calls.streamedHit, calls.semantic].map((c) => c.match)).toEqual(['exact', 'exact', 'exact', 'semantic'])
    expect(calls.exact.id).toBe(calls.nativeJson.id)
    expect(calls.streamedHit.usage).toEqual(calls.translatedStream.usage)
    expect(native.requests.filter((r) => r.path === '/v1/responses')).toHaveLength(2)
    expect(chatOnly.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2)
    for (const call of misses()) expect(call.usage.input_tokens).toBeGreaterThan(0)
  })

  test("GET /v1/usage: the key's requests, hits, tokens, cost and savings; its budget spent by the misses alone", async () => {
    const usage = await eventually(() => usageOf(proxy.url, ALICE), (u) => u.reserved === 0 && u.today.requests === 8)
    expect(usage.today).toMatchObject(today())
    expect(usage.today.cost_usd).toBeCloseTo(spent(), 6)
    expect(usage.today.saved_usd).toBeCloseTo(savedUsd(), 6)
    expect(usage.today.saved_usd).toBeGreaterThan(0)
    expect(usage.spent).toBeCloseTo(spent(), 6)
    expect(usage.remaining).toBeCloseTo(100 - spent(), 6)
  })

  test('GET /admin/keys/{name}: the same figures today, this month and all time', async () => {
    const response = await fetch(`${proxy.url}/admin/keys/alice`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect(response.status).toBe(200)
    const { usage } = (await response.json()) as any
    expect(usage.reserved).toBe(0)
    expect(usage.spent).toBeCloseTo(spent(), 6)
    for (const period of [usage.today, usage.this_month, usage.all_time]) {
      expect(period).toMatchObject(today())
      expect(period.cost_usd).toBeCloseTo(spent(), 6)
      expect(period.saved_usd).toBeCloseTo(savedUsd(), 6)
    }
    expect(usage.period.id).toBe(`month:${todayUtc().slice(0, 7)}`)
  })

  test('/stats: requests under the endpoint responses, by model; the hits and the tokens and dollars they saved', async () => {
    const stats: any = await eventually(async () => (await fetch(`${proxy.url}/stats`)).json(), (s: any) => s.requests.total === 8)
    expect(stats.requests.byEndpoint.responses).toBe(8)
    expect(Object.values(stats.requests.byEndpoint).reduce((a: number, b: any) => a + b, 0)).toBe(8)
    expect(stats.requests.byModel).toEqual({ [NATIVE]: 4, [TRANSLATED]: 4 })
    expect(stats.cache.hits).toEqual({ exact: 3, semantic: 1 })
    expect(stats.cache.misses).toBe(4)
    expect(stats.upstream.requests).toBe(4)
    const saved = tokens(calls.nativeJson, calls.nativeJson, calls.translatedStream, calls.translatedJson)
    expect(stats.savings).toMatchObject({ promptTokens: saved.prompt, completionTokens: saved.completion, totalTokens: saved.prompt + saved.completion })
    expect(stats.savings.usd).toBeCloseTo(savedUsd(), 6)
    const nativeSaved = tokens(calls.nativeJson, calls.nativeJson)
    expect(stats.savings.byModel[NATIVE].tokens).toBe(nativeSaved.prompt + nativeSaved.completion)
    expect(stats.savings.byModel[TRANSLATED].usd).toBeCloseTo(usd(TRANSLATED, calls.translatedStream, calls.translatedJson), 6)
  })

  test('/metrics: the endpoint label responses, by model and cache outcome; tokens saved; upstream latency', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const requests = (model: string, cache: string) => `proxy_gpt_requests_total{endpoint="responses",model="${model}",status_class="2xx",cache="${cache}"}`
    expect(text).toContain(`${requests(NATIVE, 'miss')} 2`)
    expect(text).toContain(`${requests(NATIVE, 'hit_exact')} 2`)
    expect(text).toContain(`${requests(TRANSLATED, 'miss')} 2`)
    expect(text).toContain(`${requests(TRANSLATED, 'hit_exact')} 1`)
    expect(text).toContain(`${requests(TRANSLATED, 'hit_semantic')} 1`)
    expect(text).toContain(`proxy_gpt_tokens_saved_total{model="${NATIVE}",kind="prompt"} ${2 * calls.nativeJson.usage.input_tokens}`)
    expect(text).toContain(`proxy_gpt_tokens_saved_total{model="${TRANSLATED}",kind="completion"} ${tokens(calls.translatedStream, calls.translatedJson).completion}`)
    expect(text).toMatch(/proxy_gpt_upstream_duration_seconds_count\{endpoint="responses"\} 4\n/)
    expect(text).toMatch(/proxy_gpt_request_duration_seconds_count\{endpoint="responses",cache="hit_exact"\} 3\n/)
  })

  test.skipIf(!chromiumAvailable())('the status page lists the Responses endpoint with its requests', async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      await page.goto(`${proxy.url}/`)
      await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
      const rows = await page.$$eval('#by-endpoint tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td.name')?.textContent, tr.querySelector('td.num')?.textContent]))
      expect(rows).toContainEqual(['Responses/v1/responses', '8'])
      expect(await page.textContent('#by-endpoint tbody')).not.toContain('Say hi')
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('a budget that cannot afford a Responses call', () => {
  // Room for one translated call's estimate, or for what it used and nothing more: the second call is refused.
  const first = question('Spend my budget')
  const estimate = estimateTokens('responses', { model: TRANSLATED, input: first, max_output_tokens: BOB_CAP })
  // What the chat-only fake reports for one user message: one prompt message, one token per answer word.
  const used = TOKENS_PER_MESSAGE + `Echo: ${first}`.split(' ').length
  const budget = estimate.promptTokens + estimate.completionTokens + used - 1
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await start([{ name: 'bob', key: BOB, budget: { tokens: budget, per: 'day' }, max_output_tokens: BOB_CAP }])
  })
  afterAll(() => proxy.stop())

  test('a refused translation spends nothing; a call is settled to the usage it reported; the next refused 429 insufficient_quota, unsent; a hit still served', async () => {
    const client = proxy.client({ apiKey: BOB })
    // What cannot be translated is refused after the budget was reserved: the reservation goes back whole.
    const untranslatable = await sdkError(client.responses.create({ model: TRANSLATED, input: first, background: true }))
    expect(untranslatable.code).toBe('unsupported_by_upstream')
    expect(await usageOf(proxy.url, BOB)).toMatchObject({ spent: 0, reserved: 0, today: { requests: 0 } })
    const paid = await create(client, TRANSLATED, first)
    expect(paid.usage.input_tokens + paid.usage.output_tokens).toBe(used)
    const after = await eventually(() => usageOf(proxy.url, BOB), (u) => u.reserved === 0 && u.today.requests === 1)
    expect(after.spent).toBe(used)
    const sent = chatOnly.requests.length
    const refused = await sdkError(client.responses.create({ model: TRANSLATED, input: question('One more please') }))
    expect(refused.status).toBe(429)
    expect(refused.code).toBe('insufficient_quota')
    expect(chatOnly.requests.length).toBe(sent)
    const hit = await create(client, TRANSLATED, first)
    expect(hit.match).toBe('exact')
    expect(hit.id).toBe(paid.id)
    const usage = await usageOf(proxy.url, BOB)
    expect(usage.spent).toBe(used)
    expect(usage.today).toMatchObject({ requests: 2, hits: 1, prompt_tokens: paid.usage.input_tokens, completion_tokens: paid.usage.output_tokens })
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.overBudget).toBe(1)
    expect(stats.requests.byEndpoint.responses).toBe(4)
  })

  test('compaction (POST /v1/responses/compact) runs the model unmetered: refused 403 not_metered to a key with a budget, unsent', async () => {
    const compact = (key: string) =>
      fetch(`${proxy.baseURL}/responses/compact`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: NATIVE, input: [{ role: 'user', content: question('A long conversation') }] }),
      })
    const sent = native.requests.length
    const refused = await compact(BOB)
    expect(refused.status).toBe(403)
    const { error } = (await refused.json()) as any
    expect(error.code).toBe('not_metered')
    expect(error.message).toContain('/responses/compact')
    expect(native.requests.length).toBe(sent)
    // A key without a budget has it forwarded, as any other call of the group.
    await (await compact(PROXY_KEY)).text()
    expect(native.requests.at(-1)?.path).toBe('/v1/responses/compact')
  })
})
