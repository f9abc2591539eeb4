// Messages calls and hits count like chat ones (DESIGN §1.8 "Messages", issue 22 point 6): a named key with a
// budget calls /v1/messages with the Anthropic SDK natively (a `provider: anthropic` upstream) and translated
// (a `provider: openai-chat` one), as JSON and streamed, and is served exact and semantic hits. Its own
// `/v1/usage`, the operator's `GET /admin/keys/{name}`, `/stats`, `/metrics` and the status page then show
// those calls under the endpoint `messages`: requests, hits, tokens and cost from each answer's Anthropic usage,
// whose prompt is `input_tokens` + `cache_read_input_tokens` + `cache_creation_input_tokens` (a stream's from
// `message_start` and `message_delta` together), and what the hits saved. A budget refuses a Messages call it
// cannot afford, in Anthropic's envelope, and still serves its hits.

import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { estimateTokens } from '../../src/limits/estimate'
import { eventually, todayUtc, usageOf } from '../helpers/budget'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { TOKENS_PER_MESSAGE } from '../helpers/fake-deepseek'
import { fakeSimilarity, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// page.waitForFunction() callbacks run in the browser; this project's tsconfig has no DOM library.
declare const document: any

const CLAUDE_KEY = 'sk-ant-api03-upstream-key-Mt4Kx8Qp1Zr6'
const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-5647382910'
const ALICE = 'Qw3Er8Ty1Ui6Op4As9Df'
const BOB = 'Zx7Cv2Bn5Mq8Wp3Lk6Jh'
const ADMIN_KEY = 'admin-Hn6Tg1Yu8Rf3Ed5Ws'
const NATIVE = 'claude-sonnet-4-5'
const TRANSLATED = 'deepseek-chat'
/**
 * Neither model is in the built-in table: priced here, as an operator would (no cached-input or cache-write
 * price, so those tokens cost the input price); high enough that figures rounded to a millionth of a dollar
 * still tell one token from another.
 */
const MODEL_PRICES = { [NATIVE]: { input: 300, output: 1500 }, [TRANSLATED]: { input: 270, output: 1100 } }
const BOB_CAP = 50
/** A system prompt Claude Code-style, marked for Anthropic's prompt cache: written by the first call, read after. */
const SYSTEM = [{ type: 'text' as const, text: 'You are a careful assistant for metering tests.', cache_control: { type: 'ephemeral' as const } }]

let openai: FakeUpstream
let claude: FakeAnthropic
let chatOnly: FakeUpstream
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai' })
  claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
  chatOnly = await startFakeUpstream({ speaks: 'chat', name: 'deepseek' })
})
afterAll(async () => {
  await openai.stop()
  await claude.stop()
  await chatOnly.stop()
})

