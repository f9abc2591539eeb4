import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { chatEstimate, usageOf } from '../helpers/budget'
import { REAL_KEY } from '../helpers/start-proxy'
import { ask, redisSkipReason, startReplicas, statsOf, stopAllReplicas, until, type Replica } from '../helpers/replicas'

// Replicas sharing one Redis (DESIGN §1.6), each a process with its own DATA_DIR: the sliding window and the
// budget reservation are single atomic operations on Redis, so three replicas under concurrent load admit
// exactly what one process would; usage counted on one is read on another. With a password and a database
// index in REDIS_URL the same holds; without REDIS_URL nothing is shared, as before.

const ALICE = 'Rk4Lm9Qz2Xw7Vt1Np6Hs'
const BOB = 'Bq8Yt3Mc6Zr1Wd5Kf0Lj'
const CAROL = 'Cv2Hn7Pa4Sx9Gu3Ee8Ry'
const DAVE = 'Dn5Tb0Wq3Lk8Jm2Xc7Fo'

// Real processes on a shared machine: starting three takes a second or two, more under load.
setDefaultTimeout(30_000)
afterEach(stopAllReplicas)

const question = (n: number) => `limits question ${crypto.randomUUID()} number ${n}`
/** `n` requests, request i on replica i mod the number of replicas, one after another. */
async function roundRobin(replicas: Replica[], n: number, key: string) {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) statuses.push((await ask(replicas[i % replicas.length]!, question(i), { key })).status)
  return statuses
}
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length

describe.skipIf(!!redisSkipReason)(`three replicas share one rate limit${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('a key with rate_limit 4 asked round-robin on three replicas: exactly the first 4 pass', async () => {
    const set = await startReplicas({ keys: [{ name: 'alice', key: ALICE, rate_limit: 4 }] })
    const statuses = await roundRobin(set.replicas, 9, ALICE)
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429])
    const refused = await ask(set.replicas[2]!, question(99), { key: ALICE })
    expect(refused.json.error.code).toBe('rate_limit_exceeded')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(set.chatCalls()).toBe(4)
  })

  test('30 concurrent requests spread over three replicas: exactly 4 pass', async () => {
    const set = await startReplicas({ keys: [{ name: 'bob', key: BOB, rate_limit: 4 }] })
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(set.replicas[i % 3]!, question(i), { key: BOB })))
    const statuses = answers.map((a) => a.status)
    console.log(`replicas rate limit: ${count(statuses, 200)} of 30 concurrent requests passed on 3 replicas (limit 4)`)
    expect(count(statuses, 200)).toBe(4)
    expect(count(statuses, 429)).toBe(26)
    expect(set.chatCalls()).toBe(4)
  })
})

describe.skipIf(!!redisSkipReason)(`a budget under concurrency across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  const MAX = 16
  const N = 30
  test('30 concurrent requests over three replicas against ~5 estimates: exactly 5 admitted, as one process; usage read on every replica', async () => {
    const one = chatEstimate(question(0), MAX)
    const actual = { prompt: one.promptTokens - 5, completion: MAX }
    const budget = Math.floor(5.5 * one.tokens)
    const set = await startReplicas({ env: { CACHE_ALLOWED: 'false' }, keys: [{ name: 'carol', key: CAROL, budget: { tokens: budget, per: 'day' } }] })
    // Every answer held 150 ms, so all 30 are in flight at once and none has settled before the others reserve.
    set.upstream.keyFault(REAL_KEY, {
      path: '/v1/chat/completions',
      status: 200,
      delayMs: 150,
      body: {
        id: 'chatcmpl-replicas',
        object: 'chat.completion',
        created: 1735689600,
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: actual.prompt, completion_tokens: actual.completion, total_tokens: actual.prompt + actual.completion },
      },
    })
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => ask(set.replicas[i % 3]!, question(i), { key: CAROL, extra: { max_tokens: MAX } })))
    const admitted = answers.filter((a) => a.status === 200).length
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused.status).toBe(429)
      expect(refused.json.error.code).toBe('insufficient_quota')
    }
    const spentEach = actual.prompt + actual.completion
    // Settlement follows the answer by a moment; then every replica reads the same shared figures.
    const usages = await Promise.all(
      set.replicas.map(async (r) => {
        const deadline = Date.now() + 3000
        for (;;) {
          const usage = await usageOf(r.url, CAROL)
          if ((usage.reserved === 0 && usage.spent === admitted * spentEach) || Date.now() > deadline) return usage
          await Bun.sleep(25)
        }
      })
    )
    console.log(`replicas budget: admitted=${admitted}, spent=${usages[0].spent}, budget=${budget} (tokens; ${N} concurrent over 3 replicas, estimate ${one.tokens} each, upstream reported ${spentEach})`)
    expect(admitted).toBe(5)
    expect(set.chatCalls()).toBe(5)
    for (const usage of usages) {
      expect(usage.reserved).toBe(0)
      expect(usage.spent).toBe(5 * spentEach)
      expect(usage.spent).toBeLessThanOrEqual(budget + Math.max(0, spentEach - one.tokens))
      expect(usage.today.requests).toBe(5)
      expect(usage.today.prompt_tokens).toBe(5 * actual.prompt)
    }
  })

  test('spend settled on one replica is refused on another once the budget is used up', async () => {
    const one = chatEstimate(question(0), MAX)
    // One estimate fits; once the first answer's spend is settled, no second one does (on any replica).
    const budget = one.tokens + 5
    const set = await startReplicas({ n: 2, env: { CACHE_ALLOWED: 'false' }, keys: [{ name: 'dave', key: DAVE, budget: { tokens: budget, per: 'day' } }] })
    const [a, b] = set.replicas as [Replica, Replica]
    expect((await ask(a, question(1), { key: DAVE, extra: { max_tokens: MAX } })).status).toBe(200)
    const settled = await until(() => usageOf(b.url, DAVE), (u) => u.reserved === 0 && u.spent > 0, { timeoutMs: 3000, intervalMs: 25 })
    expect(settled.value.today.requests).toBe(1)
    const refused = await ask(b, question(2), { key: DAVE, extra: { max_tokens: MAX } })
    expect(refused.status).toBe(429)
    expect(refused.json.error.code).toBe('insufficient_quota')
    expect(await usageOf(a.url, DAVE)).toEqual(await usageOf(b.url, DAVE))
    expect(set.chatCalls()).toBe(1)
  })
})

