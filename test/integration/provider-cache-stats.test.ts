// The provider prompt cache as operators see it (DESIGN §1.9, issue 23 points 3 and 4): the turns of a
// conversation go to one upstream key, so the provider's cache (simulated per key: fake-prompt-cache.ts)
// serves their history; `/stats` (`providerCache`) and `/metrics` (`proxy_gpt_upstream_prompt_tokens_total`,
// `…_cached_tokens_total`) add up, per upstream and its name of the model, the prompt and cached tokens the
// upstream reported for every answer the proxy read: a metered key's, and a cache miss's (JSON and streamed).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eventually } from '../helpers/budget'
import { startFakePromptCache, type FakePromptCache } from '../helpers/fake-prompt-cache'
import { SseReader } from '../helpers/sse'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const KEYS = ['sk-provider-cache-key-1-Qw8Zr3Tn', 'sk-provider-cache-key-2-Lm5Xc7Vb']
const ALICE = 'Pz4Kd8Wn2Rt6Hy1Jq3Vm'

let upstream: FakePromptCache
let proxy: TestProxy
beforeAll(async () => {
  upstream = startFakePromptCache()
  const config = {
    upstreams: [{ name: 'main', base_url: `${upstream.url}/v1`, keys: KEYS, models: ['gpt-*', 'fast'], model_map: { fast: 'gpt-4.1-mini' } }],
    keys: [{ name: 'alice', key: ALICE, budget: { tokens: 10_000_000, per: 'day' } }],
  }
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify(config), PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_SEMANTIC: 'false' })
})
afterAll(async () => {
  await proxy.stop()
  upstream.stop()
})

type Usage = { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } }
type Message = { role: string; content: string }

/** What the clients were told, per upstream model name: the figures /stats must show. */
const told = new Map<string, { prompt: number; cached: number }>()
function tell(model: string, usage: Usage) {
  const sum = told.get(model) ?? { prompt: 0, cached: 0 }
  sum.prompt += usage.prompt_tokens
  sum.cached += usage.prompt_tokens_details.cached_tokens
  told.set(model, sum)
}

/** One chat turn, JSON or streamed (asking for the usage, to see it); the answer's text and usage. */
async function turn(model: string, messages: Message[], options: { stream?: boolean; key?: string; headers?: Record<string, string> } = {}) {
  const body = { model, messages, ...(options.stream ? { stream: true, stream_options: { include_usage: true } } : {}) }
  const response = await fetch(`${proxy.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.key ?? PROXY_KEY}`, 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  if (!options.stream) {
    const json: any = await response.json()
    return { content: json.choices[0].message.content as string, usage: json.usage as Usage }
  }
  const chunks = (await new SseReader(response).rest()).filter((data) => data !== '[DONE]').map((data) => JSON.parse(data))
  const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')
  return { content, usage: chunks.find((c) => c.usage)!.usage as Usage }
}

/** A conversation of `turns` turns; the usage of each turn, in order. */
async function conversation(model: string, opening: string, turns: number, options: Parameters<typeof turn>[2] = {}) {
  const messages: Message[] = [{ role: 'system', content: 'You answer in one paragraph.' }]
  const usages: Usage[] = []
  for (let n = 0; n < turns; n++) {
    messages.push({ role: 'user', content: n === 0 ? opening : `And then, part ${n}?` })
    const { content, usage } = await turn(model, messages, options)
    messages.push({ role: 'assistant', content })
    usages.push(usage)
  }
  return usages
}

const stats = async (): Promise<any> => (await fetch(`${proxy.url}/stats`)).json()

describe('provider prompt caches kept warm, and their hit rate shown', () => {
  test("a conversation's turns reach one key, whose cache serves their history (JSON and streamed cache misses)", async () => {
    const before = upstream.keysUsed.length
    const json = await conversation('gpt-4o-mini', 'Plan a week in Lyon.', 3)
    const streamed = await conversation('fast', 'Plan a week in Porto.', 3, { stream: true })
    expect(new Set(upstream.keysUsed.slice(before, before + 3)).size).toBe(1)
    expect(new Set(upstream.keysUsed.slice(before + 3, before + 6)).size).toBe(1)
    for (const usages of [json, streamed]) {
      expect(usages[0]!.prompt_tokens_details.cached_tokens).toBe(0)
      // Every later turn finds the whole prompt of the turn before in its key's cache.
      for (let n = 1; n < usages.length; n++) expect(usages[n]!.prompt_tokens_details.cached_tokens).toBe(usages[n - 1]!.prompt_tokens)
    }
    for (const usage of json) tell('gpt-4o-mini', usage)
    for (const usage of streamed) tell('gpt-4.1-mini', usage)
  })

  test("a metered key's answers count with nothing stored (the meter reads them); an unmetered key's answer nothing reads does not", async () => {
    const noStore = { 'cache-control': 'no-store' }
    for (const usage of await conversation('gpt-4o-mini', 'Plan a week in Oslo.', 2, { key: ALICE, headers: noStore })) tell('gpt-4o-mini', usage)
    await conversation('gpt-4o-mini', 'Plan a week in Riga.', 2, { headers: noStore })
  })

  test('GET /stats: providerCache per upstream and its model name, cached ÷ prompt as the hit rate', async () => {
    const expected = [...told]
      .map(([model, { prompt, cached }]) => ({ upstream: 'main', model, promptTokens: prompt, cachedTokens: cached, hitRate: Math.round((cached / prompt) * 10_000) / 10_000 }))
      .sort((a, b) => b.promptTokens - a.promptTokens)
    const s = await eventually(stats, (s) => s.providerCache?.reduce((n: number, row: any) => n + row.promptTokens, 0) >= expected.reduce((n, row) => n + row.promptTokens, 0))
    expect(s.providerCache).toEqual(expected)
    for (const row of s.providerCache) expect(row.hitRate).toBeGreaterThan(0.3)
  })

  test('GET /metrics: the prompt and cached token counters per upstream and model', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    for (const [model, { prompt, cached }] of told) {
      expect(text).toContain(`proxy_gpt_upstream_prompt_tokens_total{upstream="main",model="${model}"} ${prompt}`)
      expect(text).toContain(`proxy_gpt_upstream_cached_tokens_total{upstream="main",model="${model}"} ${cached}`)
    }
  })
})
