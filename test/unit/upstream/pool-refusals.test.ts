import { describe, expect, test } from 'bun:test'
import type { UpstreamConfig } from '../../../src/config/upstreams'
import { upstreamUnreachable } from '../../../src/errors'
import { MemoryKeyHealth } from '../../../src/state/memory/key-health'
import type { KeyHealthStore } from '../../../src/state/types'
import type { Send } from '../../../src/upstream/client'
import { fingerprint } from '../../../src/upstream/fingerprint'
import { UpstreamPool, type PoolRequest } from '../../../src/upstream/pool'

// A refused key the client did not see (the cache's embedding call or the start-up check met it) is still
// explained to the first client; the 503s after it name the upstream and what it said (issue 19 point 8).

const KEY = 'sk-proj-pool-refusal-Kq2Wm7Lx'
const upstream = (name: string, keys: string[]): UpstreamConfig => ({ name, baseUrl: `http://${name}.test/v1`, provider: 'openai', keys, models: ['*'], modelMap: {}, priority: 0, weight: 1 })
const REFUSED = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })

function setup(script: Send) {
  const lines: string[] = []
  const sent: string[] = []
  const health = new MemoryKeyHealth()
  const send: Send = async (target, request) => {
    sent.push(`${request.method} ${request.path}`)
    return script(target, request)
  }
  const pool = new UpstreamPool([upstream('openai', [KEY])], { health, send, attempts: 3, log: (line) => void lines.push(line) })
  const call = (extra: Partial<PoolRequest> = {}) =>
    pool.call({ method: 'POST', path: '/chat/completions', headers: new Headers(), body: '{}', model: 'gpt-4o-mini', retryable: true, signal: new AbortController().signal, ...extra })
  return { pool, health, lines, sent, call }
}
const refuse: Send = async () => new Response(REFUSED, { status: 401 })

describe('a refusal no client saw', () => {
  test("kept for the next client, which gets the upstream's answer (masked); later clients and the proxy's own calls get the 503 naming it", async () => {
    const { call, lines, sent, health } = setup(refuse)
    const internal = await call({ internal: true, path: '/embeddings' })
    expect(internal.response.status).toBe(401)
    await internal.response.text()
    const reason = (await health.get([fingerprint(KEY)])).get(fingerprint(KEY))!.disabled!.reason
    expect(reason).toBe('401 Incorrect API key provided: ***.')
    expect(lines).toEqual([`upstream openai: key ${fingerprint(KEY)} disabled (401 Incorrect API key provided: ***.); rechecked every 10 minutes`])

    // Another internal call takes nothing: it throws the 503 and leaves the refusal for a client.
    const again = await call({ internal: true }).catch((error) => error)
    expect(again.code).toBe('no_upstream_available')

    const first = await call()
    expect(first.response.status).toBe(401)
    expect(first.upstream).toBe('openai')
    expect(first.fingerprint).toBe(fingerprint(KEY))
    expect(JSON.parse(await first.response.text()).error).toEqual({ message: 'Incorrect API key provided: ***.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' })

    const next = await call().catch((error) => error)
    expect(next.status).toBe(503)
    expect(next.message).toBe("No upstream key can serve this model right now: upstream 'openai' refused its key(s) (401 Incorrect API key provided: ***.); rechecked every 10 minutes.")
    expect(sent).toEqual(['POST /embeddings'])
  })

  test('a client that met the refusal itself was told: the kept copy is dropped, the next client gets the 503', async () => {
    const { call, health } = setup(refuse)
    // The embedding call disabled the key (keeping its refusal) while this client's call, which had read the
    // key as healthy, was already on its way with it.
    await health.disable(fingerprint(KEY), '401 earlier', 0, Number.MAX_SAFE_INTEGER, { status: 401, body: REFUSED })
    const readBefore: KeyHealthStore = {
      get: async () => new Map(),
      coolDown: (...args) => health.coolDown(...args),
      disable: (...args) => health.disable(...args),
      takeRefusal: (fp) => health.takeRefusal(fp),
      postpone: (...args) => health.postpone(...args),
      enable: (fp) => health.enable(fp),
    }
    const racing = new UpstreamPool([upstream('openai', [KEY])], { health: readBefore, send: refuse, attempts: 1, log: () => {} })
    const own = await racing.call({ method: 'POST', path: '/chat/completions', headers: new Headers(), body: '{}', model: 'gpt-4o-mini', retryable: true, signal: new AbortController().signal })
    expect(own.response.status).toBe(401)
    expect(await health.takeRefusal(fingerprint(KEY))).toBeUndefined()
    expect((await call().catch((error) => error)).code).toBe('no_upstream_available')
  })
})

describe('check (the start-up check of one key)', () => {
  test('a refusal disables the key without a line of its own, kept for the first client', async () => {
    const { pool, call, lines, sent } = setup(refuse)
    const up = pool.upstreams[0]!
    expect(await pool.check(up, up.pool[0]!)).toEqual({ kind: 'refused', reason: '401 Incorrect API key provided: ***.' })
    expect(sent).toEqual(['GET /models'])
    expect(lines).toEqual([])
    expect((await call()).response.status).toBe(401)
    expect((await call().catch((error) => error)).status).toBe(503)
  })

  test('ok enables a key disabled before; a server error and an unreachable address are said as such', async () => {
    let answer: () => Promise<Response> = async () => Response.json({ data: [] })
    const { pool, health } = setup(() => answer())
    const up = pool.upstreams[0]!
    await health.disable(fingerprint(KEY), '401 old', 0, Number.MAX_SAFE_INTEGER)
    expect(await pool.check(up, up.pool[0]!)).toEqual({ kind: 'ok' })
    expect((await health.get([fingerprint(KEY)])).size).toBe(0)
    answer = async () => new Response('oops', { status: 500 })
    expect(await pool.check(up, up.pool[0]!)).toEqual({ kind: 'error', status: 500 })
    const unreachable = upstreamUnreachable(Object.assign(new TypeError('refused'), { code: 'ECONNREFUSED' }))
    answer = async () => {
      throw unreachable
    }
    expect(await pool.check(up, up.pool[0]!)).toEqual({ kind: 'unreachable', error: unreachable })
  })
})
