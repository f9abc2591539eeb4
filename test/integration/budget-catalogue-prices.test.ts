// Prices from the catalogue (DESIGN §1.9, issue 23 point 1): with no MODEL_PRICES at all, a key with a dollar
// budget may call DeepSeek and Claude (once refused `model_not_priced`: the old table listed OpenAI's models
// only), directly or by a model_map alias, and each answer settles to what the catalogue says the model costs
// by the name of the upstream that answered — the provider-cached part of the prompt at the cached price,
// Anthropic's cache writes at theirs.

import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CATALOGUE } from '../../src/openai/price-catalogue'
import { CATALOGUE_PRICES, costOf } from '../../src/openai/prices'
import { tokensOf, type Tokens } from '../../src/openai/usage'
import { eventually, usageOf } from '../helpers/budget'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { TOKENS_PER_MESSAGE } from '../helpers/fake-deepseek'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-8d7c6b5a4f'
const CLAUDE_KEY = 'sk-ant-api03-upstream-key-Wd4Hn8Kq2Ys5'
const ALICE = 'Pm4Xs9Kd2Wq7Lc3Vb8Rt'

let deepseek: FakeUpstream
let claude: FakeAnthropic
let proxy: TestProxy
beforeAll(async () => {
  deepseek = await startFakeUpstream({ name: 'deepseek', speaks: 'chat' })
  claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
  const config = {
    upstreams: [
      { name: 'deepseek', base_url: `${deepseek.url}/v1`, provider: 'openai-chat', keys: [DEEPSEEK_KEY], models: ['deepseek-*', 'fast'], model_map: { fast: 'deepseek-chat' } },
      // Claude stands in for `fast` too, when DeepSeek fails (a lower priority: tried after it).
      { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*', 'smart', 'fast'], model_map: { smart: 'claude-sonnet-4-5', fast: 'claude-haiku-4-5' }, priority: 1 },
    ],
    keys: [{ name: 'alice', key: ALICE, budget: { usd: 100, per: 'day' } }],
  }
  // No MODEL_PRICES: every price below is the catalogue's.
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify(config), PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_SEMANTIC: 'false' }, deepseek)
})
afterAll(async () => {
  await proxy.stop()
  await deepseek.stop()
  await claude.stop()
})

/** Runs `call` and gives what the budget's spend grew by once it settled. */
async function spentBy(call: () => Promise<unknown>): Promise<number> {
  const before = await usageOf(proxy.url, ALICE)
  await call()
  const after = await eventually(
    () => usageOf(proxy.url, ALICE),
    (u) => u.reserved === 0 && u.today.requests > before.today.requests
  )
  return after.spent - before.spent
}

/** The spend as /v1/usage shows it: rounded to a millionth of a dollar. */
const expectSpent = (spent: number, model: string, tokens: Tokens) => {
  const usd = costOf(CATALOGUE_PRICES, model, tokens)
  expect(usd).toBeGreaterThan(0)
  expect(Math.abs(spent - usd)).toBeLessThanOrEqual(1.01e-6)
}

test('the start log names the catalogue, its version and size, and the MODEL_PRICES overrides', () => {
  expect(proxy.logs).toContain(`prices: @pydantic/genai-prices ${CATALOGUE.version} (${CATALOGUE.size} models), MODEL_PRICES overrides 0`)
})

