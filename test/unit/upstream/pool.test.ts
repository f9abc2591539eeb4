import { describe, expect, test } from 'bun:test'
import type { UpstreamConfig } from '../../../src/config/upstreams'
import { ApiError } from '../../../src/errors'
import { MemoryKeyHealth } from '../../../src/state/memory/key-health'
import type { Send, Target, UpstreamRequest } from '../../../src/upstream/client'
import { fingerprint } from '../../../src/upstream/fingerprint'
import { RECHECK_MS, UpstreamPool } from '../../../src/upstream/pool'

// The pool against a scripted `send` and a hand-driven clock: which upstream and key each try goes to.

const upstream = (name: string, keys: string[], extra: Partial<UpstreamConfig> = {}): UpstreamConfig => ({
  name,
  baseUrl: `http://${name}.test/v1`,
  provider: 'openai',
  keys,
  models: ['*'],
  modelMap: {},
  priority: 0,
  weight: 1,
  ...extra,
})

type Script = (target: Target, request: UpstreamRequest) => Response | Promise<Response>

function setup(upstreams: UpstreamConfig[], script: Script = () => new Response('{}'), attempts = 3) {
  const clock = { t: 1_000_000 }
  const sent: Array<{ key: string; path: string; body: unknown; method: string }> = []
  const lines: string[] = []
  const outcomes: string[] = []
  const send: Send = async (target, request) => {
    sent.push({ key: target.key, path: request.path, body: request.body, method: request.method })
    return script(target, request)
  }
  const health = new MemoryKeyHealth()
  const pool = new UpstreamPool(upstreams, {
    health,
    send,
    attempts,
    log: (line) => void lines.push(line),
    now: () => clock.t,
    onAttempt: (u, fp, outcome) => void outcomes.push(`${u}/${fp}/${outcome}`),
  })
  const call = (model: string | undefined = 'gpt-4o-mini', retryable = true) =>
    pool.call({ method: 'POST', path: '/chat/completions', headers: new Headers(), body: '{}', model, retryable, signal: new AbortController().signal })
  return { pool, clock, sent, lines, outcomes, health, call }
}

const status = (code: number, headers: Record<string, string> = {}, body = '{"error":{"message":"x"}}') => new Response(body, { status: code, headers })

describe('routing', () => {
  test('the upstreams whose patterns match, lowest priority first', () => {
    const { pool } = setup([
      upstream('backup', ['k1'], { priority: 1, models: ['gpt-*'] }),
      upstream('main', ['k2'], { models: ['gpt-*', 'o*'] }),
      upstream('other', ['k3'], { models: ['deepseek-*'] }),
    ])
    expect(pool.route('gpt-4o').map((u) => u.name)).toEqual(['main', 'backup'])
    expect(pool.route('o3-mini').map((u) => u.name)).toEqual(['main'])
    expect(pool.route('claude')).toEqual([])
    expect(pool.serves('deepseek-chat')).toBe(true)
    expect(pool.serves('claude')).toBe(false)
  })

  test('without a model: the first upstream of the file only', () => {
    const { pool } = setup([upstream('first', ['k1'], { priority: 5 }), upstream('second', ['k2'])])
    expect(pool.route(undefined).map((u) => u.name)).toEqual(['first'])
  })

  test('equal priorities rotate by weight (smooth: 3:1 is a a b a, not a a a b)', () => {
    const { pool } = setup([upstream('a', ['k1'], { weight: 3 }), upstream('b', ['k2'], { weight: 1 })])
    const firsts = Array.from({ length: 8 }, () => pool.route('m')[0]!.name)
    expect(firsts).toEqual(['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a'])
    expect(pool.route('m').map((u) => u.name)).toHaveLength(2)
  })

  test('within an upstream, its least recently used key', async () => {
    const { sent, call } = setup([upstream('u', ['k1', 'k2', 'k3'])])
    for (let i = 0; i < 6; i++) await call()
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k2', 'k3', 'k1', 'k2', 'k3'])
  })

  test("model_map renames the model for that upstream only", async () => {
    const { pool, sent } = setup([upstream('ds', ['k1'], { models: ['fast'], modelMap: { fast: 'deepseek-chat' } })])
    await pool.call({
      method: 'POST',
      path: '/chat/completions',
      headers: new Headers(),
      body: (u) => JSON.stringify({ model: UpstreamPool.upstreamModel(u, 'fast') }),
      model: 'fast',
      retryable: true,
      signal: new AbortController().signal,
    })
    expect(sent[0]!.body).toBe('{"model":"deepseek-chat"}')
  })

  test('no upstream for the model: 404 model_not_found, nothing sent', async () => {
    const { sent, call } = setup([upstream('u', ['k1'], { models: ['gpt-*'] })])
    const error = await call('claude').catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.code).toBe('model_not_found')
    expect(sent).toEqual([])
  })
})

