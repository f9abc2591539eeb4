import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { laterTurn, openingRanking } from '../helpers/affinity'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { readChatStream, waitFor } from '../helpers/sse'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// How far the pool goes for one request (DESIGN §1.4, §1.7): at most UPSTREAM_ATTEMPTS tries, all before any
// byte reached the client; the last upstream error is the answer when they run out; a started stream, a
// body that streams (multipart) and a client that left are never tried again; every key cooling down is a
// 429 upstream_keys_exhausted, every key disabled a 503 no_upstream_available.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Vb${up}N${k}qXzLm7wRtY`
const ALL_KEYS = [1, 2, 3].flatMap((up) => [1, 2, 3].map((k) => key(up, k)))

let fakes: FakeUpstream[]
let proxy: TestProxy | undefined
beforeAll(async () => {
  fakes = await Promise.all(['first', 'second', 'third'].map((name) => startFakeUpstream({ name })))
})
afterAll(() => Promise.all(fakes.map((f) => f.stop())))
beforeEach(() => {
  for (const f of fakes) {
    f.reset()
    for (const k of ALL_KEYS) f.keyFault(k, undefined)
  }
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

/** Upstream i (0-based) has `keys[i]` keys, priority i, and serves gpt-*. */
async function start(keyCounts: number[], env: Record<string, string> = {}) {
  const upstreams = keyCounts.map((count, i) => ({
    name: `up${i + 1}`,
    base_url: `${fakes[i]!.url}/v1`,
    keys: Array.from({ length: count }, (_, k) => key(i + 1, k + 1)),
    models: ['gpt-*'],
    priority: i,
  }))
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0', ...env }, fakes[0])
  return proxy
}

let asked = 0
// Turns of one conversation whose prompt prefix ranks each upstream's keys in file order (DESIGN §1.9).
const OPENING = openingRanking([1, 2, 3].map((k) => key(1, k)))
const question = (extra: object = {}) => ({ model: 'gpt-4o-mini', messages: laterTurn(OPENING, `retry question ${++asked}`), ...extra })
const send = (body: object = question()) => postJson(`${proxy!.baseURL}/chat/completions`, body)
const totalRequests = () => fakes.reduce((n, f) => n + f.requests.length, 0)
const errorBody = (message: string, code: string | null, type = 'requests') => ({ error: { message, type, param: null, code } })

describe('UPSTREAM_ATTEMPTS', () => {
  test('2 tries with three failing keys: exactly 2 upstream requests, the last error is the answer', async () => {
    await start([3], { UPSTREAM_ATTEMPTS: '2' })
    for (let k = 1; k <= 3; k++) {
      fakes[0]!.keyFault(key(1, k), { status: 429, body: errorBody(`Rate limit reached on key number ${k}`, 'rate_limit_exceeded'), headers: { 'retry-after': '30' } })
    }
    const response = await send()
    expect(response.status).toBe(429)
    expect(await response.json()).toEqual(errorBody('Rate limit reached on key number 2', 'rate_limit_exceeded'))
    expect(fakes[0]!.keysUsed).toEqual([key(1, 1), key(1, 2)])
  })

  test('2 tries over three failing upstreams: the second upstream error is the answer, the third never asked', async () => {
    await start([1, 1, 1], { UPSTREAM_ATTEMPTS: '2' })
    fakes[0]!.fault({ status: 500, body: errorBody('first is broken', null, 'server_error') })
    fakes[1]!.fault({ status: 503, body: errorBody('second is overloaded', null, 'server_error') })
    fakes[2]!.fault({ status: 502, body: errorBody('third is broken', null, 'server_error') })
    const failure = await proxy!.client().chat.completions.create(question()).catch((error) => error)
    expect(failure.status).toBe(503)
    expect(failure.error).toEqual(errorBody('second is overloaded', null, 'server_error').error)
    expect(failure.headers.get('x-upstream')).toBe('up2')
    expect(fakes.map((f) => f.requests.length)).toEqual([1, 1, 0])
  })
})

describe('what is never tried again', () => {
  test('a stream answered 429 before its first byte is tried again: the client gets the whole stream', async () => {
    await start([2])
    fakes[0]!.keyFault(key(1, 1), { status: 429, body: errorBody('Rate limit reached', 'rate_limit_exceeded'), headers: { 'retry-after': '30' } })
    const stream = await proxy!.client().chat.completions.create({ ...question(), stream: true })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toStartWith('Echo: retry question')
    expect(fakes[0]!.keysUsed).toEqual([key(1, 1), key(1, 2)])
  })

  test('a stream cut mid-way: one upstream request, the client sees the error event', async () => {
    await start([2, 1])
    fakes[0]!.fault({ cutAfterChunks: 2, chunkDelayMs: 10 })
    const stream = await proxy!.client().chat.completions.create({ ...question(), stream: true })
    const { text, failure } = await readChatStream(stream)
    expect(failure?.constructor?.name).toBe('APIError')
    expect(failure.error.code).toBe('upstream_stream_interrupted')
    expect(text).toBe('Echo: retry ')
    await Bun.sleep(150)
    expect(totalRequests()).toBe(1)
  })

  for (const [what, fault] of [
    ['a 429', { status: 429, body: errorBody('Rate limit reached', 'rate_limit_exceeded'), headers: { 'retry-after': '30' } }],
    ['a 500', { status: 500, body: errorBody('upload failed', null, 'server_error') }],
  ] as const) {
    test(`a multipart upload (POST /v1/files) whose first key answers ${what} is sent once`, async () => {
      await start([2, 1])
      fakes[0]!.keyFault(key(1, 1), fault)
      const form = new FormData()
      form.append('purpose', 'fine-tune')
      form.append('file', new File(['{"prompt":"a"}\n'.repeat(200)], 'train.jsonl', { type: 'application/jsonl' }))
      const response = await fetch(`${proxy!.baseURL}/files`, { method: 'POST', headers: auth(), body: form })
      expect(response.status).toBe(fault.status)
      expect(await response.json()).toEqual(fault.body)
      await Bun.sleep(100)
      expect(totalRequests()).toBe(1)
      expect(fakes[0]!.requests[0]!.form?.purpose).toBe('fine-tune')
    })
  }

  test('a client that disconnects while the first try hangs stops the tries', async () => {
    await start([2, 1])
    fakes[0]!.keyFault(key(1, 1), { hang: true })
    const abort = new AbortController()
    const pending = fetch(`${proxy!.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(question()),
      signal: abort.signal,
    }).catch((error) => error)
    await waitFor(() => fakes[0]!.requests.length === 1)
    abort.abort()
    expect(await pending).toBeInstanceOf(Error)
    await waitFor(() => fakes[0]!.aborted === 1)
    await Bun.sleep(200)
    expect(totalRequests()).toBe(1)
  })
})

describe('no key left', () => {
  test('every key cooling down: 429 upstream_keys_exhausted, retry-after the soonest cool-down', async () => {
    await start([2, 1])
    const limited = (headers: Record<string, string>) => ({ status: 429, body: errorBody('Rate limit reached', 'rate_limit_exceeded'), headers })
    fakes[0]!.keyFault(key(1, 1), limited({ 'retry-after': '4' }))
    fakes[0]!.keyFault(key(1, 2), limited({ 'retry-after-ms': '2500' }))
    fakes[1]!.keyFault(key(2, 1), limited({ 'retry-after': '10' }))

    const first = await send()
    expect(first.status).toBe(429)
    expect(first.headers.get('retry-after')).toBe('3') // 2.5 s, in whole seconds up
    const body: any = await first.json()
    expect(body.error.code).toBe('upstream_keys_exhausted')
    expect(body.error.type).toBe('requests')
    expect(totalRequests()).toBe(3)

    // Now nothing is tried at all.
    const again = await proxy!.client().chat.completions.create(question()).catch((error) => error)
    expect(again.status).toBe(429)
    expect(again.code).toBe('upstream_keys_exhausted')
    expect(again.headers.get('retry-after')).toBe('3')
    expect(totalRequests()).toBe(3)
  })

  test('retry-after is at least 1 second', async () => {
    await start([1])
    fakes[0]!.keyFault(key(1, 1), { status: 429, body: errorBody('Rate limit reached', 'rate_limit_exceeded'), headers: { 'retry-after-ms': '20' } })
    const response = await send()
    expect(response.status).toBe(429)
    expect(Number(response.headers.get('retry-after'))).toBe(1)
    expect(((await response.json()) as any).error.code).toBe('upstream_keys_exhausted')
  })

  test('every key disabled: 503 no_upstream_available, nothing forwarded', async () => {
    await start([2, 1])
    const revoked = { status: 401, body: errorBody('Incorrect API key provided.', 'invalid_api_key', 'invalid_request_error') }
    fakes[0]!.keyFault(key(1, 1), revoked)
    fakes[0]!.keyFault(key(1, 2), revoked)
    fakes[1]!.keyFault(key(2, 1), { status: 429, body: errorBody('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota') })
    const first = await send()
    expect(first.status).toBeGreaterThanOrEqual(400)
    await first.text()
    expect(totalRequests()).toBe(3)

    for (let i = 0; i < 2; i++) {
      const response = await send()
      expect(response.status).toBe(503)
      const body: any = await response.json()
      expect(body.error.code).toBe('no_upstream_available')
      expect(body.error.type).toBe('upstream_error')
    }
    const sdk = await proxy!.client().chat.completions.create(question()).catch((error) => error)
    expect(sdk.status).toBe(503)
    expect(sdk.code).toBe('no_upstream_available')
    expect(totalRequests()).toBe(3)
  })
})