describe('DeepSeek by its own name and by an alias, its cache hits at the cached price', () => {
  // A long conversation: all but the last message are DeepSeek's cache hits (fake-deepseek.ts).
  const messages = (last: string) => [
    ...Array.from({ length: 199 }, (_, i) => ({ role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant', content: `Turn ${i}` })),
    { role: 'user' as const, content: `${last} ${crypto.randomUUID().slice(0, 8)}` },
  ]

  test.each(['deepseek-chat', 'fast'])('%s: answered, not refused model_not_priced, and settled to deepseek-chat’s catalogue price', async (model) => {
    let usage: unknown
    const spent = await spentBy(async () => {
      const answer = await proxy.client({ apiKey: ALICE }).chat.completions.create({ model, messages: messages('How far is the Moon?') })
      usage = answer.usage
    })
    const tokens = tokensOf(usage)!
    expect(tokens).toMatchObject({ promptTokens: 200 * TOKENS_PER_MESSAGE, cachedTokens: 199 * TOKENS_PER_MESSAGE })
    expectSpent(spent, 'deepseek-chat', tokens)
    // Not every prompt token at the input price: the cached ones cost less.
    expect(spent).toBeLessThan(costOf(CATALOGUE_PRICES, 'deepseek-chat', { promptTokens: tokens.promptTokens, completionTokens: tokens.completionTokens }) - 1e-6)
  })
})

test('an exact cache hit of an alias saved what its upstream model costs: in the key’s usage and in /stats', async () => {
  const body = { model: 'fast', messages: [...Array.from({ length: 99 }, (_, i) => ({ role: 'user' as const, content: `Note ${i}` })), { role: 'user' as const, content: `What is a comet? ${crypto.randomUUID()}` }] }
  const client = proxy.client({ apiKey: ALICE })
  const first = await client.chat.completions.create(body)
  await eventually(
    () => usageOf(proxy.url, ALICE),
    (u) => u.reserved === 0
  )
  const stats = async () => ((await (await fetch(`${proxy.url}/stats`)).json()) as any).savings.usd as number
  const [before, statsBefore] = [await usageOf(proxy.url, ALICE), await stats()]
  const { response } = await client.chat.completions.create(body).withResponse()
  expect(response.headers.get('x-cache')).toBe('HIT')
  const saved = costOf(CATALOGUE_PRICES, 'deepseek-chat', tokensOf(first.usage)!)
  expect(saved).toBeGreaterThan(0)
  const after = await eventually(
    () => usageOf(proxy.url, ALICE),
    (u) => u.today.hits > before.today.hits
  )
  expect(Math.abs(after.today.saved_usd - before.today.saved_usd - saved)).toBeLessThanOrEqual(1.01e-6)
  // /stats rounds to a millionth of a dollar too.
  expect(Math.abs((await stats()) - statsBefore - saved)).toBeLessThanOrEqual(1.01e-6)
})

describe('Claude by its own name and by an alias, cache writes and reads at their prices', () => {
  const anthropic = () => new Anthropic({ apiKey: ALICE, baseURL: proxy.url, maxRetries: 0 })
  // A long system prompt, marked for Anthropic's cache: written by the first request, read by the next.
  const instructions = () => `${'You are a careful assistant who answers briefly. '.repeat(2000)}${crypto.randomUUID()}`

  test.each(['claude-sonnet-4-5', 'smart'])('%s: the first answer writes the cache, the second reads it, each settled to claude-sonnet-4-5’s catalogue price', async (model) => {
    const system = [{ type: 'text' as const, text: instructions(), cache_control: { type: 'ephemeral' as const } }]
    const ask = () => anthropic().messages.create({ model, max_tokens: 100, system, messages: [{ role: 'user', content: `Hi ${crypto.randomUUID().slice(0, 8)}` }] })
    for (const expected of ['write', 'read'] as const) {
      let message!: Anthropic.Message
      const spent = await spentBy(async () => (message = await ask()))
      const tokens = tokensOf(message.usage, 'anthropic')!
      expect(expected === 'write' ? tokens.cacheWriteTokens : tokens.cachedTokens).toBeGreaterThan(10_000)
      expectSpent(spent, 'claude-sonnet-4-5', tokens)
    }
  })
})

test('an alias answered by another upstream than the first is settled by that upstream’s name for it', async () => {
  deepseek.keyFault(DEEPSEEK_KEY, { status: 500 })
  try {
    let usage: unknown
    const answered: { upstream?: string | null } = {}
    const spent = await spentBy(async () => {
      const { data, response } = await proxy.client({ apiKey: ALICE }).chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: `Hello ${crypto.randomUUID()}` }] }).withResponse()
      usage = data.usage
      answered.upstream = response.headers.get('x-upstream')
    })
    expect(answered.upstream).toBe('claude')
    const tokens = tokensOf(usage)!
    expectSpent(spent, 'claude-haiku-4-5', tokens)
    // Not deepseek-chat's price, as estimated before the call.
    expect(Math.abs(spent - costOf(CATALOGUE_PRICES, 'deepseek-chat', tokens))).toBeGreaterThan(2e-6)
  } finally {
    deepseek.keyFault(DEEPSEEK_KEY, undefined)
  }
})
