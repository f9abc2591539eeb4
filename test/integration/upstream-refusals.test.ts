import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { ask as askReplica, redisSkipReason, startReplicas, stopAllReplicas } from '../helpers/replicas'
import { spawnProxy } from '../helpers/spawn-proxy'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// A wrong upstream key or an unreachable upstream must not read as an outage (DESIGN §1.4, §1.7): the first
// client gets the upstream's own 401 (keys masked) even when the cache's embedding call or the start-up check
// met it first; later clients get a 503 naming the upstream and what it said; the start-up check logs one line
// per upstream (ok / key refused / unreachable, with the cause) and shows on /stats; /v1/models answers why
// rather than an empty list.

const BAD = 'sk-proj-Wr0ngK3yQx7vLpRtYhZm9Nc4'
const GOOD = 'sk-good-key-Mq5Lw2ZxRv7pTnYbHj8'
const OTHER = 'AIzaSyRf4XqVwB7kLpRzTnHcYdWe'
const ALL = [BAD, GOOD, OTHER]

/** OpenAI's answer to a wrong key, which echoes part of it. */
const refusal = (key: string) => ({
  status: 401,
  body: {
    error: {
      message: `Incorrect API key provided: ${key.slice(0, 8)}${'*'.repeat(16)}${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  },
})

/** Every 8-character window of a key that shows in `text`. */
function fragments(text: string): string[] {
  const found = new Set<string>()
  for (const k of ALL) for (let i = 0; i + 8 <= k.length; i++) if (text.includes(k.slice(i, i + 8))) found.add(k.slice(i, i + 8))
  return [...found]
}

/** An address nothing listens on: a port just given up by a server. */
async function closedPort(): Promise<string> {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const url = `http://127.0.0.1:${server.port}`
  await server.stop(true)
  return url
}

let fake: FakeUpstream
let other: FakeUpstream
let gone: string
let proxy: TestProxy | undefined
beforeAll(async () => {
  fake = await startFakeUpstream({ name: 'openai' })
  other = await startFakeUpstream({ name: 'other' })
  gone = await closedPort()
})
afterAll(async () => {
  await fake.stop()
  await other.stop()
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
  for (const f of [fake, other]) {
    f.reset()
    for (const k of ALL) f.keyFault(k, undefined)
  }
})

const question = (content: string, model = 'gpt-4o-mini') => ({ model, messages: [{ role: 'user' as const, content }] })
const ask = (content: string, model?: string) => postJson(`${proxy!.baseURL}/chat/completions`, question(content, model))
const statsOf = async () => (await fetch(`${proxy!.url}/stats`)).json() as Promise<any>

describe('a wrong upstream key', () => {
  test('cache on: the embedding call meets the 401 first, yet the first client gets it (masked); the next a 503 naming the upstream', async () => {
    proxy = await startProxy({ OPENAI_KEY: BAD, MODEL_RATE_LIMIT: '0' }, fake)
    fake.keyFault(BAD, refusal(BAD))

    const first = await ask('What is the capital of France?')
    // The cache's embedding went first and found the key refused: the chat itself never went upstream.
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/embeddings'])
    expect(first.status).toBe(401)
    expect(first.headers.get('x-upstream')).toBe('default')
    const text = await first.text()
    const body = JSON.parse(text)
    expect(body.error.code).toBe('invalid_api_key')
    expect(body.error.message).toBe('Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.')
    expect(fragments(text)).toEqual([])

    for (const content of ['And of Italy?', 'What is the capital of France?']) {
      const next = await ask(content)
      expect(next.status).toBe(503)
      const error = ((await next.json()) as any).error
      expect(error.code).toBe('no_upstream_available')
      expect(error.message).toContain("upstream 'default' refused its key(s) (401 Incorrect API key provided: sk-***.")
      expect(error.message).toContain('rechecked every 10 minutes')
      expect(fragments(error.message)).toEqual([])
    }
    expect(fake.requests).toHaveLength(1)
    const disabled = proxy.logs.filter((line) => line.includes('disabled'))
    expect(disabled).toHaveLength(1)
    expect(disabled[0]).toContain('401 Incorrect API key provided: sk-***')
    expect(fragments(proxy.logs.join('\n'))).toEqual([])
  })

  test('an OpenAI SDK sees the upstream explanation first, then the 503', async () => {
    proxy = await startProxy({ OPENAI_KEY: BAD, MODEL_RATE_LIMIT: '0' }, fake)
    fake.keyFault(BAD, refusal(BAD))
    const first = await proxy.client().chat.completions.create(question('Hello there')).catch((error) => error)
    expect(first.status).toBe(401)
    expect(first.message).toContain('Incorrect API key provided: sk-***')
    const then = await proxy.client().chat.completions.create(question('Hello again')).catch((error) => error)
    expect(then.status).toBe(503)
    expect(then.message).toContain("upstream 'default' refused its key(s)")
  })
})

describe('the start-up check', () => {
  const three = () => [
    { name: 'good', base_url: `${fake.url}/v1`, keys: [GOOD], models: ['gpt-*', 'text-embedding-*'] },
    { name: 'revoked', base_url: `${other.url}/v1`, keys: [BAD, OTHER], models: ['deepseek-*'] },
    { name: 'gone', base_url: `${gone}/v1`, keys: ['sk-gone-key-Zq8Wm3Rt6YhLp0Vx'], models: ['mistral-*'] },
  ]

  test('one line per upstream with its verdict and cause, never a key; /stats shows each; the refused key is disabled', async () => {
    other.keyFault(BAD, refusal(BAD))
    other.keyFault(OTHER, { status: 403, body: { error: { message: `Project of ${OTHER} is not allowed`, type: 'invalid_request_error', param: null, code: null } } })
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams: three() }), CACHE_ALLOWED: 'false' }, fake)
    expect(proxy.logs.filter((line) => line.includes('start-up check'))).toEqual([])

    await proxy.checkUpstreams()
    const lines = proxy.logs.filter((line) => line.includes('start-up check'))
    expect(lines).toHaveLength(3)
    const line = (name: string) => lines.find((l) => l.startsWith(`upstream ${name}:`))!
    expect(line('good')).toMatch(/^upstream good: start-up check ok — GET \/models accepted its key \(\d+ ms\)$/)
    expect(line('revoked')).toContain('key refused')
    expect(line('revoked')).toContain('401 Incorrect API key provided: sk-***.')
    expect(line('revoked')).toContain('403 Project of *** is not allowed')
    expect(line('gone')).toContain(`unreachable at ${gone}/v1`)
    expect(line('gone')).toContain('connection refused (ECONNREFUSED')
    // The check says it; the pool adds no second line per refused key.
    expect(proxy.logs.filter((l) => l.includes('disabled'))).toHaveLength(1)
    expect(fragments(proxy.logs.join('\n'))).toEqual([])
    // Each key was asked once, with GET /models.
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models'])
    expect(other.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models', 'GET /v1/models'])

    const stats = await statsOf()
    const upstream = (name: string) => stats.upstreams.find((u: any) => u.name === name)
    expect(upstream('good').check).toMatchObject({ result: 'ok' })
    expect(upstream('revoked').check).toMatchObject({ result: 'key_refused' })
    expect(upstream('revoked').check.detail).toContain('401 Incorrect API key provided: sk-***.')
    expect(upstream('gone').check).toEqual({ result: 'unreachable', detail: 'connection refused (ECONNREFUSED)', at: expect.any(String) })
    expect(Date.parse(upstream('gone').check.at)).toBeGreaterThan(Date.now() - 60_000)
    for (const key of upstream('revoked').keys) expect(key.disabled.reason).toMatch(/^40[13] /)
    expect(upstream('good').keys[0].disabled).toBeNull()
    expect(fragments(JSON.stringify(stats))).toEqual([])

    // The first client of the refused upstream gets the upstream's own words, the next the 503 naming it.
    const first = await ask('hello', 'deepseek-chat')
    expect([401, 403]).toContain(first.status)
    expect(first.headers.get('x-upstream')).toBe('revoked')
    const firstText = await first.text()
    expect(fragments(firstText)).toEqual([])
    expect(JSON.parse(firstText).error.message).toMatch(/Incorrect API key provided: sk-\*\*\*|Project of \*\*\* is not allowed/)
    const next = await ask('hello again', 'deepseek-chat')
    expect(next.status).toBe(503)
    const message = ((await next.json()) as any).error.message
    expect(message).toContain("upstream 'revoked' refused its key(s) (")
    expect(message).toContain('401 Incorrect API key provided: sk-***.')
    expect(message).toContain('403 Project of *** is not allowed')
    expect(other.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0)
  })
})

