import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { fakeSimilarity, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { SseReader } from '../helpers/sse'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// The cache beside the pool: its embeddings go through the pool to the upstream serving EMBEDDING_MODEL
// (DESIGN §1.4), and without one only exact matching is on; answers of providers that stream differently
// from OpenAI (DeepSeek's reasoning_content, usage on every chunk) are kept whole.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Cq${up}T${k}vWzLm7xRpY`
const OPENAI_KEYS = [key(1, 1), key(1, 2)]
const DEEPSEEK_KEYS = [key(2, 1), key(2, 2)]
const THRESHOLD = 0.8

let openai: FakeUpstream
let deepseek: FakeUpstream
let proxy: TestProxy | undefined
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai' })
  deepseek = await startFakeUpstream({ name: 'deepseek' })
})
afterAll(() => Promise.all([openai.stop(), deepseek.stop()]))
beforeEach(() => [openai, deepseek].forEach((f) => f.reset()))
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const OPENAI = { name: 'openai', base_url: '', keys: OPENAI_KEYS, models: ['gpt-*', 'text-embedding-*'] }
const DEEPSEEK = { name: 'deepseek', base_url: '', keys: DEEPSEEK_KEYS, models: ['deepseek-*'] }
async function start(upstreams: Array<typeof OPENAI>) {
  const withUrls = upstreams.map((u) => ({ ...u, base_url: `${(u.name === 'openai' ? openai : deepseek).url}/v1` }))
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams: withUrls }), MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: String(THRESHOLD) }, openai)
  return proxy
}
const ask = (model: string, content: string, extra: object = {}) => postJson(`${proxy!.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content }], ...extra })
const on = (fake: FakeUpstream, path: string) => fake.requests.filter((r) => r.path === path)

describe("the cache's embeddings go through the pool", () => {
  test('to the upstream serving EMBEDDING_MODEL, with its keys: a paraphrase is a semantic hit', async () => {
    await start([OPENAI, DEEPSEEK])
    const original = 'How tall is the Eiffel Tower?'
    const paraphrase = 'What is the height of the Eiffel Tower'
    expect(fakeSimilarity(original, paraphrase)).toBeGreaterThanOrEqual(THRESHOLD)

    const first = await ask('deepseek-chat', original)
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(first.headers.get('x-upstream')).toBe('deepseek')
    const answer: any = await first.json()
    const hit = await ask('deepseek-chat', paraphrase)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(hit.headers.get('x-cache-match')).toBe('semantic')
    expect(((await hit.json()) as any).choices[0].message.content).toBe(answer.choices[0].message.content)

    const embeddings = on(openai, '/v1/embeddings')
    expect(embeddings.map((r) => r.json.model)).toEqual(['text-embedding-3-small', 'text-embedding-3-small'])
    expect(embeddings.map((r) => r.headers.authorization)).toEqual(OPENAI_KEYS.map((k) => `Bearer ${k}`))
    expect(on(deepseek, '/v1/embeddings')).toHaveLength(0)
    expect(on(deepseek, '/v1/chat/completions')).toHaveLength(1)
    expect(on(openai, '/v1/chat/completions')).toHaveLength(0)
  })

  test('no upstream serves embeddings: one start-up line says semantic matching is off; exact hits still work', async () => {
    await start([DEEPSEEK])
    expect(proxy!.logs.filter((line) => line.includes('semantic matching is off'))).toHaveLength(1)
    await (await ask('deepseek-chat', 'How tall is the Eiffel Tower?')).text()
    const exact = await ask('deepseek-chat', 'How tall is the Eiffel Tower?')
    expect(exact.headers.get('x-cache')).toBe('HIT')
    expect(exact.headers.get('x-cache-match')).toBe('exact')
    await exact.text()
    const paraphrase = await ask('deepseek-chat', 'What is the height of the Eiffel Tower')
    expect(paraphrase.headers.get('x-cache')).toBe('MISS')
    await paraphrase.text()
    expect(on(deepseek, '/v1/chat/completions')).toHaveLength(2)
    expect([...openai.requests, ...deepseek.requests].filter((r) => r.path === '/v1/embeddings')).toHaveLength(0)
  })
})

/** Concatenated delta fields of a chat stream's events. */
function deltas(events: string[]) {
  const out = { reasoning: '', content: '', done: events.at(-1) === '[DONE]' }
  for (const data of events) {
    if (data === '[DONE]') continue
    for (const choice of JSON.parse(data).choices ?? []) {
      out.reasoning += choice.delta?.reasoning_content ?? ''
      out.content += choice.delta?.content ?? ''
    }
  }
  return out
}

describe('provider quirks', () => {
  const base = { id: 'chatcmpl-ds-1', object: 'chat.completion.chunk', created: 1700000000, model: 'deepseek-reasoner' }
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })

  test('a DeepSeek stream with reasoning_content before the content streams through and is replayed with it', async () => {
    await start([OPENAI, DEEPSEEK])
    const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, completion_tokens_details: { reasoning_tokens: 5 } }
    deepseek.fault({
      events: [
        chunk({ role: 'assistant', content: null, reasoning_content: '' }),
        chunk({ content: null, reasoning_content: 'The user asks ' }),
        chunk({ content: null, reasoning_content: 'for a number.' }),
        chunk({ content: 'The answer', reasoning_content: null }),
        chunk({ content: ' is 42.', reasoning_content: null }),
        chunk({ content: '', reasoning_content: null }, 'stop', { usage }),
        '[DONE]',
      ],
      chunkDelayMs: 5,
    })
    const question = 'What is the answer to everything?'
    const live = await ask('deepseek-reasoner', question, { stream: true })
    expect(live.headers.get('x-cache')).toBe('MISS')
    const first = deltas(await new SseReader(live).rest())
    expect(first).toEqual({ reasoning: 'The user asks for a number.', content: 'The answer is 42.', done: true })

    const replay = await ask('deepseek-reasoner', question, { stream: true })
    expect(replay.headers.get('x-cache')).toBe('HIT')
    expect(deltas(await new SseReader(replay).rest())).toEqual(first)

    const json = await ask('deepseek-reasoner', question)
    expect(json.headers.get('x-cache')).toBe('HIT')
    const body: any = await json.json()
    expect(body.choices[0].message).toMatchObject({ content: 'The answer is 42.', reasoning_content: 'The user asks for a number.' })
    expect(on(deepseek, '/v1/chat/completions')).toHaveLength(1)
  })

  test('usage in every chunk, zeros before the last: the last usage is recorded', async () => {
    await start([OPENAI, DEEPSEEK])
    const zero = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }
    const last = { prompt_tokens: 17, completion_tokens: 5, total_tokens: 22 }
    deepseek.fault({
      events: [
        chunk({ role: 'assistant', content: '' }, null, { usage: zero }),
        chunk({ content: 'Paris is ' }, null, { usage: zero }),
        chunk({ content: 'the capital.' }, null, { usage: zero }),
        chunk({}, 'stop', { usage: last }),
        '[DONE]',
      ],
    })
    const question = 'Which city is the capital of France?'
    const live = await ask('deepseek-chat', question, { stream: true })
    expect(deltas(await new SseReader(live).rest())).toEqual({ reasoning: '', content: 'Paris is the capital.', done: true })

    const hit = await ask('deepseek-chat', question)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    const body: any = await hit.json()
    expect(body.choices[0].message.content).toBe('Paris is the capital.')
    expect(body.usage).toEqual(last)
    expect(on(deepseek, '/v1/chat/completions')).toHaveLength(1)
  })
})
