import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, REAL_KEY, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

const ADMIN_KEY = 'admin-key-for-tests-77'
const METRICS_KEY = 'metrics-key-for-tests-55'
const proxies: TestProxy[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const start = async (env: Record<string, string> = {}, upstream?: Awaited<ReturnType<typeof startFakeUpstream>>) => {
  const proxy = await startProxy({ CACHE_SIMILARITY_THRESHOLD: '0.8', ADMIN_KEY, ...env }, upstream)
  proxies.push(proxy)
  return proxy
}
const ask = (proxy: TestProxy, content: string, model = 'gpt-4o-mini') =>
  postJson(`${proxy.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content }] }).then(async (r) => {
    await r.text()
    return r
  })
const admin = (proxy: TestProxy, path: string, init: RequestInit = {}, key = ADMIN_KEY) =>
  fetch(`${proxy.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } })

/** A scripted session: 3 misses, 2 exact hits, 1 semantic hit, 1 embeddings call, 1 upstream error, 429s. */
async function session(proxy: TestProxy) {
  await ask(proxy, 'How tall is the Eiffel Tower?')
  await ask(proxy, 'How tall is the Eiffel Tower?')
  await ask(proxy, 'How tall is the Eiffel Tower?')
  await ask(proxy, 'What is the height of the Eiffel Tower')
  await ask(proxy, 'Who painted the Mona Lisa?', 'gpt-4o')
  await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: 'embed me' }).then((r) => r.text())
  proxy.upstream.fault({ status: 500 })
  expect((await ask(proxy, 'this one fails upstream')).status).toBe(500)
  expect((await ask(proxy, 'over the limit now')).status).toBe(429)
  expect((await ask(proxy, 'still over the limit')).status).toBe(429)
}

describe('/stats', () => {
  test('the figures after a scripted session; no prompt text, no keys', async () => {
    const proxy = await start({ MODEL_RATE_LIMIT: '4' })
    await session(proxy)
    const response = await fetch(`${proxy.url}/stats`)
    expect(response.status).toBe(200)
    const text = await response.text()
    const stats = JSON.parse(text)
    expect(stats.requests.total).toBe(9)
    expect(stats.requests.byEndpoint).toEqual({ chat: 8, completions: 0, embeddings: 1, responses: 0, messages: 0, other: 0 })
    expect(stats.requests.byModel).toEqual({ 'gpt-4o-mini': 7, 'gpt-4o': 1, 'text-embedding-3-small': 1 })
    expect(stats.cache.hits).toEqual({ exact: 2, semantic: 1 })
    expect(stats.cache.misses).toBe(6) // four answered or failed misses, and the two refused after their lookup
    expect(stats.cache.hitRate).toBeCloseTo(3 / 9, 3)
    expect(stats.cache.entries).toBe(3)
    expect(stats.rateLimited).toBe(2)
    expect(stats.upstream.requests).toBe(4)
    expect(stats.upstream.errors).toBe(1)
    expect(stats.upstream.latencyMs.p50).toBeGreaterThan(0)
    // Each hit saved the stored answer's usage: 10 prompt tokens and 5 completion tokens ("Echo: How tall is the Eiffel Tower?").
    expect(stats.savings.promptTokens).toBe(30)
    expect(stats.savings.completionTokens).toBe(3 * 7)
    expect(stats.savings.usd).toBeCloseTo((30 * 0.15 + 21 * 0.6) / 1e6, 6) // gpt-4o-mini list prices
    expect(stats.series.points.at(-1).requests).toBe(9)
    expect(stats.series.points.at(-1).hitsExact).toBe(2)
    expect(stats.series.points.at(-1).hitsSemantic).toBe(1)
    for (const secret of ['Eiffel', 'Mona Lisa', 'embed me', PROXY_KEY, REAL_KEY, ADMIN_KEY]) expect(text).not.toContain(secret)
  })

  test('totals survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-stats-'))
    dirs.push(dir)
    const upstream = await startFakeUpstream()
    try {
      const first = await start({ DATA_DIR: dir, MODEL_RATE_LIMIT: '0' }, upstream)
      await ask(first, 'one')
      await ask(first, 'one')
      const before = await (await fetch(`${first.url}/stats`)).json()
      await first.stop()
      proxies.splice(proxies.indexOf(first), 1)

      const second = await start({ DATA_DIR: dir, MODEL_RATE_LIMIT: '0' }, upstream)
      const after: any = await (await fetch(`${second.url}/stats`)).json()
      expect(after.requests.total).toBe(2)
      expect(after.cache.hits.exact).toBe(1)
      expect(after.since).toBe((before as any).since)
      expect(after.series.points.at(-1).requests).toBe(2)
    } finally {
      await upstream.stop()
    }
  })
})

