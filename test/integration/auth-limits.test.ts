import { afterEach, describe, expect, test } from 'bun:test'
import { PASS_THROUGH_ONLY, PROXY_KEY, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// Guessing keys is not free (DESIGN §1.5): wrong or missing keys are counted per client address; past 20 a
// minute that address is answered 429 (`too_many_failed_auth`, with retry-after) instead of 401, while a
// request with a valid key from the very same address is served as ever.

const ADMIN_KEY = 'admin-Rq7Wx2Mz5Kc8Vb3Tn'
const METRICS_KEY = 'metrics-Hs4Jd8Lq1Zp6Wx'
const WRONG = 'sk-guess-0000000000000001'
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }

const proxies: TestProxy[] = []
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.stop()
})
const start = async (env: Record<string, string> = {}) => {
  const proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...env })
  proxies.push(proxy)
  return proxy
}

/** A chat completion with `key` (none: no key at all), from the client `forwardedFor` names behind TRUST_PROXY. */
async function call(proxy: TestProxy, key: string | undefined, forwardedFor?: string) {
  const headers: Record<string, string> = { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) }
  const response = await postJson(`${proxy.baseURL}/chat/completions`, chat, headers)
  return { status: response.status, headers: response.headers, body: (await response.json()) as any }
}

async function statuses(n: number, attempt: () => Promise<{ status: number }>) {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await attempt()).status)
  return out
}

describe('failed authentication is limited per address', () => {
  test('20 wrong keys, then 429 with retry-after; a valid key from the same address is still served; /stats and /metrics count them', async () => {
    const proxy = await start()
    expect(await statuses(20, () => call(proxy, `${WRONG}${Math.random()}`))).toEqual(Array(20).fill(401))
    const refused = await call(proxy, WRONG)
    expect(refused.status).toBe(429)
    expect(refused.body).toEqual({
      error: { message: expect.stringContaining('Too many failed authentication attempts'), type: 'requests', param: null, code: 'too_many_failed_auth' },
    })
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    // No key at all is a failure too.
    expect((await call(proxy, undefined)).status).toBe(429)

    const served = await call(proxy, PROXY_KEY)
    expect(served.status).toBe(200)
    expect(served.body.choices[0].message.content).toBeString()
    expect(proxy.upstream.requests).toHaveLength(1)
    expect((await call(proxy, WRONG)).status).toBe(429)

    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.auth).toEqual({ failed: 23, limited: 3 })
    expect(stats.requests.total).toBe(1)
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text()
    expect(metrics).toContain('proxy_gpt_auth_failures_total{outcome="unauthorized"} 20')
    expect(metrics).toContain('proxy_gpt_auth_failures_total{outcome="limited"} 3')
    expect(proxy.logs.join('\n')).not.toContain(WRONG)
  })

  test('without TRUST_PROXY the socket address counts, whatever X-Forwarded-For claims', async () => {
    const proxy = await start()
    for (let i = 0; i < 20; i++) await call(proxy, WRONG, `192.0.2.${i}`)
    expect((await call(proxy, WRONG, '192.0.2.200')).status).toBe(429)
  })

  test('with TRUST_PROXY the X-Forwarded-For address counts: another client behind the same proxy is not affected', async () => {
    const proxy = await start({ TRUST_PROXY: '1' })
    const blocked = '198.51.100.7'
    expect(await statuses(20, () => call(proxy, WRONG, blocked))).toEqual(Array(20).fill(401))
    expect((await call(proxy, WRONG, blocked)).status).toBe(429)
    // A client that put the blocked address further left cannot be it: the rightmost entry is who called.
    expect((await call(proxy, WRONG, `${blocked}, 198.51.100.8`)).status).toBe(401)
    expect((await call(proxy, PROXY_KEY, blocked)).status).toBe(200)
    expect((await call(proxy, WRONG, '198.51.100.9')).status).toBe(401)
  })

  test('wrong ADMIN_KEY and METRICS_KEY count in the same window; the right ones still pass', async () => {
    const proxy = await start({ ADMIN_KEY, METRICS_KEY })
    const adminWith = (key: string) => fetch(`${proxy.url}/admin/keys`, { headers: { authorization: `Bearer ${key}` } })
    const metricsWith = (key: string) => fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })
    expect(await statuses(10, () => call(proxy, WRONG))).toEqual(Array(10).fill(401))
    expect(await statuses(5, () => adminWith(WRONG))).toEqual(Array(5).fill(401))
    expect(await statuses(5, () => metricsWith(WRONG))).toEqual(Array(5).fill(401))
    const admin = await adminWith(WRONG)
    expect(admin.status).toBe(429)
    expect(((await admin.json()) as any).error.code).toBe('too_many_failed_auth')
    expect(Number(admin.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await metricsWith(WRONG)).status).toBe(429)
    expect((await call(proxy, WRONG)).status).toBe(429)

    expect((await adminWith(ADMIN_KEY)).status).toBe(200)
    const metrics = await metricsWith(METRICS_KEY)
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('proxy_gpt_auth_failures_total{outcome="limited"} 3')
    expect((await call(proxy, PROXY_KEY)).status).toBe(200)
  })
})

describe('a weak key gets a loud start-up warning', () => {
  test('one line per weak key, naming it by position, showing none of its characters', async () => {
    const short = 'Qz7!Kp9#'
    const proxy = await start({ PROXY_KEY: `${PROXY_KEY},${short},choose-a-long-random-string` })
    const warnings = proxy.logs.filter((line) => line.includes('WARNING'))
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('PROXY_KEY (key 2 of 3) is shorter than 16 characters')
    expect(warnings[1]).toContain("PROXY_KEY (key 3 of 3) is the README's example value")
    for (const line of warnings) expect(line).toContain('openssl rand -hex 24')
    const all = proxy.logs.join('\n')
    for (let i = 0; i + 3 <= short.length; i++) expect(all).not.toContain(short.slice(i, i + 3))
    expect(all).not.toContain('choose-a-long-random-string')
    expect(all).not.toContain(PROXY_KEY)
  })

  test('no warning for strong keys', async () => {
    const proxy = await start()
    expect(proxy.logs.filter((line) => line.includes('WARNING'))).toEqual([])
  })
})
