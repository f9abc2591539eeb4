import { afterEach, describe, expect, test } from 'bun:test'
import { fakeSimilarity } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'
import { until } from '../helpers/replicas'

// Wrong hits undone (DESIGN §1.11): the seed's remedy — ask again with the skip word, or send
// Cache-Control: no-cache — within 10 minutes of a semantic hit refutes that hit for that key's question, and
// POST /v1/cache/feedback judges a hit a key was served (or, for the owner, any entry). A refuted entry no
// longer answers the refuted question nor questions nearer to it than to its own, and still answers its own.

const ALICE = 'proxy-key-refutations-alice-7Hq2Lm9Vx'
const BOB = 'proxy-key-refutations-bob-3Kd8Wz5Pn'
const ADMIN_KEY = 'admin-refutations-Rt6Yc1Ue4Jb'
// Bags of content words (the fake's embeddings): P is near O; P2 is nearer to P than to O; Q nearer to O than to P.
const O = 'How tall is the Eiffel Tower in Paris, France?'
const P = 'How tall is the Eiffel Tower in Paris, France, today?'
const P2 = 'How tall is the Eiffel Tower in Paris, France, today, roughly?'
const Q = 'How tall is the Eiffel Tower in Paris, France, roughly?'

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const start = (env: Record<string, string> = {}) =>
  startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8', PROXY_KEY: `${ALICE},${BOB}`, ADMIN_KEY, ...env })
const ask = async (content: string, key = ALICE, headers: Record<string, string> = {}) => {
  const response = await postJson(`${proxy!.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { authorization: `Bearer ${key}`, ...headers })
  await response.text()
  return { cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match'), entry: response.headers.get('x-cache-entry') }
}
const feedback = async (key: string, body: unknown) => {
  const response = await postJson(`${proxy!.url}/v1/cache/feedback`, body, { authorization: `Bearer ${key}` })
  return { status: response.status, json: (await response.json()) as any }
}
const labelsOf = async (id: string | null) => (await proxy!.cache!.entries.getById(Number(id)))?.labels ?? []

describe('the words chosen', () => {
  test('P is near O; P2 nearer to P than to O; Q nearer to O than to P; all above 0.8', () => {
    expect(fakeSimilarity(O, P)).toBeGreaterThan(0.8)
    expect(fakeSimilarity(O, P2)).toBeGreaterThan(0.8)
    expect(fakeSimilarity(P, P2)).toBeGreaterThan(fakeSimilarity(O, P2))
    expect(fakeSimilarity(O, Q)).toBeGreaterThan(fakeSimilarity(P, Q))
  })
})

describe('refuted by the skip word or no-cache', () => {
  for (const [how, refresh] of [
    ['/skip_cache', (q: string, key?: string) => ask(`/skip_cache ${q}`, key)],
    ['Cache-Control: no-cache', (q: string, key?: string) => ask(q, key, { 'cache-control': 'no-cache' })],
  ] as const) {
    test(`${how} after a semantic hit: the entry no longer answers that question or nearer ones, still answers its own and farther ones`, async () => {
      proxy = await start()
      const original = await ask(O)
      expect(original.cache).toBe('MISS')
      const wrong = await ask(P)
      expect(wrong).toMatchObject({ cache: 'HIT', match: 'semantic', entry: original.entry })
      // The admin view names what stood behind the hit (the fixed threshold here: CACHE_MAX_WRONG_RATE unset).
      const shown: any = await (await fetch(`${proxy.url}/admin/cache/entries/${original.entry}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()
      expect(shown.last_semantic_hit).toMatchObject({ threshold: 0.8 })
      expect(shown.last_semantic_hit.similarity).toBeCloseTo(fakeSimilarity(O, P), 4)

      const fresh = await refresh(P)
      expect(fresh.cache).toBe('BYPASS')
      const labels = (await until(() => labelsOf(original.entry), (l) => l.length === 1, { timeoutMs: 3000, intervalMs: 20 })).value
      expect(labels[0]).toMatchObject({ verdict: 'wrong', source: 'refresh' })
      expect(labels[0]!.similarity).toBeCloseTo(fakeSimilarity(O, P), 4)
      expect(labels[0]!.question).toBeInstanceOf(Float32Array)

      // P itself now has the fresh answer (an exact hit); P2, nearer to P than to O, is never given O's answer.
      expect(await ask(P)).toMatchObject({ cache: 'HIT', match: 'exact', entry: fresh.entry })
      expect((await ask(P2)).entry).not.toBe(original.entry)
      // O's own question, and Q (nearer to O than to P), are still answered by O's entry.
      expect(await ask(O)).toMatchObject({ cache: 'HIT', entry: original.entry })
      expect(await ask(Q, BOB)).toMatchObject({ cache: 'HIT', match: 'semantic', entry: original.entry })
      const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
      expect(stats.cache.judged).toMatchObject({ refuted: 1, confirmed: 0, removed: 0 })
      expect(stats.cache.judged.wrongHitRate).toBeGreaterThan(0)
    })
  }

  test('only the key that was served the hit refutes it, and only for the same question', async () => {
    proxy = await start()
    const original = await ask(O)
    expect((await ask(P)).entry).toBe(original.entry)
    // Bob was not served P: his refresh of it refutes nothing. Alice's refresh of another question neither.
    await ask(`/skip_cache ${P}`, BOB)
    await ask('/skip_cache Why is the sky blue?')
    await Bun.sleep(200)
    expect(await labelsOf(original.entry)).toEqual([])
  })

  test('a refresh after an exact hit labels nothing (the fresh answer replaces the entry)', async () => {
    proxy = await start()
    const original = await ask(O)
    expect((await ask(O)).match).toBe('exact')
    const fresh = await ask(`/skip_cache ${O}`)
    await Bun.sleep(200)
    expect(await labelsOf(fresh.entry)).toEqual([])
    expect(await ask(O)).toMatchObject({ cache: 'HIT', entry: fresh.entry })
    expect(original.entry).not.toBe(fresh.entry)
  })
})

