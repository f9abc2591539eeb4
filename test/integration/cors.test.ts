// CORS as a browser (or a browser extension) sees it: the preflight must pass without a key and name
// Authorization literally, and every answer — errors included — must be readable from the allowed origin.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { PROXY_KEY, auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

const EXTENSION = 'chrome-extension://abcdefg'
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from a browser extension' }] }

/** A comma-separated header value as lower-cased names. */
const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)

function preflight(url: string, origin: string, requestHeaders = 'authorization, content-type, x-stainless-os', method = 'POST') {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
  })
}

/**
 * What a browser checks on a preflight response for a request without credentials (Fetch standard, CORS-preflight
 * fetch): the origin is echoed or `*`; every requested header is listed, where `*` covers any header except
 * Authorization, which must be named; the method is listed, `*`, or CORS-safelisted.
 */
function expectPreflightAllows(response: Response, origin: string, requestHeaders: string[], method: string) {
  expect(response.status).toBeGreaterThanOrEqual(200)
  expect(response.status).toBeLessThan(300)
  expect([origin, '*']).toContain(response.headers.get('access-control-allow-origin')!)
  // A preflight must not ask for credentials mode; the proxy authenticates with a header, not cookies.
  expect(response.headers.get('access-control-allow-credentials')).toBeNull()

  const allowed = list(response.headers.get('access-control-allow-headers'))
  for (const name of requestHeaders) {
    if (name === 'authorization') expect(allowed).toContain('authorization')
    else expect(allowed.includes(name) || allowed.includes('*')).toBe(true)
  }

  const methods = list(response.headers.get('access-control-allow-methods')).map((m) => m.toUpperCase())
  const safelisted = ['GET', 'HEAD', 'POST'].includes(method)
  expect(methods.includes(method) || methods.includes('*') || safelisted).toBe(true)
}

describe('CORS with the default CORS_ORIGINS (any origin)', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
  })
  afterAll(() => proxy.stop())
  beforeEach(() => proxy.upstream.reset())

  test('a browser-extension preflight is answered 2xx without a key and never reaches the upstream', async () => {
    const response = await preflight(`${proxy.baseURL}/chat/completions`, EXTENSION)
    expectPreflightAllows(response, EXTENSION, ['authorization', 'content-type', 'x-stainless-os'], 'POST')

    // Named literally: browsers never let a wildcard cover Authorization.
    const allowed = list(response.headers.get('access-control-allow-headers'))
    expect(allowed).toContain('authorization')
    expect(allowed).toContain('content-type')
    expect(response.headers.get('access-control-allow-headers')!.trim()).not.toBe('*')
    const methods = list(response.headers.get('access-control-allow-methods')).map((m) => m.toUpperCase())
    expect(methods.includes('POST') || methods.includes('*')).toBe(true)

    expect(response.status).not.toBe(401)
    expect(proxy.upstream.requests).toEqual([])
  })

  test('preflights pass on the unprefixed path, for GET /v1/models and with x-api-key too', async () => {
    const cases = [
      { path: '/chat/completions', method: 'POST', headers: 'authorization, content-type' },
      { path: '/v1/models', method: 'GET', headers: 'authorization' },
      { path: '/v1/embeddings', method: 'POST', headers: 'x-api-key, content-type' },
      { path: '/v1/files/file-1', method: 'DELETE', headers: 'authorization' },
    ]
    for (const { path, method, headers } of cases) {
      const response = await preflight(`${proxy.url}${path}`, EXTENSION, headers, method)
      expectPreflightAllows(response, EXTENSION, list(headers), method)
    }
    expect(proxy.upstream.requests).toEqual([])
  })

  test('an actual POST from the origin may read the answer and the proxy headers', async () => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: EXTENSION })
    expect(response.status).toBe(200)
    expect([EXTENSION, '*']).toContain(response.headers.get('access-control-allow-origin')!)

    const exposed = list(response.headers.get('access-control-expose-headers'))
    for (const name of [
      'x-request-id',
      'x-cache',
      'retry-after',
      'x-ratelimit-limit-requests',
      'x-ratelimit-remaining-requests',
      'x-ratelimit-reset-requests',
    ]) {
      expect(exposed).toContain(name)
    }
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(((await response.json()) as any).choices[0].message.content).toBe('Echo: Hello from a browser extension')
    expect(proxy.upstream.requests).toHaveLength(1)
    // The browser's Origin is the client's business, but the proxy key never is the upstream's.
    expect(JSON.stringify(proxy.upstream.requests[0]!.headers)).not.toContain(PROXY_KEY)
  })

  test('a streamed answer carries the CORS headers too', async () => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, { ...chat, stream: true }, { ...auth(), origin: EXTENSION })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    expect([EXTENSION, '*']).toContain(response.headers.get('access-control-allow-origin')!)
    expect(list(response.headers.get('access-control-expose-headers'))).toContain('x-request-id')
    expect(await response.text()).toContain('data: [DONE]')
  })

  test('a 401 carries access-control-allow-origin so the browser can show the error', async () => {
    for (const headers of [{}, auth('wrong-key')]) {
      const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...headers, origin: EXTENSION })
      expect(response.status).toBe(401)
      expect([EXTENSION, '*']).toContain(response.headers.get('access-control-allow-origin')!)
      expect(list(response.headers.get('access-control-expose-headers'))).toContain('x-request-id')
      const body = (await response.json()) as any
      expect(body.error.code).toBe('invalid_api_key')
    }
    expect(proxy.upstream.requests).toEqual([])
  })

  test('a 400 and an upstream error passed through carry access-control-allow-origin', async () => {
    const bad = await postJson(`${proxy.baseURL}/chat/completions`, '{not json', { ...auth(), origin: EXTENSION })
    expect(bad.status).toBe(400)
    expect([EXTENSION, '*']).toContain(bad.headers.get('access-control-allow-origin')!)

    proxy.upstream.fault({ status: 503 })
    const upstreamError = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: EXTENSION })
    expect(upstreamError.status).toBe(503)
    expect([EXTENSION, '*']).toContain(upstreamError.headers.get('access-control-allow-origin')!)
    expect(((await upstreamError.json()) as any).error.message).toBe('injected 503')
  })
})

