import { afterEach, describe, expect, test } from 'bun:test'
import { chat, keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// Named keys in the config file beside a PROXY_KEY (DESIGN §1.2, §1.5), and how they authenticate: each
// key with its own settings, the PROXY_KEY key as in round 1, the name (never the key) in the access log.

const ALICE = 'Rk4Tw9Zp2Lm7Qx5VbN8c'
const BOB = 'Jf3Ys6Hd1Ku8Wn0GqE5t'
const OLD = 'Xa9Pc2Vm5Ot7Bi4LrS1w'

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const forwarded = (path: string) => proxy!.upstream.requests.filter((r) => r.path === path)
const from = (address: string) => ({ 'x-forwarded-for': address })

describe('keys in the config file beside PROXY_KEY', () => {
  const start = () =>
    startProxy({
      MODEL_RATE_LIMIT: '1',
      MAX_OUTPUT_TOKENS: '100',
      TRUST_PROXY: '1',
      ...keysEnv([
        { name: 'alice', key: ALICE, rate_limit: 1, max_output_tokens: 20, models: ['gpt-4o-mini'] },
        { name: 'bob', key: BOB, rate_limit: 2, max_output_tokens: 40, allow: ['chat', 'files'], cache: 'shared' },
      ]),
    }).then((p) => (proxy = p))

  test('two named keys side by side, each with its own output cap, models, groups and rate limit', async () => {
    await start()
    const alice = proxy!.client({ apiKey: ALICE })
    const bob = proxy!.client({ apiKey: BOB })

    await chat(alice, uniqueQuestion(), { max_tokens: 1000 })
    await chat(bob, uniqueQuestion(), { max_tokens: 1000 })
    expect(forwarded('/v1/chat/completions').map((r) => r.json.max_tokens)).toEqual([20, 40])

    // Only bob may list files; only alice is kept to gpt-4o-mini.
    expect((await sdkError(alice.files.list())).status).toBe(403)
    expect((await bob.files.list()).data).toEqual([])
    proxy!.upstream.reset()
    expect((await sdkError(alice.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }))).status).toBe(404)
    expect(forwarded('/v1/chat/completions')).toHaveLength(0)

    // alice's one request a minute is spent; bob has a second.
    expect((await sdkError(chat(alice, uniqueQuestion()))).status).toBe(429)
    const second = await chat(bob, uniqueQuestion(), { model: 'gpt-4o' })
    expect(second.headers.get('x-ratelimit-limit-requests')).toBe('2')
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect((await sdkError(chat(bob, uniqueQuestion()))).status).toBe(429)
  })

  test("the PROXY_KEY key keeps round 1's behaviour: the proxy's cap, a limit per client address", async () => {
    await start()
    const client = proxy!.client()
    const first = await chat(client, uniqueQuestion(), { max_tokens: 1000 }, from('198.51.100.1'))
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('1')
    expect(forwarded('/v1/chat/completions')[0]!.json.max_tokens).toBe(100)
    expect((await sdkError(chat(client, uniqueQuestion(), {}, from('198.51.100.1')))).status).toBe(429)
    // Another address behind the trusted proxy is another client of the one shared key.
    expect((await chat(client, uniqueQuestion(), {}, from('198.51.100.2'))).answer).toStartWith('Echo: ')
  })

  test('the PROXY_KEY key reaches every API group, but nothing outside the API', async () => {
    await start()
    const client = proxy!.client()
    expect((await client.files.list()).data).toEqual([])
    const moderation = await sdkError(client.moderations.create({ input: 'hello' }))
    expect(moderation.status).toBe(404) // the fake upstream has no such route: it was forwarded
    expect((moderation.error as any)?.code).toBe('unknown_url')
    expect(forwarded('/v1/moderations')).toHaveLength(1)
    const outside = await sdkError(client.post('/key/generate', { body: {} }))
    expect(outside.status).toBe(404)
    expect(outside.code).toBe('unknown_path')
    expect(forwarded('/v1/key/generate')).toHaveLength(0)
  })

  test('the PROXY_KEY key shares its cache with `cache: shared` keys, not with private ones', async () => {
    await start()
    const question = uniqueQuestion()
    // Below every key's cap, so the three send the same body (a clamped max_tokens would split the key).
    const body = { max_tokens: 10 }
    expect((await chat(proxy!.client(), question, body, from('198.51.100.1'))).cache).toBe('MISS')
    const shared = await chat(proxy!.client({ apiKey: BOB }), question, body)
    expect([shared.cache, shared.match]).toEqual(['HIT', 'exact'])
    expect((await chat(proxy!.client({ apiKey: ALICE }), question, body)).cache).toBe('MISS')
    expect(forwarded('/v1/chat/completions')).toHaveLength(2)
  })
})

