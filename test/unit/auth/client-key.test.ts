import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { rejectedApiError } from '../../helpers/api-error'
import { authenticator, type ClientKey } from '../../../src/auth/client-key'
import { FailedAuth } from '../../../src/auth/failed-auth'
import { hashKey, KeyRing } from '../../../src/auth/key-ring'
import { MemoryKeys } from '../../../src/state/memory/keys'
import { MemoryRateLimits } from '../../../src/state/memory/rate-limits'

const KEY = 'proxy-key-alpha-0123456789'
const SOCKET = '203.0.113.9'

const request = (headers: Record<string, string> = {}) => new Request('http://proxy.local/v1/chat/completions', { method: 'POST', headers })
const hashOf = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 8)

/** A PROXY_KEY configuration: the limits are passed through as they are. */
const config = (proxyKeys: string[], trustProxy = 0) => ({ proxyKeys, trustProxy, modelRateLimit: 0, maxOutputTokens: 0, keys: [] })
/**
 * The gate of round 1: PROXY_KEY keys only, no named keys. A key the ring knows is answered synchronously
 * (no await on the hot path): `gate` fails the test otherwise; `check` is for refusals, which may wait on
 * the key store.
 */
const gateFor = (c: ReturnType<typeof config>) => {
  const authenticate = authenticator(new KeyRing(c, new MemoryKeys()), c)
  const gate = (r: Request, ip: string): ClientKey => {
    const key = authenticate(r, ip)
    if (key instanceof Promise) throw new Error('a key the ring knows should be answered synchronously')
    return key
  }
  return Object.assign(gate, { check: (r: Request, ip: string) => authenticate(r, ip) })
}

describe('authenticator: accepted keys', () => {
  const gate = gateFor(config([KEY]))
  const expected = { id: `ip:${SOCKET}`, hash: hashOf(`ip:${SOCKET}`) }

  test.each([
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }],
    ['Authorization: bearer (any case), extra spaces', { authorization: `  bearer   ${KEY}  ` }],
    ['x-api-key', { 'x-api-key': KEY }],
    ['api-key', { 'api-key': KEY }],
    ['x-api-key after a non-Bearer authorization', { authorization: 'Basic Zm9vOmJhcg==', 'x-api-key': KEY }],
  ])('%s', (_name, headers) => {
    expect(gate(request(headers), SOCKET)).toMatchObject(expected)
  })

  test('the hash is 8 hex characters of the id', () => {
    const { hash } = gate(request({ authorization: `Bearer ${KEY}` }), SOCKET)
    expect(hash).toMatch(/^[0-9a-f]{8}$/)
    expect(hash).toBe(hashOf(`ip:${SOCKET}`))
  })

  test('PROXY_KEY keys all share the one cache group', () => {
    expect(gate(request({ authorization: `Bearer ${KEY}` }), SOCKET).cacheGroup).toBe('shared')
  })
})

