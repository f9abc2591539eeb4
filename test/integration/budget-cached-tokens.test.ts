// Spend that matches the bill (DESIGN §1.9, issue 23 point 2): the prompt tokens a provider read from its
// prompt cache (OpenAI's `cached_tokens`, DeepSeek's `prompt_cache_hit_tokens`, Anthropic's cache reads) and
// wrote to it (Anthropic's cache writes) are read from every answer, JSON and streamed, and reach the key's
// usage (`/v1/usage`, the admin view), its budget (settled at the cached and cache-write prices), a cache
// hit's "saved", and `/stats`.

import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eventually, usageOf } from '../helpers/budget'
import { fakeInputTokens, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { reasoningFor, TOKENS_PER_MESSAGE } from '../helpers/fake-deepseek'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-5f4e3d2c1b'
const CLAUDE_KEY = 'sk-ant-api03-upstream-key-Tq8Wm3Zr6Lp1'
const ALICE = 'Cq7Tn2Wx9Lb4Pz6Hd1Fm'
const ADMIN_KEY = 'admin-Vh3Qs8Ln5Yc2Jw7Rk'
/** How many of the OpenAI fake's 10 prompt tokens its prompt cache served. */
const OPENAI_CACHED = 8

/** What the operator set, per million tokens; high, so a millionth of a dollar still tells one token from another. */
interface Price {
  input: number
  cached_input: number
  cache_write?: number
  output: number
}
const PRICES: Record<string, Price> = {
  'gpt-4o-mini': { input: 150, cached_input: 75, output: 600 },
  'deepseek-chat': { input: 270, cached_input: 70, output: 1100 },
  'deepseek-reasoner': { input: 550, cached_input: 140, output: 2190 },
  'claude-sonnet-4-5': { input: 3000, cached_input: 300, cache_write: 3750, output: 15000 },
}

interface Counted {
  prompt: number
  completion: number
  cached?: number
  written?: number
  reasoning?: number
}

/** DESIGN §1.9: the uncached input at the input price, cache reads and writes at theirs, the output at its own. */
function usdOf(model: string, t: Counted): number {
  const p = PRICES[model]!
  const cached = t.cached ?? 0
  const written = t.written ?? 0
  return ((t.prompt - cached - written) * p.input + cached * p.cached_input + written * (p.cache_write ?? p.input) + t.completion * p.output) / 1_000_000
}

/** The same tokens priced as before cached tokens were read: every prompt token at the input price. */
const usdAllInput = (model: string, t: Counted) => usdOf(model, { prompt: t.prompt, completion: t.completion })

let openai: FakeUpstream
let deepseek: FakeUpstream
let claude: FakeAnthropic
let proxy: TestProxy
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai', cachedTokens: OPENAI_CACHED })
  deepseek = await startFakeUpstream({ name: 'deepseek', speaks: 'chat' })
  claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
  const config = {
    upstreams: [
      { name: 'openai', base_url: `${openai.url}/v1`, keys: [REAL_KEY], models: ['gpt-*'] },
      { name: 'deepseek', base_url: `${deepseek.url}/v1`, provider: 'openai-chat', keys: [DEEPSEEK_KEY], models: ['deepseek-*'] },
      { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*'] },
    ],
    keys: [{ name: 'alice', key: ALICE, budget: { usd: 1000, per: 'day' } }],
  }
  proxy = await startProxy(
    {
      PROXY_CONFIG: JSON.stringify(config),
      PROXY_KEY,
      ADMIN_KEY,
      MODEL_RATE_LIMIT: '0',
      MAX_OUTPUT_TOKENS: '0',
      CACHE_SEMANTIC: 'false',
      MODEL_PRICES: JSON.stringify(PRICES),
    },
    openai
  )
})
afterAll(async () => {
  await proxy.stop()
  await openai.stop()
  await deepseek.stop()
  await claude.stop()
})