describe('GET /v1/models when no upstream answers', () => {
  test('every upstream unreachable: 502 naming the cause, not an empty 200', async () => {
    proxy = await startProxy({ OPENAI_BASE_URL: `${gone}/v1`, CACHE_ALLOWED: 'false' }, fake)
    const response = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(response.status).toBe(502)
    const error = ((await response.json()) as any).error
    expect(error.code).toBe('upstream_unreachable')
    expect(error.message).toContain("upstream 'default': connection refused (ECONNREFUSED)")
    expect(error.message).not.toContain(gone)
  })

  test('an upstream that says nothing in time: 502 naming the timeout', async () => {
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '300', CACHE_ALLOWED: 'false' }, fake)
    fake.fault({ hang: true, path: '/v1/models' })
    const response = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(response.status).toBe(502)
    expect(((await response.json()) as any).error.message).toContain("upstream 'default': no answer within 300 ms (UPSTREAM_TIMEOUT_MS)")
    expect(proxy.logs.some((line) => line.includes("upstream default's /models failed (no answer within 300 ms"))).toBe(true)
  })

  test('a refused key: the upstream 401, masked; with another upstream answering, the union as before', async () => {
    fake.keyFault(BAD, refusal(BAD))
    proxy = await startProxy({ OPENAI_KEY: BAD, CACHE_ALLOWED: 'false' }, fake)
    const refused = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(refused.status).toBe(401)
    const text = await refused.text()
    expect(JSON.parse(text).error.message).toContain('Incorrect API key provided: sk-***.')
    expect(fragments(text)).toEqual([])
    await proxy.stop()

    const upstreams = [
      { name: 'refusing', base_url: `${fake.url}/v1`, keys: [BAD], models: ['gpt-*'] },
      { name: 'gone', base_url: `${gone}/v1`, keys: [OTHER], models: ['mistral-*'] },
      { name: 'fine', base_url: `${other.url}/v1`, keys: [GOOD], models: ['gpt-*'] },
    ]
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false' }, fake)
    const listed = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(listed.status).toBe(200)
    expect(((await listed.json()) as any).data.map((m: any) => m.id).sort()).toEqual(['gpt-4o', 'gpt-4o-mini'])
  })

  test('every key disabled: the 503 naming the refusal', async () => {
    fake.keyFault(BAD, refusal(BAD))
    proxy = await startProxy({ OPENAI_KEY: BAD, CACHE_ALLOWED: 'false' }, fake)
    await proxy.checkUpstreams()
    const response = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(response.status).toBe(503)
    expect(((await response.json()) as any).error.message).toContain("upstream 'default' refused its key(s) (401 Incorrect API key provided: sk-***.")
  })
})