describe('authenticator: refused keys', () => {
  const gate = gateFor(config([KEY, 'proxy-key-beta']))
  const WRONG = 'sk-wrong-presented-key-987654321'

  test.each([
    ['no credentials', {}],
    ['wrong Bearer key', { authorization: `Bearer ${WRONG}` }],
    ['wrong x-api-key', { 'x-api-key': WRONG }],
    ['wrong api-key', { 'api-key': WRONG }],
    ['a prefix of the key', { authorization: `Bearer ${KEY.slice(0, -1)}` }],
    ['the key with a suffix', { authorization: `Bearer ${KEY}x` }],
    ['the key in a different case', { authorization: `Bearer ${KEY.toUpperCase()}` }],
    ['empty Bearer', { authorization: 'Bearer ' }],
    ['the key without "Bearer"', { authorization: KEY }],
    ['blank x-api-key', { 'x-api-key': '   ' }],
    ['all keys joined', { authorization: `Bearer ${KEY},proxy-key-beta` }],
  ])('%s → 401 invalid_api_key', async (_name, headers) => {
    const error = await rejectedApiError(() => gate.check(request(headers), SOCKET))
    expect(error.status).toBe(401)
    expect(error.type).toBe('invalid_request_error')
    expect(error.code).toBe('invalid_api_key')
    expect(error.param).toBeNull()
  })

  test('the 401 never contains the presented key (message, body or response)', async () => {
    const attempts: Array<Record<string, string>> = [{ authorization: `Bearer ${WRONG}` }, { 'x-api-key': WRONG }, { 'api-key': WRONG }]
    for (const headers of attempts) {
      const error = await rejectedApiError(() => gate.check(request(headers), SOCKET))
      expect(error.message).not.toContain(WRONG)
      expect(JSON.stringify(error.toBody())).not.toContain(WRONG)
      const response = error.toResponse()
      expect(response.status).toBe(401)
      const text = await response.text()
      expect(text).not.toContain(WRONG)
      expect(text).not.toContain(KEY)
      for (const [, value] of response.headers) expect(value).not.toContain(WRONG)
    }
  })

  test('the message tells how to send the key', async () => {
    const error = await rejectedApiError(() => gate.check(request(), SOCKET))
    expect(error.message).toBe(
      'Missing or incorrect proxy key. Send it as "Authorization: Bearer <key>" (or an x-api-key / api-key header).'
    )
  })

  test('a wrong Bearer key is refused even with a right x-api-key (the Authorization header wins)', async () => {
    expect((await rejectedApiError(() => gate.check(request({ authorization: `Bearer ${WRONG}`, 'x-api-key': KEY }), SOCKET))).status).toBe(401)
  })
})

describe('authenticator: failed attempts', () => {
  const WRONG = 'sk-wrong-presented-key-987654321'
  const setUp = (trustProxy = 0) => {
    const c = config([KEY], trustProxy)
    const refused: boolean[] = []
    const failures = new FailedAuth({ store: new MemoryRateLimits(), onRefused: (limited) => void refused.push(limited) })
    return { authenticate: authenticator(new KeyRing(c, new MemoryKeys()), c, failures), refused }
  }
  const statusOf = async (attempt: () => unknown) => (await rejectedApiError(attempt)).status

  test('wrong and missing keys count against the address; past 20 the answer is 429, a valid key still passes at once', async () => {
    const { authenticate, refused } = setUp()
    for (let i = 0; i < 10; i++) expect(await statusOf(() => authenticate(request({ authorization: `Bearer ${WRONG}` }), SOCKET))).toBe(401)
    for (let i = 0; i < 10; i++) expect(await statusOf(() => authenticate(request(), SOCKET))).toBe(401)
    expect(await statusOf(() => authenticate(request({ 'x-api-key': WRONG }), SOCKET))).toBe(429)
    expect(await statusOf(() => authenticate(request(), SOCKET))).toBe(429)
    // Answered synchronously, as always: a valid key never waits on the count of failures.
    const accepted = authenticate(request({ authorization: `Bearer ${KEY}` }), SOCKET)
    expect(accepted).not.toBeInstanceOf(Promise)
    expect(accepted).toMatchObject({ id: `ip:${SOCKET}` })
    expect(refused).toEqual([...Array(20).fill(false), true, true])
    expect(await statusOf(() => authenticate(request({ authorization: `Bearer ${WRONG}` }), '203.0.113.10'))).toBe(401)
  })

  test('the address is the one TRUST_PROXY names', async () => {
    const { authenticate } = setUp(1)
    const from = (address: string, key = WRONG) => request({ authorization: `Bearer ${key}`, 'x-forwarded-for': `198.51.100.1, ${address}` })
    for (let i = 0; i < 20; i++) await rejectedApiError(() => authenticate(from('192.0.2.7'), SOCKET))
    expect(await statusOf(() => authenticate(from('192.0.2.7'), SOCKET))).toBe(429)
    // Same socket (the load balancer), another client behind it.
    expect(await statusOf(() => authenticate(from('192.0.2.8'), SOCKET))).toBe(401)
    expect(authenticate(from('192.0.2.7', KEY), SOCKET)).toMatchObject({ id: 'ip:192.0.2.7' })
  })
})

