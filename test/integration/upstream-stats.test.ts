import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { laterTurn, openingRanking } from '../helpers/affinity'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// Upstream health as operators see it (DESIGN §1.3): GET /stats lists each upstream by name (with its provider
// kind and model patterns, which the console shows) and its keys by fingerprint with their counts, cool-down
// and disabled state; /metrics has the same as Prometheus series.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Sg${up}F${k}wQxLm7vRtY`
const [a1, a2, a3, b1] = [key(1, 1), key(1, 2), key(1, 3), key(2, 1)]

let main: FakeUpstream
let backup: FakeUpstream
let proxy: TestProxy
let cooledAt: [number, number]
beforeAll(async () => {
  main = await startFakeUpstream({ name: 'main' })
  backup = await startFakeUpstream({ name: 'backup' })
  const upstreams = [
    { name: 'main', base_url: `${main.url}/v1`, keys: [a1, a2, a3], models: ['gpt-*'], priority: 0 },
    { name: 'backup', base_url: `${backup.url}/v1`, keys: [b1], models: ['gpt-*'], priority: 1 },
  ]
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0' }, main)

  // 1: a1 429 (cools 30 s), a2 401 (disabled), a3 answers.  2: a3 answers.  3: a3 500, backup's b1 answers.
  main.keyFault(a1, { status: 429, headers: { 'retry-after': '30' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } })
  main.keyFault(a2, { status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } })
  const before = Date.now()
  expect((await send('first')).status).toBe(200)
  cooledAt = [before, Date.now()]
  expect((await send('second')).status).toBe(200)
  main.fault({ status: 500 })
  const third = await send('third')
  expect(third.headers.get('x-upstream')).toBe('backup')
  expect(main.keysUsed).toEqual([a1, a2, a3, a3, a3])
  expect(backup.keysUsed).toEqual([b1])
})
afterAll(async () => {
  await proxy.stop()
  await main.stop()
  await backup.stop()
})

// Turns of one conversation whose prompt prefix ranks a1, a2, a3 in that order (DESIGN §1.9).
const OPENING = openingRanking([a1, a2, a3])
function send(content: string) {
  return postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: laterTurn(OPENING, content) })
}

describe('GET /stats: upstreams and their keys', () => {
  test('counts, cool-down and disabled state per key, by fingerprint', async () => {
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.upstreams.map((u: any) => u.name)).toEqual(['main', 'backup'])
    const [mainStats, backupStats] = stats.upstreams
    expect(mainStats).toMatchObject({ name: 'main', provider: 'openai', models: ['gpt-*'], requests: 5, errors: 2, rateLimited: 1 })
    expect(mainStats.keys.map((k: any) => k.fingerprint)).toEqual([a1, a2, a3].map(fingerprint))
    for (const k of [...mainStats.keys, ...backupStats.keys]) expect(k.fingerprint).toMatch(/^[0-9a-f]{8}$/)

    const [k1, k2, k3] = mainStats.keys
    expect(k1).toMatchObject({ requests: 1, errors: 0, rateLimited: 1, disabled: null })
    expect(k1.cooling.map((c: any) => c.model)).toEqual(['gpt-4o-mini'])
    const until = Date.parse(k1.cooling[0].until)
    expect(until).toBeGreaterThanOrEqual(cooledAt[0] + 30_000 - 5)
    expect(until).toBeLessThanOrEqual(cooledAt[1] + 30_000 + 5)

    expect(k2).toMatchObject({ requests: 1, errors: 1, rateLimited: 0, cooling: [] })
    expect(k2.disabled).not.toBeNull()
    expect(k2.disabled.reason).toContain('401')

    expect(k3).toEqual({ fingerprint: fingerprint(a3), requests: 3, errors: 1, rateLimited: 0, cooling: [], disabled: null })
    expect(backupStats).toEqual({
      name: 'backup',
      provider: 'openai',
      models: ['gpt-*'],
      requests: 1,
      errors: 0,
      rateLimited: 0,
      keys: [{ fingerprint: fingerprint(b1), requests: 1, errors: 0, rateLimited: 0, cooling: [], disabled: null }],
    })
  })
})

/** The value of the series `name` whose labels include `labels`; undefined when there is none. */
function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const got = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([label, value]) => got[label] === value)) return Number(match[3])
  }
  return undefined
}

describe('GET /metrics: attempts and key states', () => {
  test('proxy_gpt_upstream_attempts_total by upstream, key fingerprint and outcome', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const attempts = (upstream: string, k: string, outcome: string) => metric(text, 'proxy_gpt_upstream_attempts_total', { upstream, key: fingerprint(k), outcome })
    expect(attempts('main', a1, 'rate_limited')).toBe(1)
    expect(attempts('main', a2, 'disabled')).toBe(1)
    expect(attempts('main', a3, 'ok')).toBe(2)
    expect(attempts('main', a3, 'error')).toBe(1)
    expect(attempts('backup', b1, 'ok')).toBe(1)
    expect(attempts('main', a1, 'ok') ?? 0).toBe(0)
  })

  test('proxy_gpt_upstream_key_state: 1 for each key’s current state', async () => {
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const state = (upstream: string, k: string, s: string) => metric(text, 'proxy_gpt_upstream_key_state', { upstream, key: fingerprint(k), state: s })
    expect([state('main', a1, 'cooling'), state('main', a1, 'ok'), state('main', a1, 'disabled')]).toEqual([1, 0, 0])
    expect([state('main', a2, 'disabled'), state('main', a2, 'ok'), state('main', a2, 'cooling')]).toEqual([1, 0, 0])
    expect([state('main', a3, 'ok'), state('main', a3, 'cooling'), state('main', a3, 'disabled')]).toEqual([1, 0, 0])
    expect(state('backup', b1, 'ok')).toBe(1)
  })
})
