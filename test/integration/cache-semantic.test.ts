import { afterEach, describe, expect, test } from 'bun:test'
import { fakeSimilarity } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// The fake upstream's embeddings are deterministic bags of content words (with a few synonyms), so the
// similarity of two questions is known in advance: fakeSimilarity() computes the same number.

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const THRESHOLD = 0.8
const start = (env: Record<string, string> = {}) =>
  startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: String(THRESHOLD), ...env })
const ask = (content: string, system?: string, earlier: object[] = []) =>
  postJson(`${proxy!.baseURL}/chat/completions`, {
    model: 'gpt-4o-mini',
    messages: [...(system ? [{ role: 'system', content: system }] : []), ...earlier, { role: 'user', content }],
  })
const lastChat = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!
const chatCalls = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').length
const embeddingCalls = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/embeddings').length

describe('semantic cache', () => {
  test('a paraphrase is served the stored answer, with the similarity in a header', async () => {
    proxy = await start()
    const original = 'How tall is the Eiffel Tower?'
    const paraphrase = 'What is the height of the Eiffel Tower'
    expect(fakeSimilarity(original, paraphrase)).toBeGreaterThanOrEqual(THRESHOLD)

    const first: any = await (await ask(original)).json()
    const response = await ask(paraphrase)
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(response.headers.get('x-cache-match')).toBe('semantic')
    expect(Number(response.headers.get('x-cache-similarity'))).toBeCloseTo(fakeSimilarity(original, paraphrase), 2)
    expect(response.headers.get('x-cache-similarity')).toMatch(/^\d\.\d{4}$/)
    const body: any = await response.json()
    expect(body.choices[0].message.content).toBe(first.choices[0].message.content)
    expect(chatCalls()).toBe(1)
    expect(proxy.logs.at(-1)).toContain('cache=HIT/semantic')
  })

  test('below the threshold is a miss', async () => {
    proxy = await start()
    await (await ask('Translate hello to French')).text()
    expect(fakeSimilarity('Translate hello to French', 'Translate goodbye to French')).toBeLessThan(THRESHOLD)
    const response = await ask('Translate goodbye to French')
    expect(response.headers.get('x-cache')).toBe('MISS')
    expect(chatCalls()).toBe(2)
  })

  test('only inside the same partition: another system prompt or model never hits', async () => {
    proxy = await start()
    await (await ask('How tall is the Eiffel Tower?', 'Answer briefly.')).text()
    expect((await ask('What is the height of the Eiffel Tower', 'Answer in French.')).headers.get('x-cache')).toBe('MISS')
    const otherModel = await postJson(`${proxy.baseURL}/chat/completions`, {
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is the height of the Eiffel Tower' }],
    })
    expect(otherModel.headers.get('x-cache')).toBe('MISS')
    expect((await ask('What is the height of the Eiffel Tower', 'Answer briefly.')).headers.get('x-cache')).toBe('HIT')
  })

  test('CACHE_CONTEXT=full: a different earlier conversation never hits; CACHE_CONTEXT=last ignores it', async () => {
    const earlierA = [{ role: 'user', content: 'We talk about Paris.' }, { role: 'assistant', content: 'Sure.' }]
    const earlierB = [{ role: 'user', content: 'We talk about Las Vegas.' }, { role: 'assistant', content: 'Sure.' }]
    proxy = await start()
    await (await ask('How tall is the Eiffel Tower?', undefined, earlierA)).text()
    expect((await ask('How tall is the Eiffel Tower?', undefined, earlierB)).headers.get('x-cache')).toBe('MISS')
    expect((await ask('What is the height of the Eiffel Tower', undefined, earlierA)).headers.get('x-cache')).toBe('HIT')
    await proxy.stop()

    proxy = await start({ CACHE_CONTEXT: 'last' })
    await (await ask('How tall is the Eiffel Tower?', 'Be brief.', earlierA)).text()
    const exact = await ask('How tall is the Eiffel Tower?', 'Be brief.', earlierB)
    expect(exact.headers.get('x-cache-match')).toBe('exact')
    const semantic = await ask('What is the height of the Eiffel Tower', 'Be brief.')
    expect(semantic.headers.get('x-cache-match')).toBe('semantic')
  })

  test('the guard refuses near questions that differ in a number, a name or a negation', async () => {
    proxy = await start({ CACHE_SIMILARITY_THRESHOLD: '0.45' })
    const pairs = [
      ['What is 2 plus 2', 'What is 2 plus 3'],
      ['What is the capital of France?', 'What is the capital of Germany?'],
      ['Is it safe to eat raw eggs', 'Is it not safe to eat raw eggs'],
    ]
    for (const [stored, asked] of pairs) {
      expect(fakeSimilarity(stored!, asked!)).toBeGreaterThanOrEqual(0.45)
      await (await ask(stored!)).text()
      const response = await ask(asked!)
      expect(response.headers.get('x-cache')).toBe('MISS')
      expect(((await response.json()) as any).choices[0].message.content).toBe(`Echo: ${asked}`)
    }
  })

  test('the skip word and a stored paraphrase: a refresh replaces the answer and is found again by meaning', async () => {
    proxy = await start()
    await (await ask('How tall is the Eiffel Tower?')).text()
    const refreshed = await ask('/skip_cache How tall is the Eiffel Tower?')
    expect(refreshed.headers.get('x-cache')).toBe('BYPASS')
    expect(lastChat().json.messages.at(-1).content).toBe('How tall is the Eiffel Tower?')
    await refreshed.text()
    await Bun.sleep(50) // the refreshed entry's embedding is fetched in the background
    expect((await ask('What is the height of the Eiffel Tower')).headers.get('x-cache-match')).toBe('semantic')
    expect(embeddingCalls()).toBeGreaterThanOrEqual(2)
  })

  test('questions with images or after a tool result are matched exactly only (no embedding spent)', async () => {
    proxy = await start()
    const image = [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }]
    await (await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: image }] })).text()
    expect(embeddingCalls()).toBe(0)
    const again = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: image }] })
    expect(again.headers.get('x-cache-match')).toBe('exact')
  })
})