describe('/metrics', () => {
  test('Prometheus text with low-cardinality labels, matching the session', async () => {
    const proxy = await start({ MODEL_RATE_LIMIT: '4' })
    await session(proxy)
    const response = await fetch(`${proxy.url}/metrics`)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toContain('proxy_gpt_requests_total{endpoint="chat",model="gpt-4o-mini",status_class="2xx",cache="hit_exact"} 2')
    expect(text).toContain('proxy_gpt_requests_total{endpoint="chat",model="gpt-4o-mini",status_class="2xx",cache="hit_semantic"} 1')
    expect(text).toContain('proxy_gpt_requests_total{endpoint="chat",model="gpt-4o-mini",status_class="4xx",cache="miss"} 2')
    expect(text).toContain('proxy_gpt_rate_limited_total 2')
    expect(text).toContain('proxy_gpt_upstream_errors_total{endpoint="chat"} 1')
    expect(text).toContain('proxy_gpt_tokens_saved_total{model="gpt-4o-mini",kind="prompt"} 30')
    expect(text).toContain('proxy_gpt_cache_entries 3')
    expect(text).toMatch(/proxy_gpt_upstream_duration_seconds_count\{endpoint="chat"\} 3/)
    expect(text).toMatch(/proxy_gpt_request_duration_seconds_bucket\{le="\+Inf",endpoint="chat",cache="hit_exact"\} 2/)
    expect(text).not.toContain('Eiffel')
  })

  test('METRICS_KEY protects it when set', async () => {
    const proxy = await start({ METRICS_KEY })
    expect((await fetch(`${proxy.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${PROXY_KEY}` } })).status).toBe(401)
    expect((await fetch(`${proxy.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_KEY}` } })).status).toBe(200)
  })

  test('client-chosen model names cannot blow up the label set', async () => {
    const proxy = await start({ MODEL_RATE_LIMIT: '0', CACHE_ALLOWED: 'false' })
    for (let i = 0; i < 40; i++) await ask(proxy, 'x', `model-${i}`)
    await ask(proxy, 'x', 'bad model name with spaces')
    const text = await (await fetch(`${proxy.url}/metrics`)).text()
    const models = new Set([...text.matchAll(/model="([^"]+)"/g)].map((m) => m[1]))
    expect(models.size).toBeLessThanOrEqual(31)
    expect(models.has('other')).toBe(true)
  })
})

