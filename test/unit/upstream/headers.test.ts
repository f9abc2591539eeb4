import { describe, expect, test } from 'bun:test'
import { clientResponseHeaders, upstreamRequestHeaders as outgoing } from '../../../src/upstream/headers'
import { openai } from '../../../src/upstream/providers/openai'

/** What an `openai` upstream is sent: the hygiene of headers.ts, the key as its adapter sets it. */
const upstreamRequestHeaders = (incoming: Headers, key: string) => outgoing(incoming, openai.authHeaders(key, incoming))

const REAL = 'sk-real-upstream-key-0123456789abcdef'
const PROXY = 'proxy-client-key-42'

const names = (headers: Headers) => [...headers.keys()].sort()

describe('upstreamRequestHeaders', () => {
  const incoming = new Headers({
    authorization: `Bearer ${PROXY}`,
    'x-api-key': PROXY,
    'api-key': PROXY,
    cookie: 'session=abc',
    host: 'proxy.example.com',
    'content-length': '123',
    connection: 'keep-alive',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    'accept-encoding': 'gzip, br',
    'openai-organization': 'org-client',
    'openai-project': 'proj-client',
    'x-forwarded-for': '198.51.100.7, 10.0.0.1',
    'x-forwarded-host': 'proxy.example.com',
    'x-forwarded-proto': 'https',
    'x-real-ip': '198.51.100.7',
    forwarded: 'for=198.51.100.7',
    origin: 'https://app.example',
    referer: 'https://app.example/page',
    'proxy-authorization': 'Basic Zm9vOmJhcg==',
    'content-type': 'application/json',
    'openai-beta': 'assistants=v2',
    'x-stainless-lang': 'js',
    'x-stainless-package-version': '6.49.0',
    'x-stainless-retry-count': '0',
    'user-agent': 'OpenAI/JS 6.49.0',
    accept: 'application/json',
    'idempotency-key': 'stainless-node-retry-1',
  })

  test('keeps exactly the harmless headers and sets the real key as Bearer', () => {
    const out = upstreamRequestHeaders(incoming, REAL)
    expect(names(out)).toEqual([
      'accept',
      'authorization',
      'content-type',
      'idempotency-key',
      'openai-beta',
      'user-agent',
      'x-stainless-lang',
      'x-stainless-package-version',
      'x-stainless-retry-count',
    ])
    expect(out.get('authorization')).toBe(`Bearer ${REAL}`)
    expect(out.get('content-type')).toBe('application/json')
    expect(out.get('openai-beta')).toBe('assistants=v2')
    expect(out.get('x-stainless-lang')).toBe('js')
    expect(out.get('x-stainless-package-version')).toBe('6.49.0')
  })

  test.each([
    'authorization',
    'x-api-key',
    'api-key',
    'cookie',
    'host',
    'content-length',
    'connection',
    'openai-organization',
    'x-forwarded-for',
  ])('strips %s (or, for authorization, replaces it)', (name) => {
    const out = upstreamRequestHeaders(incoming, REAL)
    if (name === 'authorization') expect(out.get(name)).toBe(`Bearer ${REAL}`)
    else expect(out.has(name)).toBe(false)
  })

  test("client-address headers, Via, and any header Connection names stay home", () => {
    const out = upstreamRequestHeaders(
      new Headers({
        'cf-connecting-ip': '198.51.100.7',
        'cf-ipcountry': 'FR',
        'true-client-ip': '198.51.100.7',
        'x-client-ip': '198.51.100.7',
        'x-cluster-client-ip': '198.51.100.7',
        'fastly-client-ip': '198.51.100.7',
        'x-original-forwarded-for': '198.51.100.7',
        'x-forwarded-port': '443',
        via: '1.1 cdn.example',
        forwarded: 'for=198.51.100.7',
        connection: 'keep-alive, X-Internal-Token, x-other',
        'x-internal-token': 'secret',
        'x-other': 'also hop-by-hop',
        'content-type': 'application/json',
        'x-stainless-lang': 'js',
      }),
      REAL
    )
    expect(names(out)).toEqual(['authorization', 'content-type', 'x-stainless-lang'])
  })

  test('the proxy key appears nowhere in what goes upstream', () => {
    const out = upstreamRequestHeaders(incoming, REAL)
    for (const [, value] of out) expect(value).not.toContain(PROXY)
  })

  test('a request with no credentials still gets the real key; the input is not modified', () => {
    const plain = new Headers({ 'content-type': 'application/json' })
    const out = upstreamRequestHeaders(plain, REAL)
    expect(out.get('authorization')).toBe(`Bearer ${REAL}`)
    expect(plain.has('authorization')).toBe(false)
    expect(incoming.get('authorization')).toBe(`Bearer ${PROXY}`)
  })
})

describe('clientResponseHeaders', () => {
  const upstream = new Headers()
  upstream.append('content-type', 'text/event-stream; charset=utf-8')
  upstream.append('content-encoding', 'gzip')
  upstream.append('content-length', '999')
  upstream.append('transfer-encoding', 'chunked')
  upstream.append('connection', 'keep-alive')
  upstream.append('set-cookie', '__cf_bm=abc; path=/')
  upstream.append('set-cookie', '_cfuvid=def; path=/')
  upstream.append('alt-svc', 'h3=":443"')
  upstream.append('x-ratelimit-limit-requests', '10000')
  upstream.append('x-ratelimit-remaining-requests', '9999')
  upstream.append('x-ratelimit-reset-requests', '6ms')
  upstream.append('x-ratelimit-limit-tokens', '30000000')
  upstream.append('openai-processing-ms', '321')
  upstream.append('openai-version', '2020-10-01')
  upstream.append('x-request-id', 'req_123')

  test('drops framing, cookies and hop-by-hop headers; keeps the rest', () => {
    const out = clientResponseHeaders(upstream)
    expect(names(out)).toEqual([
      'content-type',
      'openai-processing-ms',
      'openai-version',
      'x-ratelimit-limit-requests',
      'x-ratelimit-limit-tokens',
      'x-ratelimit-remaining-requests',
      'x-ratelimit-reset-requests',
      'x-request-id',
    ])
    for (const dropped of ['content-encoding', 'content-length', 'set-cookie', 'transfer-encoding', 'connection', 'alt-svc']) {
      expect(out.has(dropped)).toBe(false)
    }
    expect(out.getSetCookie()).toEqual([])
    expect(out.get('x-ratelimit-remaining-requests')).toBe('9999')
    expect(out.get('x-ratelimit-reset-requests')).toBe('6ms')
    expect(out.get('openai-processing-ms')).toBe('321')
    expect(out.get('content-type')).toBe('text/event-stream; charset=utf-8')
  })
})
