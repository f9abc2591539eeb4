import { afterEach, describe, expect, test } from 'bun:test'
import { SseReader, waitFor } from '../helpers/sse'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const chat = (content: string, extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra })
const send = (body: object, headers: Record<string, string> = {}) => postJson(`${proxy!.baseURL}/chat/completions`, body, { ...auth(), ...headers })
const lastChat = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!
const chatCalls = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').length
const embeddingCalls = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/embeddings').length

describe('cache controls', () => {
  test('CACHE_ALLOWED=false: every answer is BYPASS and reaches the upstream', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_ALLOWED: 'false' })
    for (let i = 0; i < 2; i++) {
      const response = await send(chat('same question'))
      expect(response.headers.get('x-cache')).toBe('BYPASS')
      await response.text()
    }
    expect(chatCalls()).toBe(2)
    expect(proxy.cache).toBeUndefined()
  })

  test('the skip word: lookup skipped, word removed upstream, and the fresh answer replaces the stored one', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    await (await send(chat('Tell me a joke'))).text()
    const skipped = await send(chat('/skip_cache Tell me a joke'))
    expect(skipped.headers.get('x-cache')).toBe('BYPASS')
    const fresh: any = await skipped.json()
    expect(lastChat().json.messages[0].content).toBe('Tell me a joke')
    const next: any = await (await send(chat('Tell me a joke'))).json()
    expect(next.choices[0].message.content).toBe(fresh.choices[0].message.content)
    expect((await proxy.cache!.count())).toBe(1)
    expect(chatCalls()).toBe(2)
  })

  test('with the cache off the skip word is still removed before forwarding', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_ALLOWED: 'false' })
    expect((await send(chat('/skip_cache Tell me a joke'))).headers.get('x-cache')).toBe('BYPASS')
    expect(lastChat().json.messages[0].content).toBe('Tell me a joke')
  })

  test('a custom CACHE_SKIP_WORD', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SKIP_WORD: '!fresh ' })
    await (await send(chat('hello'))).text()
    expect((await send(chat('!fresh hello'))).headers.get('x-cache')).toBe('BYPASS')
    expect(lastChat().json.messages[0].content).toBe('hello')
  })

  test('Cache-Control: no-cache refreshes; no-store neither reads nor writes', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    await (await send(chat('controls'))).text()
    const refresh = await send(chat('controls'), { 'cache-control': 'no-cache' })
    expect(refresh.headers.get('x-cache')).toBe('BYPASS')
    await refresh.text()
    expect(chatCalls()).toBe(2)

    const noStore = await send(chat('never kept'), { 'cache-control': 'no-store' })
    expect(noStore.headers.get('x-cache')).toBe('BYPASS')
    await noStore.text()
    expect((await send(chat('never kept'))).headers.get('x-cache')).toBe('MISS')
    expect((await send(chat('controls'), { 'cache-control': 'no-store' })).headers.get('x-cache')).toBe('BYPASS')
  })
})

