import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { openingRanking } from '../helpers/affinity'
import { admin, ask, redisSkipReason, startReplicas, statsOf, stopAllReplicas, until, type Replica } from '../helpers/replicas'

// What else replicas share through Redis (DESIGN §1.6): the health of the upstream keys (a key one replica
// found rate-limited rests for all of them), the keys made by the admin API (accepted on every replica as
// soon as they are made, revoked on all within about a second), and the statistics behind /stats (each replica adds its counts every
// 10 s; /stats on one shows the requests of all, and how many replicas there are).

const K1 = 'sk-pool-key-one-Hq3Wn8Zt5Lc2Vr7Xm'
const K2 = 'sk-pool-key-two-Jd6Pb1Ys4Ku9Fe0Qa'
const RATE_LIMITED = { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }

setDefaultTimeout(30_000)
afterEach(stopAllReplicas)

const question = () => `shared question ${crypto.randomUUID()}`
// A question whose prompt prefix ranks K1 before K2 (DESIGN §1.9): a replica that does not know K1 rests tries it first.
const k1First = () => openingRanking([K1, K2], `shared question ${crypto.randomUUID()}`)

describe.skipIf(!!redisSkipReason)(`upstream key health across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('a key answering 429 on A cools down (for that model) for B and C too; with every key cooling, B answers upstream_keys_exhausted without a call', async () => {
    const set = await startReplicas({
      env: { CACHE_ALLOWED: 'false' },
      upstreams: (url) => [{ name: 'main', base_url: `${url}/v1`, keys: [K1, K2], models: ['gpt-*'] }],
    })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const chatKeys = (from: number) => set.upstream.requests.slice(from).filter((r) => r.path === '/v1/chat/completions').map((r) => r.headers.authorization?.replace(/^Bearer /, ''))
    set.upstream.keyFault(K1, { path: '/v1/chat/completions', status: 429, body: RATE_LIMITED, headers: { 'retry-after': '30' } })

    // A tries K1 first for this question; its 429 is retried on K2, so the client sees 200.
    expect((await ask(a, k1First())).status).toBe(200)
    expect(chatKeys(0)).toEqual([K1, K2])

    // B has never used K1 itself: on its own it would try it first for each of these questions.
    const mark = set.upstream.requests.length
    for (let i = 0; i < 4; i++) expect((await ask(b, k1First())).status).toBe(200)
    expect(chatKeys(mark)).toEqual([K2, K2, K2, K2])

    const stats = await statsOf(c)
    const keys = stats.upstreams.find((u: any) => u.name === 'main').keys
    const cooling = keys.find((k: any) => k.fingerprint === fingerprint(K1))
    expect(cooling.cooling.map((c: any) => c.model)).toEqual(['gpt-4o-mini'])
    expect(Date.parse(cooling.cooling[0].until)).toBeGreaterThan(Date.now() + 20_000)
    expect(keys.find((k: any) => k.fingerprint === fingerprint(K2)).cooling).toEqual([])
    expect(JSON.stringify(stats)).not.toContain(K1)

    // K2 rate-limited on C too: now B knows both keys rest and answers at once.
    set.upstream.keyFault(K2, { path: '/v1/chat/completions', status: 429, body: RATE_LIMITED, headers: { 'retry-after': '30' } })
    await ask(c, question())
    const before = set.upstream.requests.length
    const exhausted = await ask(b, question())
    expect(exhausted.status).toBe(429)
    expect(exhausted.json.error.code).toBe('upstream_keys_exhausted')
    expect(Number(exhausted.headers.get('retry-after'))).toBeGreaterThan(20)
    expect(set.upstream.requests.length).toBe(before)

    // The keys rest for gpt-4o-mini only: B still sends gpt-4o upstream.
    await ask(b, question(), { extra: { model: 'gpt-4o' } })
    expect(set.upstream.requests.slice(before).map((r) => r.json?.model)).toContain('gpt-4o')
  })
})

describe.skipIf(!!redisSkipReason)(`keys made by the admin API across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('made on A, it works on B and C at once; revoked on C, it is refused on A and B within about a second', async () => {
    const set = await startReplicas({ env: { CACHE_ALLOWED: 'false' } })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const made = await admin(a, 'POST', '', { name: 'roaming', rate_limit: 2 })
    expect(made.status).toBe(201)
    const key: string = made.json.key
    // B and C have not reloaded their keys yet (they poll every second): they find it in Redis.
    expect((await ask(b, question(), { key })).status).toBe(200)

    // Its settings travel with it: rate_limit 2 is one window across the replicas (one request was made on B).
    expect((await ask(c, question(), { key })).status).toBe(200)
    expect((await ask(a, question(), { key })).status).toBe(429)
    const listed = await admin(c, 'GET', '')
    expect(listed.json.data.map((k: any) => k.name)).toContain('roaming')
    expect(JSON.stringify(listed.json)).not.toContain(key)

    expect((await admin(c, 'DELETE', '/roaming')).status).toBe(200)
    const refusedEverywhere = await until(
      () => Promise.all([a, b].map((r) => ask(r, question(), { key }))),
      (answers) => answers.every((answer) => answer.status === 401),
      { timeoutMs: 3000, intervalMs: 50 }
    )
    console.log(`replicas admin key: revoked on C, refused on A and B after ${refusedEverywhere.ms.toFixed(0)} ms`)
    expect(refusedEverywhere.value[0]!.json.error.code).toBe('invalid_api_key')
    expect(refusedEverywhere.ms).toBeLessThan(2000)
    expect((await admin(a, 'GET', '/roaming')).status).toBe(404)
  })
})

describe.skipIf(!!redisSkipReason)(`statistics across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('after the stats flush (every 10 s), /stats on A counts the requests made on B and C; three replicas seen', async () => {
    const set = await startReplicas()
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const [q1, q2, q3] = [question(), question(), question()]
    const made = [await ask(b, q1), await ask(b, q1), await ask(b, q2), await ask(c, q3), await ask(c, q1)]
    expect(made.map((m) => m.cache)).toEqual(['MISS', 'HIT', 'MISS', 'MISS', 'HIT'])
    const before = await statsOf(a)
    expect(before.replicas).toEqual({ mode: 'shared', seen: 3 })

    // Each replica adds its counts 10 s after it started and every 10 s after: 15 s is the bound.
    const flushed = await until(() => statsOf(a), (s) => s.requests.total >= 5, { timeoutMs: 15_000, intervalMs: 250 })
    console.log(`replicas stats: /stats on A counted the 5 requests of B and C ${(flushed.ms / 1000).toFixed(1)} s after they were made`)
    const stats = flushed.value
    expect(stats.requests.total).toBe(5)
    expect(stats.requests.byEndpoint.chat).toBe(5)
    expect(stats.cache.hits.exact).toBe(2)
    expect(stats.cache.misses).toBe(3)
    expect(stats.upstream.requests).toBe(3)
    // The provider prompt cache's figures too: the 3 misses' usage (10 prompt tokens each, none cached).
    expect(stats.providerCache).toEqual([{ upstream: 'default', model: 'gpt-4o-mini', promptTokens: 30, cachedTokens: 0, hitRate: 0 }])
    expect(stats.replicas).toEqual({ mode: 'shared', seen: 3 })
    // And every replica says the same.
    for (const r of [b, c]) expect((await statsOf(r)).requests.total).toBe(5)
  })
})