describe('admin API', () => {
  test('off without ADMIN_KEY, refused with a wrong key', async () => {
    const off = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxies.push(off)
    expect((await admin(off, '/admin/cache/entries')).status).toBe(404)
    const on = await start()
    const wrong = await admin(on, '/admin/cache/entries', {}, PROXY_KEY)
    expect(wrong.status).toBe(401)
    expect(((await wrong.json()) as any).error.code).toBe('invalid_api_key')
    expect((await admin(on, '/admin/cache/entries', {}, '')).status).toBe(401)
  })

  test('an unknown path under /admin is 404 unknown_path whatever key it carries; known ones still want ADMIN_KEY', async () => {
    const proxy = await start()
    const keys = { admin: ADMIN_KEY, proxy: PROXY_KEY, none: undefined }
    for (const path of ['/admin/nope', '/admin/keys/x/unknown', '/admin/cache', '/admin', '/v1/admin/keys']) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        for (const [which, key] of Object.entries(keys)) {
          const response = await fetch(`${proxy.url}${path}`, { method, headers: key ? { authorization: `Bearer ${key}` } : {} })
          const body: any = await response.json()
          expect({ path, method, which, status: response.status, code: body.error?.code }).toEqual({ path, method, which, status: 404, code: 'unknown_path' })
        }
      }
    }
    expect(proxy.upstream.requests).toEqual([])
    for (const path of ['/admin/keys', '/admin/cache/entries']) {
      expect((await admin(proxy, path, {}, PROXY_KEY)).status).toBe(401)
      expect((await admin(proxy, path)).status).toBe(200)
    }
  })

  test('list, search, show, delete one (a wrong semantic hit goes away), purge by model and all', async () => {
    const proxy = await start({ MODEL_RATE_LIMIT: '0' })
    await ask(proxy, 'How tall is the Eiffel Tower?')
    await ask(proxy, 'Who painted the Mona Lisa?', 'gpt-4o')
    await ask(proxy, 'Explain quantum entanglement simply')

    const all: any = await (await admin(proxy, '/admin/cache/entries')).json()
    expect(all.total).toBe(3)
    expect(all.data[0].prompt).toBe('Explain quantum entanglement simply') // newest first
    const search: any = await (await admin(proxy, '/admin/cache/entries?q=eiffel')).json()
    expect(search.data.map((e: any) => e.prompt)).toEqual(['How tall is the Eiffel Tower?'])
    const byModel: any = await (await admin(proxy, '/admin/cache/entries?model=gpt-4o')).json()
    expect(byModel.total).toBe(1)
    expect((await (await admin(proxy, '/admin/cache/entries?min_age=3600')).json() as any).total).toBe(0)
    expect((await (await admin(proxy, '/admin/cache/entries?max_age=3600')).json() as any).total).toBe(3)
    expect((await admin(proxy, '/admin/cache/entries?limit=abc')).status).toBe(400)

    const id = search.data[0].id
    const shown: any = await (await admin(proxy, `/admin/cache/entries/${id}`)).json()
    expect(shown.answer.body.choices[0].message.content).toBe('Echo: How tall is the Eiffel Tower?')
    expect(shown.embedded).toBe(true)

    expect((await ask(proxy, 'What is the height of the Eiffel Tower')).headers.get('x-cache-match')).toBe('semantic')
    expect((await admin(proxy, `/admin/cache/entries/${id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await admin(proxy, `/admin/cache/entries/${id}`)).status).toBe(404)
    expect(proxy.cache!.index.size).toBe((await proxy.cache!.count()))

    expect((await admin(proxy, '/admin/cache/entries', { method: 'DELETE' })).status).toBe(400)
    expect(((await (await admin(proxy, '/admin/cache/entries?model=gpt-4o', { method: 'DELETE' })).json()) as any).deleted).toBe(1)
    expect((await proxy.cache!.count())).toBe(1)
    const purged: any = await (await admin(proxy, '/admin/cache/entries?all=true', { method: 'DELETE' })).json()
    expect(purged.deleted).toBe(1)
    expect((await proxy.cache!.count())).toBe(0)
    expect(proxy.cache!.index.size).toBe(0)
  })

  test('export as JSONL and import on another machine: exact and semantic hits there', async () => {
    const from = await start({ MODEL_RATE_LIMIT: '0' })
    await ask(from, 'How tall is the Eiffel Tower?')
    await ask(from, 'Who painted the Mona Lisa?')
    const exported = await (await admin(from, '/admin/cache/export')).text()
    const lines = exported.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0]!).embedding).toBeString()

    const to = await start({ MODEL_RATE_LIMIT: '0' })
    const result: any = await (
      await admin(to, '/admin/cache/import', { method: 'POST', body: `${exported}not json\n`, headers: { 'content-type': 'application/x-ndjson' } })
    ).json()
    expect(result.imported).toBe(2)
    expect(result.skipped).toEqual([{ line: 3, reason: 'not JSON' }])
    expect((await ask(to, 'Who painted the Mona Lisa?')).headers.get('x-cache-match')).toBe('exact')
    expect((await ask(to, 'What is the height of the Eiffel Tower')).headers.get('x-cache-match')).toBe('semantic')
    expect(to.upstream.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0)
  })

  test("an entry's labels: shown without their question vectors, exported and imported with it", async () => {
    const from = await start({ MODEL_RATE_LIMIT: '0' })
    await ask(from, 'How tall is the Eiffel Tower?')
    const [{ id }]: any[] = ((await (await admin(from, '/admin/cache/entries')).json()) as any).data
    const question = Float32Array.from([0.25, 1 / 3, -0.5])
    await from.cache!.entries.addLabel(id, { verdict: 'wrong', similarity: 0.87, question, source: 'feedback', at: Date.UTC(2026, 5, 1, 12) })
    await from.cache!.entries.addLabel(id, { verdict: 'right', similarity: null, source: 'owner', at: Date.UTC(2026, 5, 2, 12) })
    const labels = [
      { verdict: 'wrong', similarity: 0.87, source: 'feedback', at: '2026-06-01T12:00:00.000Z', has_question: true },
      { verdict: 'right', similarity: null, source: 'owner', at: '2026-06-02T12:00:00.000Z', has_question: false },
    ]
    const shown: any = await (await admin(from, `/admin/cache/entries/${id}`)).json()
    expect(shown.labels).toEqual(labels)
    expect(JSON.stringify(shown)).not.toContain('"question"')

    const exported = await (await admin(from, '/admin/cache/export')).text()
    const to = await start({ MODEL_RATE_LIMIT: '0' })
    const result: any = await (await admin(to, '/admin/cache/import', { method: 'POST', body: exported, headers: { 'content-type': 'application/x-ndjson' } })).json()
    expect(result).toEqual({ imported: 1, skipped: [] })
    const [copy]: any[] = ((await (await admin(to, '/admin/cache/entries')).json()) as any).data
    expect(((await (await admin(to, `/admin/cache/entries/${copy.id}`)).json()) as any).labels).toEqual(labels)
    expect((await to.cache!.entries.labelled())[0]!.labels[0]!.question).toEqual(question)
  })

  test('documented in Swagger with its own bearer scheme', async () => {
    const proxy = await start()
    const doc: any = await (await fetch(`${proxy.url}/swagger/json`)).json()
    expect(doc.components.securitySchemes.adminKey.scheme).toBe('bearer')
    expect(doc.paths['/admin/cache/entries'].get.security).toEqual([{ adminKey: [] }])
    expect(doc.paths['/admin/cache/import'].post).toBeDefined()
    expect(doc.paths['/stats'].get).toBeDefined()
  })
})