describe('POST /v1/cache/feedback', () => {
  test('a key judges only what it was served: a semantic hit wrong is refuted, right is confirmed; an exact hit wrong is removed', async () => {
    proxy = await start()
    const original = await ask(O)
    const hit = await ask(P)
    expect(hit.match).toBe('semantic')
    const notServed = await feedback(BOB, { entry: hit.entry, verdict: 'wrong' })
    expect(notServed.status).toBe(403)
    expect(notServed.json.error.code).toBe('entry_not_served')

    expect(await feedback(ALICE, { entry: hit.entry, verdict: 'wrong' })).toEqual({ status: 200, json: { object: 'cache.feedback', entry: Number(hit.entry), verdict: 'wrong', action: 'refuted' } })
    expect((await labelsOf(original.entry))[0]).toMatchObject({ verdict: 'wrong', source: 'feedback' })
    // Judged once: the same hit cannot be judged again by the same evidence.
    expect((await feedback(ALICE, { entry: hit.entry, verdict: 'wrong' })).status).toBe(403)

    // Bob is served O's entry for Q (nearer to O than to P) and confirms it.
    expect((await ask(Q, BOB)).entry).toBe(original.entry)
    expect((await feedback(BOB, { entry: original.entry, verdict: 'right' })).json.action).toBe('confirmed')
    expect((await labelsOf(original.entry)).map((l) => l.verdict)).toEqual(['wrong', 'right'])
    // P2, nearer to the refuted P than to O, is not given O's answer.
    expect((await ask(P2)).entry).not.toBe(original.entry)

    // An exact hit judged wrong: the entry goes (also from the answers kept hot); O is never given it again.
    expect(await ask(O, BOB)).toMatchObject({ match: 'exact', entry: original.entry })
    expect((await feedback(BOB, { entry: original.entry, verdict: 'wrong' })).json.action).toBe('removed')
    expect(await proxy.cache!.entries.getById(Number(original.entry))).toBeUndefined()
    expect((await ask(O, BOB)).entry).not.toBe(original.entry)
  })

  test('the owner judges any entry with ADMIN_KEY: wrong removes it; the body and the key are checked', async () => {
    proxy = await start()
    const original = await ask(O)
    expect((await feedback(ADMIN_KEY, { entry: original.entry, verdict: 'right' })).json.action).toBe('confirmed')
    expect((await feedback(ADMIN_KEY, { entry: original.entry, verdict: 'wrong' })).json.action).toBe('removed')
    expect(await proxy.cache!.entries.getById(Number(original.entry))).toBeUndefined()

    expect((await feedback(ADMIN_KEY, { entry: original.entry, verdict: 'wrong' })).json.error.code).toBe('entry_not_found')
    for (const [body, param] of [
      [{ entry: '1', verdict: 'maybe' }, 'verdict'],
      [{ entry: 'abc', verdict: 'wrong' }, 'entry'],
      [{ verdict: 'wrong' }, 'entry'],
      [{ entry: 1, verdict: 'wrong', extra: true }, 'extra'],
    ] as const) {
      const refused = await feedback(ALICE, body)
      expect({ status: refused.status, param: refused.json.error.param }).toEqual({ status: 400, param })
    }
    const unknown = await feedback('not-a-key-at-all-12345678', { entry: '1', verdict: 'wrong' })
    expect(unknown.status).toBe(401)
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.cache.judged).toMatchObject({ confirmed: 1, removed: 1 })
  })

  test('with the cache off: 409', async () => {
    proxy = await start({ CACHE_ALLOWED: 'false' })
    const off = await feedback(ALICE, { entry: '1', verdict: 'wrong' })
    expect(off.status).toBe(409)
    expect(off.json.error.code).toBe('cache_disabled')
  })
})