describe('health', () => {
  test('a 429 cools the key for its retry-after; the request goes to the next key; the key returns after', async () => {
    const { clock, sent, call, outcomes } = setup([upstream('u', ['k1', 'k2'])], (target) => (target.key === 'k1' && sent.length === 1 ? status(429, { 'retry-after': '2' }) : new Response('{}')))
    const answer = await call()
    expect(answer.response.status).toBe(200)
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k2'])
    expect(outcomes).toEqual([`u/${fingerprint('k1')}/rate_limited`, `u/${fingerprint('k2')}/ok`])
    await call()
    expect(sent.at(-1)!.key).toBe('k2') // k1 still cooling
    clock.t += 2_000
    await call()
    expect(sent.at(-1)!.key).toBe('k1')
  })

  test('401, 403 and 429 insufficient_quota disable the key, logged once by fingerprint; rechecked after 10 minutes', async () => {
    for (const bad of [status(401), status(403), status(429, {}, '{"error":{"code":"insufficient_quota","type":"insufficient_quota"}}')]) {
      let recheckOk = false
      const { clock, sent, call, lines, health } = setup([upstream('u', ['sk-bad-key-000000001', 'k2'])], (target, request) => {
        if (target.key !== 'sk-bad-key-000000001') return new Response('{}')
        if (request.path === '/models') return recheckOk ? new Response('{}') : status(401)
        return bad.clone() as Response
      })
      await call()
      await call()
      expect(sent.map((s) => s.key)).toEqual(['sk-bad-key-000000001', 'k2', 'k2'])
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(fingerprint('sk-bad-key-000000001'))
      expect(lines[0]).not.toContain('sk-bad')
      // Not yet due: no recheck.
      clock.t += RECHECK_MS - 1
      await call()
      expect(sent.filter((s) => s.path === '/models')).toHaveLength(0)
      // Due: one background GET /models; failing, it waits another 10 minutes.
      clock.t += 1
      await call()
      await Bun.sleep(5)
      expect(sent.filter((s) => s.path === '/models')).toHaveLength(1)
      expect((await health.get([fingerprint('sk-bad-key-000000001')])).get(fingerprint('sk-bad-key-000000001'))!.disabled).toBeDefined()
      recheckOk = true
      clock.t += RECHECK_MS
      await call()
      await Bun.sleep(5)
      expect(sent.filter((s) => s.path === '/models')).toHaveLength(2)
      expect((await health.get([fingerprint('sk-bad-key-000000001')])).get(fingerprint('sk-bad-key-000000001'))?.disabled).toBeUndefined()
      expect(lines.at(-1)).toContain('works again')
    }
  })

  test('a 5xx or no answer moves on to the next upstream, not the same upstream\'s next key', async () => {
    const { sent, call } = setup([upstream('a', ['a1', 'a2']), upstream('b', ['b1'], { priority: 1 })], (target) => {
      if (target.key === 'a1') return status(500)
      return new Response('{}')
    })
    const answer = await call()
    expect(answer.upstream).toBe('b')
    expect(sent.map((s) => s.key)).toEqual(['a1', 'b1'])

    const unreachable = setup([upstream('a', ['a1', 'a2']), upstream('b', ['b1'], { priority: 1 })], (target) => {
      if (target.key === 'a1') throw new ApiError({ status: 502, message: 'x', type: 'upstream_error', code: 'upstream_unreachable' })
      return new Response('{}')
    })
    expect((await unreachable.call()).upstream).toBe('b')
  })
})