const start = (keys: object[]) =>
  startProxy(
    {
      PROXY_CONFIG: JSON.stringify({
        upstreams: [
          // The cache's embeddings only.
          { name: 'openai', base_url: `${openai.url}/v1`, keys: [REAL_KEY], models: ['text-embedding-*'] },
          { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*'] },
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
    openai
  )

const question = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`
const anthropic = (proxy: TestProxy, apiKey: string) => new Anthropic({ apiKey, baseURL: proxy.url, maxRetries: 0, timeout: 10_000 })

interface Called {
  usage: Anthropic.Usage
  content: Anthropic.ContentBlock[]
  cache: string | null
  match: string | null
}

const params = (model: string, content: string, system?: typeof SYSTEM) => ({ model, max_tokens: 200, ...(system ? { system } : {}), messages: [{ role: 'user' as const, content }] })

async function create(client: Anthropic, model: string, content: string, system?: typeof SYSTEM): Promise<Called> {
  const { data, response } = await client.messages.create(params(model, content, system)).withResponse()
  return { usage: data.usage, content: data.content, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match') }
}

/** A streamed call read to its end; `finalMessage()` merges message_start's usage with message_delta's. */
async function stream(client: Anthropic, model: string, content: string, system?: typeof SYSTEM): Promise<Called> {
  const { data, response } = await client.messages.stream(params(model, content, system)).withResponse()
  const final = await data.finalMessage()
  return { usage: final.usage, content: final.content, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match') }
}

/** Anthropic's prompt: what was neither read from nor written to its prompt cache, plus both. */
const promptOf = (c: Called) => c.usage.input_tokens + (c.usage.cache_read_input_tokens ?? 0) + (c.usage.cache_creation_input_tokens ?? 0)
const tokens = (...calls: Called[]) => ({
  prompt: calls.reduce((n, c) => n + promptOf(c), 0),
  completion: calls.reduce((n, c) => n + c.usage.output_tokens, 0),
})
const usd = (model: keyof typeof MODEL_PRICES, ...calls: Called[]) => {
  const t = tokens(...calls)
  return (t.prompt * MODEL_PRICES[model].input + t.completion * MODEL_PRICES[model].output) / 1_000_000
}

describe('a budgeted key calling /v1/messages: native and translated, JSON and streamed, misses and hits', () => {
  let proxy: TestProxy
  const calls = {} as Record<'nativeJson' | 'nativeStream' | 'translatedJson' | 'translatedStream' | 'exact' | 'hot' | 'streamedHit' | 'semantic', Called>
  const original = `What is the capital of France? ${crypto.randomUUID().slice(0, 8)}`
  const paraphrase = original.replace('What is the capital of France?', 'Tell me the capital city of France')

  beforeAll(async () => {
    proxy = await start([{ name: 'alice', key: ALICE, budget: { usd: 100, per: 'month' } }])
    const client = anthropic(proxy, ALICE)
    const repeated = question('Say hi natively')
    const streamedQuestion = question('Stream through chat')
    calls.nativeJson = await create(client, NATIVE, repeated, SYSTEM)
    calls.nativeStream = await stream(client, NATIVE, question('Stream natively'), SYSTEM)
    calls.translatedJson = await create(client, TRANSLATED, original)
    calls.translatedStream = await stream(client, TRANSLATED, streamedQuestion, SYSTEM)
    calls.exact = await create(client, NATIVE, repeated, SYSTEM)
    // The same bytes again, after an exact hit: the path of the answers kept ready (hot-answers.ts) counts too.
    calls.hot = await create(client, NATIVE, repeated, SYSTEM)
    calls.streamedHit = await stream(client, TRANSLATED, streamedQuestion, SYSTEM)
    calls.semantic = await create(client, TRANSLATED, paraphrase)
  })
  afterAll(() => proxy.stop())

  const misses = () => [calls.nativeJson, calls.nativeStream, calls.translatedJson, calls.translatedStream]
  const spent = () => usd(NATIVE, calls.nativeJson, calls.nativeStream) + usd(TRANSLATED, calls.translatedJson, calls.translatedStream)
  // A hit saves what its stored answer used: the usage it replays.
  const savedUsd = () => usd(NATIVE, calls.nativeJson, calls.nativeJson) + usd(TRANSLATED, calls.translatedStream, calls.translatedJson)
  const today = () => ({ requests: 8, hits: 4, prompt_tokens: tokens(...misses()).prompt, completion_tokens: tokens(...misses()).completion })

  test("the session: four misses went upstream (two translated to chat), four hits did not; the prompt cache's tokens are in the usage", () => {
    expect(fakeSimilarity(original, paraphrase)).toBeGreaterThanOrEqual(0.8)
    expect(misses().map((c) => c.cache)).toEqual(['MISS', 'MISS', 'MISS', 'MISS'])
    expect([calls.exact, calls.hot, calls.streamedHit, calls.semantic].map((c) => c.match)).toEqual(['exact', 'exact', 'exact', 'semantic'])
    expect(calls.exact.content).toEqual(calls.nativeJson.content)
    expect(calls.streamedHit.usage).toMatchObject({ input_tokens: calls.translatedStream.usage.input_tokens, output_tokens: calls.translatedStream.usage.output_tokens })
    expect(claude.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(2)
    expect(chatOnly.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2)
    // The anthropic upstream wrote the system prompt to its cache on the first call and read it on the second
    // (a stream, whose input counts come in message_start); DeepSeek read the earlier of two chat messages.
    expect(calls.nativeJson.usage.cache_creation_input_tokens).toBeGreaterThan(0)
    expect(calls.nativeStream.usage.cache_read_input_tokens).toBe(calls.nativeJson.usage.cache_creation_input_tokens!)
    expect(calls.translatedStream.usage.cache_read_input_tokens).toBe(TOKENS_PER_MESSAGE)
    for (const call of misses()) expect(call.usage.input_tokens).toBeGreaterThan(0)
  })

  test("GET /v1/usage: the key's requests, hits, tokens (the prompt cache's included), cost and savings; its budget spent by the misses alone", async () => {
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

  test('/stats: requests under the endpoint messages, by model; the hits and the tokens and dollars they saved', async () => {
    const stats: any = await eventually(async () => (await fetch(`${proxy.url}/stats`)).json(), (s: any) => s.requests.total === 8)
    expect(stats.requests.byEndpoint.messages).toBe(8)
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

  test('/metrics: the endpoint label messages, by model and cache outcome; tokens saved; upstream latency', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const requests = (model: string, cache: string) => `proxy_gpt_requests_total{endpoint="messages",model="${model}",status_class="2xx",cache="${cache}"}`
    expect(text).toContain(`${requests(NATIVE, 'miss')} 2`)
    expect(text).toContain(`${requests(NATIVE, 'hit_exact')} 2`)
    expect(text).toContain(`${requests(TRANSLATED, 'miss')} 2`)
    expect(text).toContain(`${requests(TRANSLATED, 'hit_exact')} 1`)
    expect(text).toContain(`${requests(TRANSLATED, 'hit_semantic')} 1`)
    expect(text).toContain(`proxy_gpt_tokens_saved_total{model="${NATIVE}",kind="prompt"} ${2 * promptOf(calls.nativeJson)}`)
    expect(text).toContain(`proxy_gpt_tokens_saved_total{model="${TRANSLATED}",kind="completion"} ${tokens(calls.translatedStream, calls.translatedJson).completion}`)
    expect(text).toMatch(/proxy_gpt_upstream_duration_seconds_count\{endpoint="messages"\} 4\n/)
    expect(text).toMatch(/proxy_gpt_request_duration_seconds_count\{endpoint="messages",cache="hit_exact"\} 3\n/)
  })

  test.skipIf(!chromiumAvailable())('the status page lists the Messages endpoint with its requests', async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      await page.goto(`${proxy.url}/`)
      await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
      const rows = await page.$$eval('#by-endpoint tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td.name')?.textContent, tr.querySelector('td.num')?.textContent]))
      expect(rows).toContainEqual(['Messages (Anthropic)/v1/messages', '8'])
      expect(await page.textContent('#by-endpoint tbody')).not.toContain('Say hi')
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('a budget that cannot afford a Messages call', () => {
  // Room for one translated call's estimate, or for what it used and nothing more: the second call is refused.
  const first = question('Spend my budget')
  const second = question('One more please')
  const estimate = estimateTokens('messages', { model: TRANSLATED, max_tokens: BOB_CAP, messages: [{ role: 'user', content: first }] })
  // What the chat-only fake reports for one user message: one prompt message, one token per answer word.
  const used = TOKENS_PER_MESSAGE + `Echo: ${first}`.split(' ').length
  const budget = estimate.promptTokens + estimate.completionTokens + used - 1
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await start([{ name: 'bob', key: BOB, budget: { tokens: budget, per: 'day' }, max_output_tokens: BOB_CAP }])
  })
  afterAll(() => proxy.stop())

  test("a refused translation spends nothing; a call is settled to its usage; the next refused as Anthropic's rate_limit_error, unsent; a hit still served", async () => {
    expect(second.length).toBe(first.length)
    const client = anthropic(proxy, BOB)
    const ask = (content: string, extra: object = {}) => client.messages.create({ model: TRANSLATED, max_tokens: BOB_CAP, messages: [{ role: 'user', content }], ...extra } as any).withResponse()
    // What cannot be translated is refused after the budget was reserved: the reservation goes back whole.
    const untranslatable = await ask(first, { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'example' }] }).catch((e) => e)
    expect(untranslatable).toBeInstanceOf(Anthropic.BadRequestError)
    expect(untranslatable.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
    expect(untranslatable.error.error.message).toContain("'mcp_servers'")
    expect(await usageOf(proxy.url, BOB)).toMatchObject({ spent: 0, reserved: 0, today: { requests: 0 } })

    const paid = await ask(first)
    expect(paid.data.usage.input_tokens + paid.data.usage.output_tokens).toBe(used)
    const after = await eventually(() => usageOf(proxy.url, BOB), (u) => u.reserved === 0 && u.today.requests === 1)
    expect(after.spent).toBe(used)

    const sent = chatOnly.requests.length
    const refused = await ask(second).catch((e) => e)
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError)
    expect(refused.error.error.type).toBe('rate_limit_error')
    expect(refused.headers.get('x-should-retry')).toBe('false')
    expect(refused.headers.get('retry-after')).toBeTruthy()
    expect(chatOnly.requests.length).toBe(sent)

    const hit = await ask(first)
    expect(hit.response.headers.get('x-cache-match')).toBe('exact')
    expect(hit.data.content).toEqual(paid.data.content)
    const usage = await usageOf(proxy.url, BOB)
    expect(usage.spent).toBe(used)
    expect(usage.today).toMatchObject({ requests: 2, hits: 1, prompt_tokens: paid.data.usage.input_tokens, completion_tokens: paid.data.usage.output_tokens })
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.overBudget).toBe(1)
    expect(stats.requests.byEndpoint.messages).toBe(4)
  })
})