describe('never cached', () => {
  test('upstream errors', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ status: 500 })
    expect((await send(chat('flaky'))).status).toBe(500)
    const retry = await send(chat('flaky'))
    expect(retry.status).toBe(200)
    expect(retry.headers.get('x-cache')).toBe('MISS')
    expect((await proxy.cache!.count())).toBe(1)
  })

  test('a stream the upstream cuts', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ cutAfterChunks: 2, chunkDelayMs: 10 })
    await (await send(chat('cut me', { stream: true }))).text()
    await waitFor(() => proxy!.logs.some((l) => l.endsWith('stream=cut')))
    expect((await proxy.cache!.count())).toBe(0)
    expect((await send(chat('cut me'))).headers.get('x-cache')).toBe('MISS')
  })

  test('a stream the client abandons', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ holdAfterChunks: 2 })
    const abort = new AbortController()
    const response = await fetch(`${proxy.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(chat('abandon me', { stream: true })),
      signal: abort.signal,
    })
    await new SseReader(response).next()
    abort.abort()
    await waitFor(() => proxy!.upstream.cancelled === 1)
    proxy.upstream.release()
    await waitFor(() => proxy!.logs.some((l) => l.endsWith('stream=cancelled')))
    expect((await proxy.cache!.count())).toBe(0)
  })

  test('an answer cut by a malformed upstream body', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ status: 200, body: { unexpected: true } })
    expect((await send(chat('odd body'))).status).toBe(200)
    expect((await proxy.cache!.count())).toBe(0)
  })
})

describe('cache and the rate limit', () => {
  test('hits are free; a client over its limit still gets exact hits, and no embedding is spent on it', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '2', CACHE_SIMILARITY_THRESHOLD: '0.8' })
    await (await send(chat('How tall is the Eiffel Tower?'))).text()
    for (let i = 0; i < 3; i++) expect((await send(chat('How tall is the Eiffel Tower?'))).headers.get('x-cache')).toBe('HIT')
    await (await send(chat('a second question'))).text() // the limit is now spent
    const embeddingsBefore = embeddingCalls()

    const exact = await send(chat('How tall is the Eiffel Tower?'))
    expect(exact.status).toBe(200)
    expect(exact.headers.get('x-cache')).toBe('HIT')

    const paraphrase = await send(chat('What is the height of the Eiffel Tower'))
    expect(paraphrase.status).toBe(429)
    expect(embeddingCalls()).toBe(embeddingsBefore)
    expect(chatCalls()).toBe(2)
  })
})

describe('admission is atomic', () => {
  test('60 concurrent questions under a 4/min limit buy at most 4 embeddings', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '4' })
    proxy.upstream.fault({ path: '/v1/embeddings', delayMs: 50 })
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => send(chat(`concurrent question number ${i}`))))
    const statuses = responses.map((r) => r.status)
    await Promise.all(responses.map((r) => r.arrayBuffer()))
    expect(statuses.filter((s) => s === 200)).toHaveLength(4)
    expect(statuses.filter((s) => s === 429)).toHaveLength(56)
    await Bun.sleep(100) // any embedding bought in the background would show by now
    expect(embeddingCalls()).toBeLessThanOrEqual(4)
    expect(chatCalls()).toBe(4)
  })

  test('a semantic hit gives its admission back: hits stay free', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '2', CACHE_SIMILARITY_THRESHOLD: '0.8' })
    await (await send(chat('How tall is the Eiffel Tower?'))).text()
    for (let i = 0; i < 4; i++) {
      const hit = await send(chat('What is the height of the Eiffel Tower'))
      expect(hit.headers.get('x-cache-match')).toBe('semantic')
      await hit.text()
    }
    expect((await send(chat('one more new question'))).status).toBe(200)
    expect((await send(chat('and another new question'))).status).toBe(429)
  })
})

describe('identical requests in flight', () => {
  test('JSON: three at once make one upstream call', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ delayMs: 150 })
    const responses = await Promise.all([1, 2, 3].map(() => send(chat('together'))))
    const bodies: any[] = await Promise.all(responses.map((r) => r.json()))
    expect(new Set(bodies.map((b) => b.choices[0].message.content))).toEqual(new Set(['Echo: together']))
    expect(responses.map((r) => r.headers.get('x-cache')).sort()).toEqual(['HIT', 'HIT', 'MISS'])
    expect(chatCalls()).toBe(1)
  })

  test('streamed: a second client waits for the first stream and gets the replay', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ holdAfterChunks: 2 })
    const first = await send(chat('stream together', { stream: true }))
    const firstEvents = new SseReader(first)
    await firstEvents.next()
    const second = send(chat('stream together', { stream: true }))
    await Bun.sleep(30)
    proxy.upstream.release()
    await firstEvents.rest()
    const replay = await second
    expect(replay.headers.get('x-cache')).toBe('HIT')
    const events = await new SseReader(replay).rest()
    expect(events.at(-1)).toBe('[DONE]')
    expect(chatCalls()).toBe(1)
  })

  test('when the first call fails, the waiting request makes its own', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ delayMs: 100, status: 503 })
    const [a, b] = await Promise.all([send(chat('fail together')), send(chat('fail together'))])
    expect([a.status, b.status].sort()).toEqual([200, 503])
    expect(chatCalls()).toBe(2)
  })
})