describe('the real process', () => {
  test('logs the check of each upstream after listening, without holding up the start or showing a key', async () => {
    other.keyFault(BAD, refusal(BAD))
    const upstreams = [
      { name: 'revoked', base_url: `${other.url}/v1`, keys: [BAD], models: ['gpt-*'] },
      { name: 'gone', base_url: `${gone}/v1`, keys: [OTHER], models: ['mistral-*'] },
    ]
    const spawned = await spawnProxy({ upstreamUrl: fake.url, env: { PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false' } })
    try {
      const revoked = await spawned.waitForLine(/upstream revoked: start-up check/)
      const unreachable = await spawned.waitForLine(/upstream gone: start-up check/)
      expect(revoked).toContain('key refused')
      expect(revoked).toContain('401 Incorrect API key provided: sk-***.')
      expect(unreachable).toContain('unreachable')
      expect(unreachable).toContain('ECONNREFUSED')
      const listening = spawned.lines.findIndex((line) => line.includes('listening on'))
      expect(listening).toBeGreaterThanOrEqual(0)
      expect(listening).toBeLessThan(spawned.lines.findIndex((line) => line.includes('start-up check')))
      expect(spawned.lines.filter((line) => line.includes('start-up check'))).toHaveLength(2)
      expect(fragments(spawned.lines.join('\n'))).toEqual([])
    } finally {
      await spawned.kill()
    }
  })
})

describe.skipIf(!!redisSkipReason)(`replicas sharing Redis${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  afterEach(stopAllReplicas)

  test("both check the key at start; the first client, on either, gets the upstream's 401, the next (on the other) the 503", async () => {
    other.keyFault(BAD, refusal(BAD))
    const set = await startReplicas({
      n: 2,
      upstream: other,
      env: { CACHE_ALLOWED: 'false' },
      upstreams: (url) => [{ name: 'revoked', base_url: `${url}/v1`, keys: [BAD], models: ['gpt-*'] }],
    })
    const [a, b] = set.replicas
    for (const r of [a!, b!]) expect(await r.waitForLine(/upstream revoked: start-up check/, 15_000)).toContain('key refused')

    const first = await askReplica(b!, 'hello from B')
    expect(first.status).toBe(401)
    expect(first.json.error.message).toContain('Incorrect API key provided: sk-***.')
    const next = await askReplica(a!, 'hello from A')
    expect(next.status).toBe(503)
    expect(next.json.error.message).toContain("upstream 'revoked' refused its key(s) (401 Incorrect API key provided: sk-***.")
    expect(other.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0)
    expect(fragments([...a!.lines, ...b!.lines].join('\n'))).toEqual([])
  }, 40_000)
})