describe.skipIf(!!redisSkipReason)(`REDIS_URL with a password and a database index${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('redis://:password@host:port/3: the replicas share through database 3, and nothing lands in database 0', async () => {
    const set = await startReplicas({
      n: 2,
      redisOptions: { password: 'Pw7Tg2Rk9Lz4' },
      redisUrl: (redis) => redis.urlFor(3),
      keys: [{ name: 'alice', key: ALICE, rate_limit: 2 }],
    })
    expect(set.env.REDIS_URL).toMatch(/^redis:\/\/:Pw7Tg2Rk9Lz4@127\.0\.0\.1:\d+\/3$/)
    for (const r of set.replicas) {
      expect(r.count(/redis: connected/)).toBe(1)
      expect(r.lines.join('\n')).not.toContain('Pw7Tg2Rk9Lz4')
    }
    const [a, b] = set.replicas as [Replica, Replica]
    expect(await roundRobin(set.replicas, 4, ALICE)).toEqual([200, 200, 429, 429])
    expect((await ask(a, 'What is the tallest mountain?')).cache).toBe('MISS')
    expect((await ask(b, 'What is the tallest mountain?')).cache).toBe('HIT')
    expect(Number(set.redis!.cli(['DBSIZE'], 3))).toBeGreaterThan(0)
    expect(set.redis!.cli(['--scan', '--pattern', 'pgpt:*'], 3)).toContain('pgpt:')
    expect(set.redis!.cli(['DBSIZE'], 0)).toBe('0')
  })
})

describe('without REDIS_URL nothing changes', () => {
  test('two replicas on their own: each counts its own rate limit, keeps its own cache, and says it is alone', async () => {
    const set = await startReplicas({ n: 2, redis: false, keys: [{ name: 'alice', key: ALICE, rate_limit: 2 }] })
    expect(set.env.REDIS_URL).toBeUndefined()
    const [a, b] = set.replicas as [Replica, Replica]
    // Shared, 2 of these 4 would pass; on their own, each replica lets its 2 through.
    expect(await roundRobin(set.replicas, 4, ALICE)).toEqual([200, 200, 200, 200])
    expect((await ask(a, question(9), { key: ALICE })).status).toBe(429)
    expect((await ask(a, 'Who wrote Hamlet?')).cache).toBe('MISS')
    expect((await ask(b, 'Who wrote Hamlet?')).cache).toBe('MISS')
    expect((await ask(a, 'Who wrote Hamlet?')).cache).toBe('HIT')
    const stats = await statsOf(b)
    expect(stats.replicas).toEqual({ mode: 'alone', seen: 1 })
    for (const r of set.replicas) expect(r.lines.some((line) => /redis/i.test(line))).toBe(false)
  })
})
