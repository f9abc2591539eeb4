import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// Cool-downs are per (upstream key, model) (DESIGN §1.4, issue 19): providers limit per model, so with the
// most common deployment — one upstream key — a 429 on gpt-4.1-nano must not turn gpt-4o-mini away. The
// cooled model answers 429 upstream_keys_exhausted without a call; /stats and /metrics say which model rests.

const KEY = 'sk-one-key-only-Pq7Rz2Wm9Xc4Lt6Vb'
const RATE_LIMITED = { error: { message: 'Rate limit reached for gpt-4.1-nano', type: 'requests', param: null, code: 'rate_limit_exceeded' } }

let fake: FakeUpstream
let proxy: TestProxy
let cooledAt: [number, number]
let first: { status: number; retryAfter: string | null; body: any }
beforeAll(async () => {
  fake = await startFakeUpstream({ name: 'main' })
  const upstreams = [{ name: 'main', base_url: `${fake.url}/v1`, keys: [KEY], models: ['gpt-*'] }]
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0' }, fake)
  fake.fault({ status: 429, body: RATE_LIMITED, headers: { 'retry-after': '30' } })
  const before = Date.now()
  const response = await ask('gpt-4.1-nano')
  cooledAt = [before, Date.now()]
  first = { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() }
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})

let asked = 0
const ask = (model: string) => postJson(`${proxy.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content: `cooling question ${++asked}` }] })
const chatModels = () => fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.json.model)

describe('a 429 on one model, with a single upstream key', () => {
  test('the 429 itself: the key was tried once, then the model has no key left (upstream_keys_exhausted)', () => {
    expect(first.status).toBe(429)
    expect(first.body.error.code).toBe('upstream_keys_exhausted')
    expect(Number(first.retryAfter)).toBe(30)
    expect(chatModels()).toEqual(['gpt-4.1-nano'])
  })

  test('another model on the same key is still answered by the upstream', async () => {
    const response = await ask('gpt-4o-mini')
    expect(response.status).toBe(200)
    expect(((await response.json()) as any).choices[0].message.content).toStartWith('Echo: cooling question')
    expect(chatModels()).toEqual(['gpt-4.1-nano', 'gpt-4o-mini'])
    expect(fake.keysUsed).toEqual([KEY, KEY])
  })

  test('the cooled model: 429 upstream_keys_exhausted with retry-after, and no call upstream', async () => {
    const calls = fake.requests.length
    const response = await ask('gpt-4.1-nano')
    expect(response.status).toBe(429)
    expect(((await response.json()) as any).error.code).toBe('upstream_keys_exhausted')
    const retryAfter = Number(response.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(30)
    expect(fake.requests.length).toBe(calls)
  })

  test('/stats: the key rests for gpt-4.1-nano only, until the upstream said', async () => {
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    const key = stats.upstreams[0].keys[0]
    expect(key.fingerprint).toBe(fingerprint(KEY))
    expect(key.disabled).toBeNull()
    expect(key.cooling.map((c: any) => c.model)).toEqual(['gpt-4.1-nano'])
    const until = Date.parse(key.cooling[0].until)
    expect(until).toBeGreaterThanOrEqual(cooledAt[0] + 30_000 - 5)
    expect(until).toBeLessThanOrEqual(cooledAt[1] + 30_000 + 5)
    expect(JSON.stringify(stats)).not.toContain(KEY)
  })

  test('/metrics: a cooling-seconds series for gpt-4.1-nano only; the key state is cooling', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const series = text.split('\n').filter((line) => line.startsWith('proxy_gpt_upstream_key_cooling_seconds{'))
    expect(series).toHaveLength(1)
    const match = /^proxy_gpt_upstream_key_cooling_seconds\{(.*)\} (\S+)$/.exec(series[0]!)!
    expect(match[1]).toContain('upstream="main"')
    expect(match[1]).toContain(`key="${fingerprint(KEY)}"`)
    expect(match[1]).toContain('model="gpt-4.1-nano"')
    expect(Number(match[2])).toBeGreaterThan(20)
    expect(Number(match[2])).toBeLessThanOrEqual(30)
    expect(text).toContain(`proxy_gpt_upstream_key_state{upstream="main",key="${fingerprint(KEY)}",state="cooling"} 1`)
  })
})