const question = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`
const words = (text: string) => text.split(' ').length

type Figures = { requests: number; prompt_tokens: number; completion_tokens: number; cached_tokens: number; cache_write_tokens: number; reasoning_tokens: number; cost_usd: number; saved_usd: number }
const FIELDS = ['requests', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_write_tokens', 'reasoning_tokens', 'cost_usd', 'saved_usd'] as const

async function adminToday(): Promise<Figures> {
  const response = await fetch(`${proxy.url}/admin/keys/alice`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  expect(response.status).toBe(200)
  return ((await response.json()) as any).usage.today
}

/**
 * Runs `call` and gives what it added to the key's usage, as `/v1/usage` and the admin view both say it
 * (once it has settled: a stream's settles as it ends), and to the budget's spend.
 */
async function measured(call: () => Promise<unknown>) {
  const before = await usageOf(proxy.url, ALICE)
  const adminBefore = await adminToday()
  await call()
  const after = await eventually(
    () => usageOf(proxy.url, ALICE),
    (u) => u.reserved === 0 && u.today.requests > before.today.requests
  )
  const adminAfter = await adminToday()
  const delta = (a: Figures, b: Figures) => Object.fromEntries(FIELDS.map((f) => [f, a[f] - b[f]])) as Figures
  const today = delta(after.today, before.today)
  expect(delta(adminAfter, adminBefore)).toEqual(today)
  return { today, spent: after.spent - before.spent }
}

/** Each call measured above, for the dollars its budget was settled to (the last describe). */
const settled: Array<{ name: string; model: string; m: { today: Figures; spent: number }; t: Counted }> = []
const saved: Array<{ model: string; usd: number; t: Counted }> = []

/** The usage added is `t` (the dollars it settled to are checked at the end, from `settled`). */
function expectCounted(name: string, model: string, m: { today: Figures; spent: number }, t: Counted) {
  expect(m.today).toMatchObject({
    requests: 1,
    prompt_tokens: t.prompt,
    completion_tokens: t.completion,
    cached_tokens: t.cached ?? 0,
    cache_write_tokens: t.written ?? 0,
    reasoning_tokens: t.reasoning ?? 0,
  })
  settled.push({ name, model, m, t })
}

describe("OpenAI's prompt_tokens_details.cached_tokens", () => {
  const client = () => proxy.client({ apiKey: ALICE })
  const tokens = (q: string): Counted => ({ prompt: 10, cached: OPENAI_CACHED, completion: words(`Echo: ${q}`) })

  test('a JSON answer', async () => {
    const q = question('Cached JSON')
    const m = await measured(() => client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] }))
    expectCounted('OpenAI JSON', 'gpt-4o-mini', m, tokens(q))
  })

  test('a stream (the usage chunk, asked for by the proxy and withheld from a client that did not ask)', async () => {
    const q = question('Cached stream')
    const m = await measured(async () => {
      const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }], stream: true })
      for await (const chunk of stream) expect(chunk.usage ?? null).toBeNull()
    })
    expectCounted('OpenAI stream', 'gpt-4o-mini', m, tokens(q))
  })

  test('a cache hit saves what the stored answer cost; /stats counts its cached tokens', async () => {
    const q = question('Asked twice')
    const ask = () => client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] }).withResponse()
    await measured(ask)
    const statsBefore = (await (await fetch(`${proxy.url}/stats`)).json()) as any
    const before = await usageOf(proxy.url, ALICE)
    const hit = await ask()
    expect(hit.response.headers.get('x-cache')).toBe('HIT')
    const after = await eventually(
      () => usageOf(proxy.url, ALICE),
      (u) => u.today.hits > before.today.hits
    )
    expect(after.spent).toBe(before.spent)
    expect(after.today.cached_tokens).toBe(before.today.cached_tokens)
    saved.push({ model: 'gpt-4o-mini', usd: after.today.saved_usd - before.today.saved_usd, t: tokens(q) })
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as any
    expect(stats.savings.cachedTokens - statsBefore.savings.cachedTokens).toBe(OPENAI_CACHED)
    expect(stats.savings.promptTokens - statsBefore.savings.promptTokens).toBe(10)
  })
})

describe("DeepSeek's prompt_cache_hit_tokens (a provider: openai-chat upstream)", () => {
  const client = () => proxy.client({ apiKey: ALICE })
  // Three messages: DeepSeek's cache (as the fake keeps it) holds the first two.
  const conversation = (q: string) => [
    { role: 'user' as const, content: 'Hello' },
    { role: 'assistant' as const, content: 'Echo: Hello' },
    { role: 'user' as const, content: q },
  ]

  test('a JSON answer', async () => {
    const q = question('DeepSeek JSON')
    const m = await measured(() => client().chat.completions.create({ model: 'deepseek-chat', messages: conversation(q) }))
    expectCounted('DeepSeek JSON', 'deepseek-chat', m, { prompt: 3 * TOKENS_PER_MESSAGE, cached: 2 * TOKENS_PER_MESSAGE, completion: words(`Echo: ${q}`) })
  })

  test("a stream of the reasoner: the cache hits, and its reasoning tokens inside the completion", async () => {
    const q = question('DeepSeek reasons')
    const m = await measured(async () => {
      const stream = await client().chat.completions.create({ model: 'deepseek-reasoner', messages: conversation(q), stream: true })
      for await (const _chunk of stream) {
        // read to the end
      }
    })
    const reasoning = words(reasoningFor('deepseek-reasoner', q)!)
    expectCounted('DeepSeek stream', 'deepseek-reasoner', m, { prompt: 3 * TOKENS_PER_MESSAGE, cached: 2 * TOKENS_PER_MESSAGE, completion: words(`Echo: ${q}`) + reasoning, reasoning })
  })
})

describe("Anthropic's cache_read_input_tokens and cache_creation_input_tokens (a provider: anthropic upstream)", () => {
  const anthropic = () => new Anthropic({ apiKey: ALICE, baseURL: proxy.url, maxRetries: 0 })
  /** A system prompt marked for Anthropic's cache: written by the first request that sends it, read by the next. */
  const system = (text: string) => [{ type: 'text' as const, text, cache_control: { type: 'ephemeral' as const } }]
  const counted = (usage: Anthropic.Usage): Counted => {
    const read = usage.cache_read_input_tokens ?? 0
    const written = usage.cache_creation_input_tokens ?? 0
    return { prompt: usage.input_tokens + read + written, cached: read || undefined, written: written || undefined, completion: usage.output_tokens }
  }

  test('JSON: the first answer writes the cache, the second reads it', async () => {
    const instructions = question('You are a careful assistant who answers in one short sentence about')
    let message!: Anthropic.Message
    const ask = () => anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, system: system(instructions), messages: [{ role: 'user', content: question('Hi') }] })
    const writes = await measured(async () => (message = await ask()))
    expect(message.usage.cache_creation_input_tokens).toBeGreaterThan(0)
    expectCounted('Anthropic JSON, cache written', 'claude-sonnet-4-5', writes, counted(message.usage))

    const reads = await measured(async () => (message = await ask()))
    expect(message.usage.cache_read_input_tokens).toBeGreaterThan(0)
    expectCounted('Anthropic JSON, cache read', 'claude-sonnet-4-5', reads, counted(message.usage))
  })

  test("a stream: message_start's input counts (the cache's too) with message_delta's output", async () => {
    const instructions = question('You answer questions about rivers, briefly, for')
    await anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, system: system(instructions), messages: [{ role: 'user', content: question('Warm up') }] })
    await eventually(
      () => usageOf(proxy.url, ALICE),
      (u) => u.reserved === 0
    )
    let message!: Anthropic.Message
    const m = await measured(async () => {
      message = await anthropic()
        .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, system: system(instructions), messages: [{ role: 'user', content: question('How long is the Loire?') }] })
        .finalMessage()
    })
    expect(message.usage.cache_read_input_tokens).toBeGreaterThan(0)
    expectCounted('Anthropic stream, cache read', 'claude-sonnet-4-5', m, counted(message.usage))
  })

  test("a stream cut by the upstream: message_start's input counts, the cache's included, and the text received", async () => {
    const instructions = question('You name capitals, nothing more, of')
    const body = (content: string) => ({ model: 'claude-sonnet-4-5', max_tokens: 100, system: system(instructions), messages: [{ role: 'user' as const, content }] })
    const first = await anthropic().messages.create(body(question('Warm up')))
    await eventually(
      () => usageOf(proxy.url, ALICE),
      (u) => u.reserved === 0
    )
    // The same prompt again, so its cached part is known: the fake reads what the first one wrote.
    const cached = first.usage.cache_creation_input_tokens!
    const q = question('What is the capital of Peru?')
    claude.fault({ cutAfterChunks: 4, chunkDelayMs: 10 })
    const m = await measured(async () => {
      const response = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': ALICE, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ ...body(q), stream: true }) })
      await response.text().catch(() => '')
    })
    expect(m.today).toMatchObject({ requests: 1, cached_tokens: cached, cache_write_tokens: 0 })
    expect(m.today.prompt_tokens).toBe(fakeInputTokens(body(q)))
    expect(m.today.completion_tokens).toBeGreaterThan(0)
  })
})

describe('the budget settles at the cached and cache-write prices (DESIGN §1.9)', () => {
  test('each call above: spent and cost_usd at its price; cheaper than all input at the input price when the cache served some, dearer when it wrote', () => {
    expect(settled.map((s) => s.name)).toHaveLength(7)
    for (const { name, model, m, t } of settled) {
      const usd = usdOf(model, t)
      expect({ name, spent: m.spent, cost: m.today.cost_usd }).toEqual({ name, spent: expect.closeTo(usd, 6), cost: expect.closeTo(usd, 6) })
      if (t.cached) expect(m.spent).toBeLessThan(usdAllInput(model, t))
      if (t.written) expect(m.spent).toBeGreaterThan(usdAllInput(model, t))
    }
  })

  test("a hit's saved_usd: the stored answer's cost, its cached tokens at the cached price", () => {
    expect(saved).toHaveLength(1)
    for (const { model, usd, t } of saved) expect(usd).toBeCloseTo(usdOf(model, t), 6)
  })
})