describe('cool-downs per model (providers limit per model)', () => {
  test('a 429 rests the key for that model only: with one key, the other model is still sent, the cooled one is exhausted', async () => {
    const { clock, sent, call, health } = setup([upstream('u', ['k1'])], () => (sent.length === 1 ? status(429, { 'retry-after': '5' }) : new Response('{}')))
    const first = await call('gpt-4.1-nano').catch((e) => e)
    expect(first.code).toBe('upstream_keys_exhausted')
    expect(first.headers['retry-after']).toBe('5')
    expect((await call('gpt-4o-mini')).response.status).toBe(200)
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k1'])
    clock.t += 2_000
    const again = await call('gpt-4.1-nano').catch((e) => e)
    expect(again.code).toBe('upstream_keys_exhausted')
    expect(again.headers['retry-after']).toBe('3')
    expect(sent).toHaveLength(2)
    expect((await health.get([fingerprint('k1')])).get(fingerprint('k1'))!.cooling).toEqual(new Map([['gpt-4.1-nano', 1_000_000 + 5_000]]))
    clock.t += 3_000
    expect((await call('gpt-4.1-nano')).response.status).toBe(200)
    expect(sent).toHaveLength(3)
  })

  test("it is the upstream's model name (after model_map) that rests; a request naming no model rests only those", async () => {
    const { pool, sent, call, health } = setup([upstream('u', ['k1'], { modelMap: { fast: 'gpt-4.1-nano' } })], () => (sent.length <= 2 ? status(429, { 'retry-after': '9' }) : new Response('{}')))
    expect((await call('fast').catch((e) => e)).code).toBe('upstream_keys_exhausted')
    expect((await call('gpt-4.1-nano').catch((e) => e)).code).toBe('upstream_keys_exhausted')
    expect(sent).toHaveLength(1)
    const files = () => pool.call({ method: 'GET', path: '/files', headers: new Headers(), body: null, retryable: true, signal: new AbortController().signal })
    expect((await files().catch((e) => e)).code).toBe('upstream_keys_exhausted')
    expect((await call('gpt-4o')).response.status).toBe(200)
    expect((await call('fast').catch((e) => e)).code).toBe('upstream_keys_exhausted')
    expect(sent).toHaveLength(3)
    expect([...(await health.get([fingerprint('k1')])).get(fingerprint('k1'))!.cooling.keys()].sort()).toEqual(['', 'gpt-4.1-nano'])
  })

  test('a 401 on one model disables the key for every model', async () => {
    const { sent, call } = setup([upstream('u', ['k1', 'k2'])], (target) => (target.key === 'k1' ? status(401) : new Response('{}')))
    expect((await call('gpt-4.1-nano')).response.status).toBe(200)
    for (const model of ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-nano']) expect((await call(model)).response.status).toBe(200)
    expect(sent.map((s) => s.key)).toEqual(['k1', 'k2', 'k2', 'k2', 'k2'])
  })
})

describe('tries', () => {
  test('at most `attempts` tries; the last upstream error is the answer', async () => {
    const { sent, call } = setup([upstream('a', ['a1']), upstream('b', ['b1']), upstream('c', ['c1'])], (target) => status(500, {}, `{"from":"${target.key}"}`), 2)
    const answer = await call()
    expect(sent).toHaveLength(2)
    expect(answer.response.status).toBe(500)
    expect(await answer.response.text()).toBe(`{"from":"${sent[1]!.key}"}`)
  })

  test('a body that streams is sent once', async () => {
    const { sent, call } = setup([upstream('a', ['a1', 'a2'])], () => status(429))
    const answer = await call('m', false)
    expect(sent).toHaveLength(1)
    expect(answer.response.status).toBe(429)
  })

  test('every key cooling: 429 upstream_keys_exhausted, retry-after the soonest; every key disabled: 503', async () => {
    const { clock, call } = setup([upstream('a', ['a1', 'a2'])], (target) => status(429, { 'retry-after': target.key === 'a1' ? '30' : '12' }))
    const first = await call().catch((e) => e)
    expect(first.code).toBe('upstream_keys_exhausted')
    expect(first.headers['retry-after']).toBe('12')
    clock.t += 5_000
    const again = await call().catch((e) => e)
    expect(again.code).toBe('upstream_keys_exhausted')
    expect(again.headers['retry-after']).toBe('7')

    const disabled = setup([upstream('a', ['a1'])], () => status(401))
    const answer = await disabled.call()
    expect(answer.response.status).toBe(401) // the upstream's own answer, the first time
    const then = await disabled.call().catch((e) => e)
    expect(then.status).toBe(503)
    expect(then.code).toBe('no_upstream_available')
  })

  test('a client that went away stops the tries', async () => {
    const abort = new AbortController()
    const { pool, sent } = setup([upstream('a', ['a1', 'a2'])], () => {
      abort.abort()
      return status(500)
    })
    const error = await pool
      .call({ method: 'GET', path: '/files', headers: new Headers(), body: null, retryable: true, signal: abort.signal })
      .catch((e) => e)
    expect(error.code).toBe('client_closed_request')
    expect(sent).toHaveLength(1)
  })
})
