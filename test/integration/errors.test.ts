import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { waitFor } from '../helpers/sse'
import { PROXY_KEY, REAL_KEY, auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', MAX_BODY_SIZE: '64kb', UPSTREAM_TIMEOUT_MS: '300' })
})
afterAll(() => proxy.stop())
// A 401 from the upstream disables the key it was sent with (DESIGN §1.4); each test starts with it healthy.
beforeEach(async () => {
  proxy.upstream.reset()
  await proxy.stores.keyHealth.enable(fingerprint(REAL_KEY))
})

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }

function expectEnvelope(body: any, code: string) {
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
  expect(body.error.code).toBe(code)
  const text = JSON.stringify(body)
  expect(text).not.toContain(REAL_KEY)
  expect(text).not.toContain(PROXY_KEY)
  expect(text).not.toMatch(/\bat .+\.ts:\d+/) // no stack traces
}

describe('errors the proxy makes', () => {
  test('413 for a declared body over MAX_BODY_SIZE; nothing is forwarded', async () => {
    const big = { ...chat, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }
    const response = await postJson(`${proxy.baseURL}/chat/completions`, big)
    expect(response.status).toBe(413)
    expectEnvelope(await response.json(), 'request_too_large')
    expect(proxy.upstream.requests).toHaveLength(0)
  })

  test('413 for a chunked body that grows past the limit, on JSON and pass-through routes', async () => {
    for (const path of ['/chat/completions', '/files']) {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024))
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk)
          else controller.close()
        },
      })
      const response = await fetch(`${proxy.baseURL}${path}`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      })
      expect(response.status).toBe(413)
      expectEnvelope(await response.json(), 'request_too_large')
    }
  })

  test('502 when the upstream cannot be reached', async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() })
    const port = closed.port
    await closed.stop(true)
    const down = await startProxy({ ...PASS_THROUGH_ONLY, OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` })
    try {
      const response = await postJson(`${down.baseURL}/chat/completions`, chat)
      expect(response.status).toBe(502)
      expectEnvelope(await response.json(), 'upstream_unreachable')
      expect(down.logs.join('\n')).toContain(' 502 ')
    } finally {
      await down.stop()
    }
  })

  test('504 after UPSTREAM_TIMEOUT_MS without response headers, and the upstream request is abandoned', async () => {
    proxy.upstream.fault({ hang: true })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat)
    expect(response.status).toBe(504)
    expectEnvelope(await response.json(), 'upstream_timeout')
    await waitFor(() => proxy.upstream.aborted === 1)
    const again = await postJson(`${proxy.baseURL}/chat/completions`, chat)
    expect(again.status).toBe(200)
  })

  test('a slow upstream inside the timeout is waited for', async () => {
    proxy.upstream.fault({ delayMs: 100 })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat)
    expect(response.status).toBe(200)
  })

  test('upstream 4xx and 5xx pass through with their status and body', async () => {
    const body = { error: { message: 'The model `nope` does not exist', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }
    proxy.upstream.fault({ status: 404, body })
    const notFound = await postJson(`${proxy.baseURL}/chat/completions`, { ...chat, model: 'nope' })
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual(body)

    proxy.upstream.fault({ status: 503 })
    const unavailable = await proxy.client().files.list().catch((error) => error)
    expect(unavailable.status).toBe(503)
    expect(unavailable.error.message).toBe('injected 503')
  })

  test("key fragments in an upstream error are masked (OpenAI quotes the key it was given)", async () => {
    proxy.upstream.fault({
      status: 401,
      body: { error: { message: `Incorrect API key provided: sk-real-***********cdef. You can find your API key at https://platform.openai.com.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat)
    expect(response.status).toBe(401)
    const text = await response.text()
    expect(text).toContain('Incorrect API key provided: sk-***')
    expect(text).not.toContain('cdef')
  })

  test('an unknown path under /v1 is answered 404 unknown_path by the proxy, never forwarded', async () => {
    const response = await fetch(`${proxy.baseURL}/does/not/exist`, { headers: auth() })
    expect(response.status).toBe(404)
    expectEnvelope(await response.json(), 'unknown_path')
    expect(proxy.upstream.requests).toEqual([])
  })

  test('an upstream error whose body is cut: 502 upstream_bad_response', async () => {
    proxy.upstream.fault({ status: 500, cutJsonBody: true })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat)
    expect(response.status).toBe(502)
    expectEnvelope(await response.json(), 'upstream_bad_response')
  })

  test('with the cache on, a JSON answer the upstream cuts: 502 upstream_bad_response, nothing stored', async () => {
    const cached = await startProxy({ MODEL_RATE_LIMIT: '0' })
    try {
      cached.upstream.fault({ cutJsonBody: true })
      const response = await postJson(`${cached.baseURL}/chat/completions`, chat)
      expect(response.status).toBe(502)
      expectEnvelope(await response.json(), 'upstream_bad_response')
      expect((await cached.cache!.count())).toBe(0)
      const retry = await postJson(`${cached.baseURL}/chat/completions`, chat)
      expect(retry.status).toBe(200)
      expect(retry.headers.get('x-cache')).toBe('MISS')
    } finally {
      await cached.stop()
    }
  })
})