describe('authenticator: a key made on another replica before this one reloaded', () => {
  const c = config([KEY])
  const LATE = 'pk-made-elsewhere-Tq8Wc3Ns6Lb1'

  test('is found in the store at its first request, then known to the ring', async () => {
    const store = new MemoryKeys()
    const ring = new KeyRing(c, store)
    const authenticate = authenticator(ring, c)
    // Straight into the store, as another replica's admin API would: this ring heard nothing of it.
    ring.close()
    await store.create({ name: 'late', hash: hashKey(LATE), settings: { rate_limit: 3, cache: 'team' }, createdAt: 1, updatedAt: 1 })
    expect(ring.find(LATE)).toBeUndefined()
    const first = authenticate(request({ authorization: `Bearer ${LATE}` }), SOCKET)
    expect(first).toBeInstanceOf(Promise)
    expect(await first).toMatchObject({ name: 'late', id: 'name:late', rateLimit: 3, cacheGroup: 'group:team', metered: true })
    expect(authenticate(request({ authorization: `Bearer ${LATE}` }), SOCKET)).toMatchObject({ name: 'late' })
  })

  test('a key the store does not have either is refused; so is one while the store cannot answer', async () => {
    const store = new MemoryKeys()
    const authenticate = authenticator(new KeyRing(c, store), c)
    expect((await rejectedApiError(() => authenticate(request({ authorization: `Bearer ${LATE}` }), SOCKET))).code).toBe('invalid_api_key')
    await store.create({ name: 'late', hash: hashKey(LATE), settings: {}, createdAt: 1, updatedAt: 1 })
    store.findByHash = () => Promise.reject(new Error('redis away'))
    const ring = new KeyRing(c, store)
    expect((await rejectedApiError(() => authenticator(ring, c)(request({ authorization: `Bearer ${LATE}` }), SOCKET))).code).toBe('invalid_api_key')
  })

  test('its expiry is checked as for any key', async () => {
    const store = new MemoryKeys()
    await store.create({ name: 'old', hash: hashKey(LATE), settings: { expires: '2020-01-01T00:00:00Z' }, createdAt: 1, updatedAt: 1 })
    const error = await rejectedApiError(() => authenticator(new KeyRing(c, store), c)(request({ authorization: `Bearer ${LATE}` }), SOCKET))
    expect(error.code).toBe('key_expired')
  })
})

describe('authenticator: client identity', () => {
  test('one shared key: one client per address', () => {
    const gate = gateFor(config([KEY]))
    const a = gate(request({ authorization: `Bearer ${KEY}` }), '198.51.100.1')
    const b = gate(request({ authorization: `Bearer ${KEY}` }), '198.51.100.2')
    const a2 = gate(request({ 'x-api-key': KEY }), '198.51.100.1')
    expect(a).toMatchObject({ id: 'ip:198.51.100.1', hash: hashOf('ip:198.51.100.1') })
    expect(b.id).toBe('ip:198.51.100.2')
    expect(a2).toEqual(a)
    expect(a.hash).not.toBe(b.hash)
  })

  test('one shared key behind a trusted proxy: the address comes from X-Forwarded-For', () => {
    const gate = gateFor(config([KEY], 1))
    const client = gate(request({ authorization: `Bearer ${KEY}`, 'x-forwarded-for': '6.6.6.6, 192.0.2.44' }), '10.0.0.2')
    expect(client.id).toBe('ip:192.0.2.44')
  })

  test('several keys: one client per key index, whatever the address', () => {
    const gate = gateFor(config(['key-zero', 'key-one', 'key-two']))
    expect(gate(request({ authorization: 'Bearer key-zero' }), '198.51.100.1')).toMatchObject({ id: 'key:0', hash: hashOf('key:0') })
    expect(gate(request({ 'x-api-key': 'key-one' }), '198.51.100.1')).toMatchObject({ id: 'key:1', hash: hashOf('key:1') })
    expect(gate(request({ 'api-key': 'key-two' }), '198.51.100.2')).toMatchObject({ id: 'key:2', hash: hashOf('key:2') })
    expect(gate(request({ authorization: 'Bearer key-one' }), '198.51.100.99').id).toBe('key:1')
  })

  test('the id never contains the key itself', () => {
    const gate = gateFor(config(['key-zero', 'key-one']))
    const client = gate(request({ authorization: 'Bearer key-one' }), SOCKET)
    expect(client.id).not.toContain('key-one')
    expect(client.hash).not.toContain('key-one')
  })
})
