import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { PROXY_KEY, REAL_KEY, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

const SECRET_PROMPT = 'my secret diary entry 4711'
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }] }

describe('key protection', () => {
  test.each([
    ['no key', {}],
    ['wrong bearer', { authorization: 'Bearer wrong-key' }],
    ['the real key itself', { authorization: `Bearer ${REAL_KEY}` }],
    ['basic auth', { authorization: `Basic ${btoa(`user:${PROXY_KEY}`)}` }],
    ['wrong x-api-key', { 'x-api-key': 'nope' }],
  ])('%s → 401 in OpenAI shape, upstream never called', async (_, headers) => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, headers as Record<string, string>)
    expect(response.status).toBe(401)
    const body: any = await response.json()
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null })
    expect(JSON.stringify(body)).not.toContain(REAL_KEY)
    expect(proxy.upstream.requests).toHaveLength(0)
  })

  test('pass-through routes are guarded too', async () => {
    const response = await fetch(`${proxy.baseURL}/models`)
    expect(response.status).toBe(401)
    expect(proxy.upstream.requests).toHaveLength(0)
  })

  test.each([
    ['Authorization: Bearer', { authorization: `Bearer ${PROXY_KEY}` }],
    ['lower-case bearer', { authorization: `bearer ${PROXY_KEY}` }],
    ['x-api-key', { 'x-api-key': PROXY_KEY }],
    ['api-key (Azure style)', { 'api-key': PROXY_KEY }],
  ])('%s is accepted and replaced by the real key', async (_, headers) => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, { ...(headers as Record<string, string>), cookie: 'session=abc' })
    expect(response.status).toBe(200)
    const [seen] = proxy.upstream.requests
    expect(seen!.headers.authorization).toBe(`Bearer ${REAL_KEY}`)
    expect(seen!.headers['x-api-key']).toBeUndefined()
    expect(seen!.headers['api-key']).toBeUndefined()
    expect(seen!.headers.cookie).toBeUndefined()
    const text = await response.text()
    expect(text).not.toContain(PROXY_KEY)
    expect(text).not.toContain(REAL_KEY)
  })
})

describe('access log', () => {
  test('one line per request with metadata, never keys or message text', async () => {
    const before = proxy.logs.length
    await postJson(`${proxy.baseURL}/chat/completions?token=${PROXY_KEY}`, chat)
    await postJson(`${proxy.baseURL}/chat/completions`, chat, { authorization: 'Bearer wrong' })
    await fetch(`${proxy.url}/health`)
    const lines = proxy.logs.slice(before)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ POST \/v1\/chat\/completions 200 \d+\.\dms cache=\S+ client=[0-9a-f]{8} id=req_[0-9a-f]{32}$/)
    expect(lines[1]).toMatch(/ POST \/v1\/chat\/completions 401 .* client=- /)
    expect(lines[2]).toMatch(/ GET \/health 200 /)
    const all = proxy.logs.join('\n')
    for (const secret of [PROXY_KEY, REAL_KEY, SECRET_PROMPT, 'wrong']) expect(all).not.toContain(secret)
  })

  test('the same client gets the same short hash, which is not derived from the key alone', async () => {
    const before = proxy.logs.length
    await postJson(`${proxy.baseURL}/chat/completions`, chat)
    await postJson(`${proxy.baseURL}/chat/completions`, chat)
    const hashes = proxy.logs.slice(before).map((line) => /client=(\S+)/.exec(line)![1])
    expect(hashes[0]).toBe(hashes[1]!)
    expect(new Bun.CryptoHasher('sha256').update(PROXY_KEY).digest('hex')).not.toStartWith(hashes[0]!)
  })
})
