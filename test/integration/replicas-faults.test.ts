import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { chatEstimate, fakeUsage, usageOf } from '../helpers/budget'
import { admin, ask, paraphrases, redisSkipReason, startReplicas, stopAllReplicas, until, type Replica } from '../helpers/replicas'

// Redis stopped in the middle of a run (DESIGN §1.6): every replica goes on serving — the cache steps aside
// (misses), rate limits fall back to each replica's own memory — and says so in one log line, not one per
// request. Redis back (the same server, its data kept on disk): one line again, and sharing resumes without
// restarting anything; what Redis kept before the outage (cache entries, keys made by the admin API) is
// served again, and the usage counted meanwhile reaches it.

const LIMITED = 'Lm4Xq9Wz2Rt7Kc1Vb6Nh'
const AFTER = 'Af8Pd3Gs6Yj1Me5Tw0Qu'
const PAYER = 'Py2Ke7Rn4Wb9Ho3Zs8Cg'

setDefaultTimeout(40_000)
afterEach(stopAllReplicas)

const question = (tag: string) => `fault question ${tag} ${crypto.randomUUID()}`
/** Lines a replica printed that are not its access log (`<ISO time> <METHOD> <path> …`). */
const ACCESS = /^\d{4}-\d\d-\d\dT\S+Z (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /
const notAccess = (r: Replica) => r.lines.filter((line) => !ACCESS.test(line))

describe.skipIf(!!redisSkipReason)(`Redis stopped and restarted under three replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('served meanwhile with one log line per replica; back: one line, sharing resumes, nothing Redis kept is lost', async () => {
    const set = await startReplicas({
      keys: [
        { name: 'limited', key: LIMITED, rate_limit: 3 },
        { name: 'after', key: AFTER, rate_limit: 3 },
      ],
    })
    const replicas = set.replicas
    const [a, b, c] = replicas as [Replica, Replica, Replica]

    // Before: an answer stored on A (a hit on B), and a key made on A, used once on every replica.
    const kept = 'What is the tallest building in the world?'
    expect((await ask(a, kept)).cache).toBe('MISS')
    expect((await ask(b, kept)).cache).toBe('HIT')
    const made = await admin(a, 'POST', '', { name: 'early' })
    expect(made.status).toBe(201)
    const early: string = made.json.key
    for (const r of replicas) expect((await ask(r, question('early'), { key: early })).status).toBe(200)
    for (const r of replicas) expect(r.count(/redis: unreachable/)).toBe(0)

    await set.redis!.kill()
    const downAt = replicas.map((r) => notAccess(r).length)
    const linesAtDown = a.lines.length

    // Down: every request is still answered; the cache misses, even for what it holds.
    for (const r of replicas) {
      for (let i = 0; i < 3; i++) {
        const answer = await ask(r, question(`down-${r.name}-${i}`))
        expect(answer.status).toBe(200)
        expect(answer.cache).toBe('MISS')
      }
      // What Redis holds is a miss meanwhile (asked where it was never served as a hit: B may keep that answer
      // in memory for a few seconds, src/cache/hot-answers.ts).
      if (r !== b) expect((await ask(r, kept)).cache).toBe('MISS')
      // A key made before the outage is still known to the replica.
      expect((await ask(r, question('early-down'), { key: early })).status).toBe(200)
    }
    // Rate limits fall back to each replica's own memory: 3 per replica pass, not 3 in all.
    const perReplica: number[] = []
    for (const r of replicas) {
      const statuses: number[] = []
      for (let i = 0; i < 4; i++) statuses.push((await ask(r, question(`limited-${r.name}-${i}`), { key: LIMITED })).status)
      perReplica.push(statuses.filter((s) => s === 200).length)
      expect(statuses).toEqual([200, 200, 200, 429])
    }
    console.log(`replicas redis down: rate_limit 3 passed ${perReplica.join(' + ')} on the 3 replicas (own memory each)`)

    // One line per replica saying Redis went, however many requests: 9 more each add no line.
    for (const r of replicas) expect(r.count(/redis: unreachable/)).toBe(1)
    // (The statistics' own line, once a minute, comes whenever their 10 s timer fires: not counted here.)
    const said = (r: Replica) => notAccess(r).filter((line) => !line.startsWith('stats:')).length
    const afterFirst = replicas.map(said)
    for (const r of replicas) for (let i = 0; i < 9; i++) expect((await ask(r, question(`more-${r.name}-${i}`))).status).toBe(200)
    replicas.forEach((r, i) => {
      expect(r.count(/redis: unreachable/)).toBe(1)
      expect(said(r)).toBe(afterFirst[i]!)
      // Not one line per request: at most a few lines for the outage (Redis, the cache, the statistics).
      expect(notAccess(r).length - downAt[i]!).toBeLessThanOrEqual(4)
    })
    console.log(`replicas redis down: what replica A printed during the outage, ${a.lines.slice(linesAtDown).filter((line) => ACCESS.test(line)).length} requests:\n  ${notAccess(a).slice(downAt[0]).join('\n  ')}`)

    // Back: the same server on the same port, with what it had kept.
    await set.redis!.start()
    await Promise.all(replicas.map((r) => r.waitForLine(/redis: back/, 15_000)))
    for (const r of replicas) {
      expect(r.count(/redis: back/)).toBe(1)
      expect(r.count(/redis: unreachable/)).toBe(1)
    }

    // Nothing Redis kept is lost: the answer stored before is a hit again, the early key works everywhere.
    expect((await ask(c, kept)).cache).toBe('HIT')
    for (const r of replicas) expect((await ask(r, question('early-back'), { key: early })).status).toBe(200)

    // Sharing resumes: a fresh key's limit of 3 is one window across the three replicas again.
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await ask(replicas[i % 3]!, question(`after-${i}`), { key: AFTER })).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429])

    // An answer stored now on A is an exact hit on B and, through the change stream, a semantic hit on C.
    const fresh = 'Which city is the capital of Iceland?'
    expect((await ask(a, fresh)).cache).toBe('MISS')
    expect((await ask(b, fresh)).cache).toBe('HIT')
    const questions = paraphrases('capital of Iceland')
    let n = 0
    const semantic = await until(() => ask(c, questions[n++]!), (answer) => answer.cache === 'HIT' && answer.match === 'semantic', { timeoutMs: 3000, intervalMs: 25 })
    console.log(`replicas redis back: semantic hit on C ${semantic.ms.toFixed(0)} ms after storing on A`)

    // The usage counted while Redis was away reached it (each replica adds what it owes with its next count).
    const usage = await until(() => usageOf(a.url, LIMITED), (u) => u.today.requests === 9, { timeoutMs: 3000, intervalMs: 100 }).catch(async () => ({ value: await usageOf(a.url, LIMITED) }))
    expect(usage.value.today.requests).toBe(9)
  })

  test('a budget while Redis is away: a replica refuses on top of the last spend it knew; what was spent meanwhile reaches Redis', async () => {
    const MAX = 16
    const content = (tag: string) => `fault question ${tag} ${crypto.randomUUID()}`
    const estimate = chatEstimate(content('x'), MAX).tokens
    // One estimate fits; after one answer's spend (15 tokens from the fake) none does.
    const budget = estimate + 2
    const set = await startReplicas({ env: { CACHE_ALLOWED: 'false' }, keys: [{ name: 'payer', key: PAYER, budget: { tokens: budget, per: 'day' } }] })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const pay = (r: Replica, tag: string) => {
      const text = content(tag)
      return ask(r, text, { key: PAYER, extra: { max_tokens: MAX } }).then((answer) => ({ ...answer, tokens: fakeUsage(text).tokens }))
    }
    const first = await pay(b, 'first')
    expect(first.status).toBe(200)
    await until(() => usageOf(b.url, PAYER), (u) => u.reserved === 0 && u.spent === first.tokens, { timeoutMs: 3000, intervalMs: 25 })
    // B reads the spend from Redis as it refuses the next one.
    expect((await pay(b, 'second')).json.error.code).toBe('insufficient_quota')

    await set.redis!.kill()
    // Every replica notices, idle ones too (each reads the shared keys' version every second).
    const noticed = performance.now()
    await Promise.all(set.replicas.map((r) => r.waitForLine(/redis: unreachable/, 5_000)))
    console.log(`replicas redis down: all 3 replicas said so within ${(performance.now() - noticed).toFixed(0)} ms`)
    // B goes on refusing from the spend it knew; C, which knew none, admits what one process would from nothing.
    const refused = await pay(b, 'down-b')
    expect(refused.status).toBe(429)
    expect(refused.json.error.code).toBe('insufficient_quota')
    const admitted = await pay(c, 'down-c')
    expect(admitted.status).toBe(200)
    expect((await pay(c, 'down-c-2')).json.error.code).toBe('insufficient_quota')
    expect((await usageOf(b.url, PAYER)).spent).toBe(first.tokens)

    await set.redis!.start()
    await Promise.all(set.replicas.map((r) => r.waitForLine(/redis: back/, 15_000)))
    // C adds what it spent meanwhile with its next reading; then every replica reads the whole spend.
    await usageOf(c.url, PAYER)
    const total = first.tokens + admitted.tokens
    const settled = await until(() => usageOf(a.url, PAYER), (u) => u.spent === total, { timeoutMs: 3000, intervalMs: 50 }).catch(async () => ({ value: await usageOf(a.url, PAYER) }))
    console.log(`replicas budget outage: spent=${settled.value.spent} in Redis after the outage (${first.tokens} before, ${admitted.tokens} on C meanwhile), budget=${budget}`)
    expect(settled.value.spent).toBe(total)
    expect((await pay(a, 'back')).json.error.code).toBe('insufficient_quota')
    expect(set.chatCalls()).toBe(2)
  })
})