describe('CORS on a 429', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1' })
  })
  afterAll(() => proxy.stop())

  test('the refusal is readable: allow-origin, and retry-after plus the limit headers exposed', async () => {
    const first = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: EXTENSION })
    expect(first.status).toBe(200)
    await first.arrayBuffer()

    const limited = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: EXTENSION })
    expect(limited.status).toBe(429)
    expect([EXTENSION, '*']).toContain(limited.headers.get('access-control-allow-origin')!)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('1')
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    const exposed = list(limited.headers.get('access-control-expose-headers'))
    for (const name of ['retry-after', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests']) {
      expect(exposed).toContain(name)
    }
    const body = (await limited.json()) as any
    expect(body.error.code).toBe('rate_limit_exceeded')
    expect(proxy.upstream.requests).toHaveLength(1)
  })
})

describe('CORS with CORS_ORIGINS=https://allowed.example', () => {
  const ALLOWED = 'https://allowed.example'
  const EVIL = 'https://evil.example'
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', CORS_ORIGINS: ALLOWED })
  })
  afterAll(() => proxy.stop())
  beforeEach(() => proxy.upstream.reset())

  test('the listed origin is allowed, on the preflight and on the request', async () => {
    const pre = await preflight(`${proxy.baseURL}/chat/completions`, ALLOWED, 'authorization, content-type')
    expectPreflightAllows(pre, ALLOWED, ['authorization', 'content-type'], 'POST')
    expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED)

    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: ALLOWED })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED)
    // The answer depends on Origin, so a shared cache must not serve it to another origin.
    expect(list(response.headers.get('vary')).some((v) => v === 'origin' || v === '*')).toBe(true)
  })

  test('another origin gets no access-control-allow-origin for it (preflight, request, error)', async () => {
    const notFor = (response: Response) => {
      const value = response.headers.get('access-control-allow-origin')
      expect(value === null || (value !== EVIL && value !== '*')).toBe(true)
    }
    notFor(await preflight(`${proxy.baseURL}/chat/completions`, EVIL, 'authorization, content-type'))

    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...auth(), origin: EVIL })
    notFor(response)
    await response.arrayBuffer()

    const unauthorized = await postJson(`${proxy.baseURL}/chat/completions`, chat, { origin: EVIL })
    expect(unauthorized.status).toBe(401)
    notFor(unauthorized)

    // Look-alikes of the allowed origin are not it.
    for (const lookalike of ['https://allowed.example.evil.example', 'http://allowed.example', 'https://evil.example/https://allowed.example']) {
      const pre = await preflight(`${proxy.baseURL}/chat/completions`, lookalike, 'authorization')
      const value = pre.headers.get('access-control-allow-origin')
      expect(value === null || (value !== lookalike && value !== '*')).toBe(true)
    }
  })
})
