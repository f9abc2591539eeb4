import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { laterTurn, openingRanking } from '../helpers/affinity'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { waitFor } from '../helpers/sse'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// What an upstream's answer says about the key it was sent with (DESIGN §1.4): a 429 cools the key down for
// as long as the upstream says (clamped to 1–60 s, 5 s when it says nothing) and the request goes on with
// another key; a 401, a 403 or a 429 insufficient_quota disables the key; a 5xx, a refused connection or
// silence beyond UPSTREAM_TIMEOUT_MS moves on to the next upstream.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Hz${up}W${k}mQxLp7vRtY`
const [k1, k2] = [key(1, 1), key(1, 2)]

let fakes: FakeUpstream[]
let proxy: TestProxy | undefined
beforeAll(async () => {
  fakes = await Promise.all(['main', 'backup'].map((name) => startFakeUpstream({ name })))
})
afterAll(() => Promise.all(fakes.map((f) => f.stop())))
beforeEach(() => {
  for (const f of fakes) {
    f.reset()
    for (const k of [k1, k2, key(2, 1)]) f.keyFault(k, undefined)
  }
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

/** One upstream `main` with keys k1, k2 (k1 first), and, when asked, `backup` of priority 1. */
async function start(options: { mainUrl?: string; backup?: boolean; env?: Record<string, string> } = {}) {
  const upstreams = [{ name: 'main', base_url: `${options.mainUrl ?? fakes[0]!.url}/v1`, keys: [k1, k2], models: ['gpt-*'], priority: 0 }]
  if (options.backup) upstreams.push({ name: 'backup', base_url: `${fakes[1]!.url}/v1`, keys: [key(2, 1)], models: ['gpt-*'], priority: 1 })
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0', ...options.env }, fakes[0])
  return proxy
}

let asked = 0
// Turns of one conversation whose prompt prefix ranks k1 before k2 (DESIGN §1.9): k1 takes them while it is healthy.
const OPENING = openingRanking([k1, k2])
const question = () => ({ model: 'gpt-4o-mini', messages: laterTurn(OPENING, `health question ${++asked}`) })
const send = () => postJson(`${proxy!.baseURL}/chat/completions`, question())
async function keyStats(k: string) {
  const stats: any = await (await fetch(`${proxy!.url}/stats`)).json()
  return stats.upstreams.flatMap((u: any) => u.keys).find((entry: any) => entry.fingerprint === fingerprint(k))
}

const RATE_LIMITED = { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }

describe('a 429 cools the key down for what the upstream says', () => {
  const FORMS: Array<[string, Record<string, string>, number]> = [
    ['retry-after: 2', { 'retry-after': '2' }, 2_000],
    ['retry-after-ms: 1500', { 'retry-after-ms': '1500' }, 1_500],
    ['x-ratelimit-reset-requests: 6m0s, clamped to 60 s', { 'x-ratelimit-reset-requests': '6m0s' }, 60_000],
    ['x-ratelimit-reset-tokens: 20ms, clamped to 1 s', { 'x-ratelimit-reset-tokens': '20ms' }, 1_000],
    ['no header: 5 s', {}, 5_000],
  ]
  for (const [form, headers, coolMs] of FORMS) {
    test(`${form}: retried on the other key, and the key is skipped while it cools`, async () => {
      await start()
      fakes[0]!.keyFault(k1, { status: 429, body: RATE_LIMITED, headers })
      const before = Date.now()
      // maxRetries 0: the success is the proxy's retry, not the SDK's.
      const answer = await proxy!.client().chat.completions.create(question())
      const after = Date.now()
      expect(answer.choices[0]!.message.content).toStartWith('Echo: health question')
      expect(fakes[0]!.keysUsed).toEqual([k1, k2])

      const cooling = await keyStats(k1)
      expect(cooling.cooling.map((c: any) => c.model)).toEqual(['gpt-4o-mini'])
      const until = Date.parse(cooling.cooling[0].until)
      expect(until).toBeGreaterThanOrEqual(before + coolMs - 5)
      expect(until).toBeLessThanOrEqual(after + coolMs + 5)
      expect(cooling.disabled).toBeNull()
      expect((await keyStats(k2)).cooling).toEqual([])

      for (let i = 0; i < 2; i++) expect((await send()).status).toBe(200)
      expect(fakes[0]!.keysUsed).toEqual([k1, k2, k2, k2])
    })
  }

  test('once the cool-down is over the key is used again', async () => {
    await start()
    fakes[0]!.keyFault(k1, { status: 429, body: RATE_LIMITED, headers: { 'retry-after': '1' } })
    expect((await send()).status).toBe(200)
    fakes[0]!.keyFault(k1, undefined)
    const until = Date.parse((await keyStats(k1)).cooling[0].until)
    expect((await send()).status).toBe(200) // still cooling: k2
    await Bun.sleep(Math.max(0, until - Date.now()) + 150)
    expect((await send()).status).toBe(200)
    expect(fakes[0]!.keysUsed).toEqual([k1, k2, k2, k1])
    expect((await keyStats(k1)).cooling).toEqual([])
  })
})

describe('401, 403 and 429 insufficient_quota disable the key', () => {
  const FORMS: Array<[string, number, object]> = [
    ['401', 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }],
    ['403', 403, { error: { message: 'Your account is not allowed here.', type: 'invalid_request_error', param: null, code: 'unsupported_country_region_territory' } }],
    ['429 insufficient_quota', 429, { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }],
  ]
  for (const [form, status, body] of FORMS) {
    test(`${form}: the request succeeds on the other key, one log line names the fingerprint, the key is never used again`, async () => {
      await start()
      fakes[0]!.keyFault(k1, { status, body })
      const answer = await proxy!.client().chat.completions.create(question())
      expect(answer.choices[0]!.message.content).toStartWith('Echo: ')
      for (let i = 0; i < 4; i++) expect((await send()).status).toBe(200)
      expect(fakes[0]!.keysUsed).toEqual([k1, k2, k2, k2, k2, k2])

      const lines = proxy!.logs.filter((line) => line.includes(fingerprint(k1)))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain('disabled')
      expect(lines[0]).toMatch(/\b[0-9a-f]{8}\b/)
      for (const line of proxy!.logs) for (let i = 0; i + 8 <= k1.length; i++) expect(line).not.toContain(k1.slice(i, i + 8))

      const disabled = await keyStats(k1)
      expect(disabled.disabled).not.toBeNull()
      expect(disabled.cooling).toEqual([])
      expect((await keyStats(k2)).disabled).toBeNull()
    })
  }

  test('a 429 rate_limit_exceeded only cools: it does not disable', async () => {
    await start()
    fakes[0]!.keyFault(k1, { status: 429, body: RATE_LIMITED, headers: { 'retry-after': '30' } })
    expect((await send()).status).toBe(200)
    expect((await keyStats(k1)).disabled).toBeNull()
    expect(proxy!.logs.filter((line) => line.includes(fingerprint(k1)))).toEqual([])
  })
})

describe('5xx, a refused connection and a silent upstream move on to the next upstream', () => {
  test('5xx: the next upstream answers; the failing upstream is not tried with its other key', async () => {
    await start({ backup: true })
    fakes[0]!.fault({ status: 503 })
    const response = await send()
    expect(response.status).toBe(200)
    expect(response.headers.get('x-upstream')).toBe('backup')
    expect(fakes[0]!.keysUsed).toEqual([k1])
    expect(fakes[1]!.keysUsed).toEqual([key(2, 1)])
    // A 5xx says nothing about the key: the next request goes to priority 0 again.
    expect((await send()).headers.get('x-upstream')).toBe('main')
  })

  test('a refused connection (its server stopped): the next upstream answers', async () => {
    const gone = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('never') })
    const url = `http://127.0.0.1:${gone.port}`
    await gone.stop(true)
    await start({ mainUrl: url, backup: true })
    const { data, response } = await proxy!.client().chat.completions.create(question()).withResponse()
    expect(data.choices[0]!.message.content).toStartWith('Echo: ')
    expect(response.headers.get('x-upstream')).toBe('backup')
    expect(fakes[1]!.requests).toHaveLength(1)
  })

  test('no headers within UPSTREAM_TIMEOUT_MS: abandoned, the next upstream answers', async () => {
    await start({ backup: true, env: { UPSTREAM_TIMEOUT_MS: '300' } })
    fakes[0]!.keyFault(k1, { hang: true })
    fakes[0]!.keyFault(k2, { hang: true })
    const started = Date.now()
    const response = await send()
    expect(response.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(response.headers.get('x-upstream')).toBe('backup')
    await waitFor(() => fakes[0]!.aborted === 1)
    expect(fakes[0]!.keysUsed).toEqual([k1])
    expect(fakes[1]!.requests).toHaveLength(1)
  })
})