describe('authentication of named keys', () => {
  test("the access log names the key's name, never the key", async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE }, { name: 'bob', key: BOB }]) })
    const before = proxy.logs.length
    await chat(proxy.client({ apiKey: ALICE }), uniqueQuestion())
    await chat(proxy.client({ apiKey: BOB }), uniqueQuestion())
    await proxy.client({ apiKey: ALICE }).models.list()
    const lines = proxy.logs.slice(before).filter((line) => / (POST|GET) \/v1\//.test(line))
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/ POST \/v1\/chat\/completions 200 .* client=alice /)
    expect(lines[1]).toMatch(/ POST \/v1\/chat\/completions 200 .* client=bob /)
    expect(lines[2]).toMatch(/ GET \/v1\/models 200 .* client=alice /)
    const all = proxy.logs.join('\n')
    for (const secret of [ALICE, BOB, REAL_KEY, PROXY_KEY]) expect(all).not.toContain(secret)
  })

  test('a wrong key: 401 invalid_api_key, nothing forwarded, client=- in the log', async () => {
    proxy = await startProxy({ ...keysEnv([{ name: 'alice', key: ALICE }]) })
    const before = proxy.logs.length
    for (const wrong of [`${ALICE}x`, ALICE.slice(0, -1), ALICE.toLowerCase(), 'alice']) {
      const error = await sdkError(chat(proxy.client({ apiKey: wrong }), 'hi'))
      expect(error.status).toBe(401)
      expect(error.code).toBe('invalid_api_key')
      expect(error.type).toBe('invalid_request_error')
      expect(error.constructor.name).toBe('AuthenticationError')
    }
    expect(proxy.upstream.requests).toHaveLength(0)
    expect(proxy.logs.slice(before).every((line) => !line.includes('client=alice'))).toBe(true)
    expect(proxy.logs.slice(before).filter((line) => line.includes(' 401 ') && line.includes('client=-'))).toHaveLength(4)
  })

  test('a key whose `expires` has passed: 401 key_expired; a key that expires later works', async () => {
    proxy = await startProxy({
      MODEL_RATE_LIMIT: '0',
      ...keysEnv([
        { name: 'old', key: OLD, expires: '2020-01-01' },
        { name: 'alice', key: ALICE, expires: '2999-01-01T00:00:00Z' },
      ]),
    })
    const error = await sdkError(chat(proxy.client({ apiKey: OLD }), 'hi'))
    expect(error.status).toBe(401)
    expect(error.code).toBe('key_expired')
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toContain('2020-01-01')
    expect((await sdkError(proxy.client({ apiKey: OLD }).models.list())).code).toBe('key_expired')
    expect(proxy.upstream.requests).toHaveLength(0)
    expect((await chat(proxy.client({ apiKey: ALICE }), 'hi')).answer).toBe('Echo: hi')
  })

  test('`ips`: behind a trusted proxy, an address inside the range is served, one outside gets 403 ip_not_allowed', async () => {
    proxy = await startProxy({
      MODEL_RATE_LIMIT: '0',
      TRUST_PROXY: '1',
      ...keysEnv([{ name: 'office', key: ALICE, ips: ['203.0.113.0/24', '2001:db8::/32'] }]),
    })
    const client = proxy.client({ apiKey: ALICE })
    expect((await chat(client, 'inside', {}, from('203.0.113.9'))).answer).toBe('Echo: inside')
    expect((await chat(client, 'inside six', {}, from('2001:db8::5'))).answer).toBe('Echo: inside six')
    proxy.upstream.reset()
    for (const address of ['198.51.100.7', '203.0.114.1', '2001:db9::1']) {
      const error = await sdkError(chat(client, 'outside', {}, from(address)))
      expect(error.status).toBe(403)
      expect(error.code).toBe('ip_not_allowed')
      expect(error.type).toBe('permission_error')
    }
    // Only the hop the trusted proxy added counts: an entry the client wrote further left does not.
    expect((await sdkError(chat(client, 'spoofed', {}, from('203.0.113.9, 198.51.100.7')))).code).toBe('ip_not_allowed')
    expect(proxy.upstream.requests).toHaveLength(0)
  })

  test('`ips` without TRUST_PROXY: X-Forwarded-For is ignored, the socket address (loopback) decides', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'office', key: ALICE, ips: ['203.0.113.0/24'] }, { name: 'local', key: BOB, ips: ['127.0.0.0/8', '::1'] }]) })
    expect((await sdkError(chat(proxy.client({ apiKey: ALICE }), 'hi', {}, from('203.0.113.9')))).code).toBe('ip_not_allowed')
    expect((await chat(proxy.client({ apiKey: BOB }), 'hi')).answer).toBe('Echo: hi')
  })
})
