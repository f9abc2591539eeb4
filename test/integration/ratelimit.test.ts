import { afterEach, describe, expect, test } from 'bun:test'
import { auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }
const send = (headers: Record<string, string> = auth()) => postJson(`${proxy!.baseURL}/chat/completions`, chat, headers)

describe('MODEL_RATE_LIMIT', () => {
  test('over the limit: 429 in OpenAI shape with Retry-After and x-ratelimit headers; the upstream is not called', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '2' })
    const first = await send()
    expect(first.status).toBe(200)
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2')
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1')
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?\d+s$/)
    expect((await send()).headers.get('x-ratelimit-remaining-requests')).toBe('0')

    const limited = await send()
    expect(limited.status).toBe(429)
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(limited.headers.get('x-ratelimit-limit-requests')).toBe('2')
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    const body: any = await limited.json()
    expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null })
    expect(body.error.message).toContain('2 requests per minute')
    expect(proxy.upstream.requests).toHaveLength(2)
  })

  test('the SDK sees a RateLimitError', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1' })
    const client = proxy.client()
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a' }] })
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'b' }] }).catch((e) => e)
    expect(error.status).toBe(429)
    expect(error.constructor.name).toBe('RateLimitError')
  })

  test('reads (GET /v1/models) do not spend the limit; other model calls do', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1' })
    const client = proxy.client()
    for (let i = 0; i < 3; i++) await client.models.list()
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one' })
    const error = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'two' }).catch((e) => e)
    expect(error.status).toBe(429)
  })

  test('several proxy keys: each key has its own window', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1', PROXY_KEY: 'key-one-aaaaaaaa,key-two-bbbbbbbb' })
    expect((await send(auth('key-one-aaaaaaaa'))).status).toBe(200)
    expect((await send(auth('key-one-aaaaaaaa'))).status).toBe(429)
    expect((await send(auth('key-two-bbbbbbbb'))).status).toBe(200)
  })

  test('one shared key behind a trusted proxy: each forwarded address has its own window, and spoofed entries are ignored', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1', TRUST_PROXY: '1' })
    const from = (chain: string) => ({ ...auth(), 'x-forwarded-for': chain })
    expect((await send(from('203.0.113.7'))).status).toBe(200)
    expect((await send(from('203.0.113.7'))).status).toBe(429)
    // A client cannot escape its window by prepending a fake address: the trusted hop appends the real one.
    expect((await send(from('198.51.100.1, 203.0.113.7'))).status).toBe(429)
    expect((await send(from('203.0.113.8'))).status).toBe(200)
  })

  test('without TRUST_PROXY, X-Forwarded-For is ignored (the socket address counts)', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1' })
    expect((await send({ ...auth(), 'x-forwarded-for': '203.0.113.1' })).status).toBe(200)
    expect((await send({ ...auth(), 'x-forwarded-for': '203.0.113.2' })).status).toBe(429)
  })

  test('by default (no TRUST_PROXY, no SPACE_ID) rotating X-Forwarded-For gets nothing past a 4/min limit', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '4' })
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const response = await send({ ...auth(), 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `198.51.100.${i + 1}` })
      statuses.push(response.status)
      await response.arrayBuffer()
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(4)
    expect(statuses.filter((s) => s === 429)).toHaveLength(8)
  })

  test('on a Hugging Face Space (SPACE_ID set) one hop is trusted by default', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1', SPACE_ID: 'someone/proxy' })
    expect(proxy.config.trustProxy).toBe(1)
    expect((await send({ ...auth(), 'x-forwarded-for': '203.0.113.1' })).status).toBe(200)
    expect((await send({ ...auth(), 'x-forwarded-for': '203.0.113.2' })).status).toBe(200)
    expect((await send({ ...auth(), 'x-forwarded-for': '203.0.113.2' })).status).toBe(429)
  })

  test('MODEL_RATE_LIMIT=0 disables the limit and its headers', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
    for (let i = 0; i < 6; i++) {
      const response = await send()
      expect(response.status).toBe(200)
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10000') // the upstream's own header
    }
  })
})