describe('EMBEDDING_WAIT_MS', () => {
  test('a slow embedder does not hold a miss up; the embedding still arrives and is stored with the answer', async () => {
    proxy = await start({ EMBEDDING_WAIT_MS: '100' })
    proxy.upstream.fault({ path: '/v1/embeddings', delayMs: 600 })
    const started = performance.now()
    const response = await ask('How tall is the Eiffel Tower?')
    const took = performance.now() - started
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache')).toBe('MISS')
    await response.text()
    expect(took).toBeLessThan(500) // waited 100 ms for the embedding, not 600
    expect(chatCalls()).toBe(1)
    expect(embeddingCalls()).toBe(1)
    // The one embedding, bought for the lookup, is stored with the answer when it comes (after the
    // upstream's 600 ms): a paraphrase asked after that hits by meaning, with no second chat call.
    await Bun.sleep(800)
    const match = (await ask('What is the height of the Eiffel Tower')).headers.get('x-cache-match')
    expect(match).toBe('semantic')
    expect(chatCalls()).toBe(1)
    expect(embeddingCalls()).toBe(2) // the first question's (not bought twice) and the paraphrase's
  })
})

describe('when embeddings fail', () => {
  test('the semantic layer steps aside (logged once), exact caching works and requests succeed', async () => {
    proxy = await start()
    proxy.upstream.fault({
      path: '/v1/embeddings',
      status: 404,
      body: { error: { message: 'no embeddings here', type: 'invalid_request_error', param: null, code: null } },
    })
    const first = await ask('How tall is the Eiffel Tower?')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('MISS')
    await first.text()
    const exact = await ask('How tall is the Eiffel Tower?')
    expect(exact.headers.get('x-cache-match')).toBe('exact')
    const paraphrase = await ask('What is the height of the Eiffel Tower')
    expect(paraphrase.status).toBe(200)
    expect(paraphrase.headers.get('x-cache')).toBe('MISS')
    expect(embeddingCalls()).toBe(1) // paused: not retried on every request
    const notices = proxy.logs.filter((line) => line.includes('semantic matching paused'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('HTTP 404')
  })

  test('a redirect from the embeddings endpoint is not followed: the question never reaches its target', async () => {
    const target: string[] = []
    const elsewhere = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: async (r) => (target.push(await r.text()), new Response('{}')) })
    const redirector = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () => new Response(null, { status: 307, headers: { location: `http://127.0.0.1:${elsewhere.port}/v1/embeddings` } }),
    })
    try {
      proxy = await start({ EMBEDDING_BASE_URL: `http://127.0.0.1:${redirector.port}/v1` })
      const response = await ask('A private question that must stay here')
      expect(response.status).toBe(200)
      await response.text()
      await Bun.sleep(50)
      expect(target).toEqual([])
      expect(proxy.logs.some((line) => line.includes('semantic matching paused') && line.includes('HTTP 307'))).toBe(true)
    } finally {
      await elsewhere.stop(true)
      await redirector.stop(true)
    }
  })

  test('EMBEDDING_BASE_URL pointing nowhere: requests still succeed', async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() })
    const port = closed.port
    await closed.stop(true)
    proxy = await start({ EMBEDDING_BASE_URL: `http://127.0.0.1:${port}/v1` })
    const response = await ask('How tall is the Eiffel Tower?')
    expect(response.status).toBe(200)
    expect(proxy.logs.some((line) => line.includes('semantic matching paused') && line.includes('unreachable'))).toBe(true)
  })
})
