import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { ADMIN_KEY, ask, paraphrases, redisSkipReason, startReplicas, statsOf, stopAllReplicas, until, type Answer, type Replica } from '../helpers/replicas'

// The cache shared by replicas through Redis (DESIGN §1.6): entries and their embeddings live in Redis, each
// replica keeps its own vector index, built from Redis at start and kept current from the change stream, so
// an answer stored through one replica is an exact hit on the others at once and a semantic hit within a
// second; the groups of §1.5 hold across replicas; identical requests in flight on two replicas make one
// upstream call, and a follower whose leader's replica died makes its own call once the 6 s lease runs out.

const ALICE = 'Av3Kq8Zr1Lm6Wx4Tn9Ps'
const BOB = 'Bw5Hj0Yc7Nd2Qf8Ue3Rk'
const ERIN = 'Ex9Gt4Mb1Vs6Lo3Ja8Wd'
const FRANK = 'Fz2Pk7Ch4Rq9Nm5Ts0Ly'

// Real processes on a shared machine: starting three takes a second or two, more under load.
setDefaultTimeout(30_000)
afterEach(stopAllReplicas)

const outcome = (a: Answer) => (a.cache === 'HIT' ? `HIT/${a.match}` : `${a.status} ${a.cache}`)

/** Asks paraphrases of `subject` on `replica`, a new one each time, until one is a semantic hit. */
async function semanticHit(replica: Replica, subject: string, asked: string[], options: { key?: string; timeoutMs?: number } = {}) {
  const questions = paraphrases(subject).filter((q) => !asked.includes(q))
  let i = 0
  return until(
    () => ask(replica, questions[i++ % questions.length]!, { key: options.key }),
    (a) => a.status === 200 && a.cache === 'HIT' && a.match === 'semantic',
    { timeoutMs: options.timeoutMs ?? 3000, intervalMs: 25 }
  )
}

describe.skipIf(!!redisSkipReason)(`the cache across three replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('stored through A: an exact hit on B at once, a paraphrase a semantic hit on C within a second', async () => {
    const set = await startReplicas()
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const stored = 'Which city is the capital of Portugal?'
    const first = await ask(a, stored)
    const storedAt = performance.now()
    expect(outcome(first)).toBe('200 MISS')
    const exact = await ask(b, stored)
    expect(outcome(exact)).toBe('HIT/exact')
    expect(exact.json.choices[0].message.content).toBe(first.json.choices[0].message.content)
    const semantic = await semanticHit(c, 'capital of Portugal', [stored])
    const delay = performance.now() - storedAt
    console.log(`replicas semantic: stored on A, semantic hit on C ${delay.toFixed(0)} ms after A answered (similarity ${semantic.value.headers.get('x-cache-similarity')})`)
    expect(semantic.value.json.choices[0].message.content).toBe(first.json.choices[0].message.content)
    expect(delay).toBeLessThan(1000)
  })

  test('an answer kept hot on B is forgotten there as soon as A deletes it, and while Redis is away B serves nothing from memory', async () => {
    const set = await startReplicas()
    const [a, b] = set.replicas as [Replica, Replica]
    const question = 'How many moons does Mars have?'
    expect(outcome(await ask(a, question))).toBe('200 MISS')
    // The second hit on B is answered from B's memory (hot), without reading Redis.
    for (let i = 0; i < 3; i++) expect(outcome(await ask(b, question))).toBe('HIT/exact')
    const list: any = await (await fetch(`${a.url}/admin/cache/entries`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()
    const deleted = await fetch(`${a.url}/admin/cache/entries/${list.data[0].id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect(deleted.status).toBe(200)
    const gone = await until(() => ask(b, question), (x) => x.cache === 'MISS', { timeoutMs: 2000, intervalMs: 20 })
    console.log(`replicas hot answers: deleted on A, a MISS on B ${gone.ms.toFixed(0)} ms later`)
    expect(gone.ms).toBeLessThan(1000)

    for (let i = 0; i < 3; i++) expect(outcome(await ask(b, question))).toBe('HIT/exact')
    await set.redis!.kill()
    // B learns that Redis is away from its next failed command (its change stream reads every second).
    const away = await until(() => ask(b, question), (x) => x.cache === 'MISS', { timeoutMs: 3000, intervalMs: 20 })
    console.log(`replicas hot answers: Redis killed, a MISS on B ${away.ms.toFixed(0)} ms later`)
    expect(away.value.status).toBe(200)
    await set.redis!.start()
  })

  test('cache groups hold across replicas: a private entry is no hit for another key; a named group shares', async () => {
    const set = await startReplicas({
      keys: [
        { name: 'alice', key: ALICE },
        { name: 'bob', key: BOB, cache: 'private' },
        { name: 'erin', key: ERIN, cache: 'team' },
        { name: 'frank', key: FRANK, cache: 'team' },
      ],
    })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const secret = "What is the height of alice's favourite tower?"
    expect(outcome(await ask(a, secret, { key: ALICE }))).toBe('200 MISS')
    // Neither bob nor the PROXY_KEY (shared) gets alice's entry, exactly or by meaning, on another replica.
    expect(outcome(await ask(b, secret, { key: BOB }))).toBe('200 MISS')
    expect(outcome(await ask(c, secret))).toBe('200 MISS')
    expect(outcome(await ask(c, "Tell me the height of alice's favourite tower", { key: ERIN }))).toBe('200 MISS')
    // Alice herself gets it on the third replica.
    expect(outcome(await ask(c, secret, { key: ALICE }))).toBe('HIT/exact')

    const teamQuestion = 'Who wrote the team handbook?'
    expect(outcome(await ask(a, teamQuestion, { key: ERIN }))).toBe('200 MISS')
    expect(outcome(await ask(b, teamQuestion, { key: FRANK }))).toBe('HIT/exact')
    expect(outcome(await ask(c, teamQuestion, { key: ALICE }))).toBe('200 MISS')
    expect(set.chatCalls()).toBe(6)
  })

  test('one LRU bound for all replicas: a hit on B keeps an entry that A would otherwise evict', async () => {
    const set = await startReplicas({ env: { CACHE_MAX_ENTRIES: '3' } })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const [q1, q2, q3, q4] = ['Who painted the Mona Lisa?', 'Who discovered penicillin?', 'Who invented the telephone?', 'Who composed the Four Seasons?']
    expect(outcome(await ask(a, q1))).toBe('200 MISS')
    expect(outcome(await ask(b, q2))).toBe('200 MISS')
    expect(outcome(await ask(c, q3))).toBe('200 MISS')
    // q1 is the oldest, but B's hit makes q2 the least recently used (B writes its hits every second).
    expect(outcome(await ask(b, q1))).toBe('HIT/exact')
    await Bun.sleep(1300)
    expect(outcome(await ask(a, q4))).toBe('200 MISS')
    await until(() => statsOf(c), (s) => s.cache.entries === 3, { timeoutMs: 3000 })
    for (const q of [q1, q3, q4]) expect(outcome(await ask(c, q))).toBe('HIT/exact')
    expect(outcome(await ask(c, q2))).toBe('200 MISS')
  })

  test('one TTL for all replicas: stored on A, a hit on B; past CACHE_TTL_SECONDS a miss on C, exactly and by meaning', async () => {
    const set = await startReplicas({ env: { CACHE_TTL_SECONDS: '2' } })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const [exact, meant] = ['What is the speed of light in vacuum?', 'Which city is the capital of Peru?']
    expect(outcome(await ask(a, exact))).toBe('200 MISS')
    expect(outcome(await ask(a, meant))).toBe('200 MISS')
    const storedAt = performance.now()
    expect(outcome(await ask(b, exact))).toBe('HIT/exact')
    expect(outcome((await semanticHit(b, 'capital of Peru', [meant], { timeoutMs: 1000 })).value)).toBe('HIT/semantic')
    await Bun.sleep(Math.max(0, 2300 - (performance.now() - storedAt)))
    expect(outcome(await ask(c, exact))).toBe('200 MISS')
    // (A paraphrase the hit above did not use: the last of the list.)
    expect(outcome(await ask(c, paraphrases('capital of Peru').at(-1)!))).toBe('200 MISS')
  })

  test('in flight on A, the identical request on B waits for it and is a HIT: one upstream call', async () => {
    const set = await startReplicas()
    const [a, b] = set.replicas as [Replica, Replica]
    set.upstream.fault({ path: '/v1/chat/completions', delayMs: 1500 })
    const question = 'What is the boiling point of water at sea level?'
    const leader = ask(a, question)
    // A's claim is made before it calls the upstream: once the upstream has the call, B's request follows.
    await until(async () => set.chatCalls(), (n) => n === 1, { timeoutMs: 3000, intervalMs: 10 })
    const follower = await ask(b, question)
    const led = await leader
    expect(outcome(led)).toBe('200 MISS')
    expect(outcome(follower)).toBe('HIT/exact')
    expect(follower.json.choices[0].message.content).toBe(led.json.choices[0].message.content)
    expect(set.chatCalls()).toBe(1)
  })

  test("the leader's replica killed -9 while the upstream holds its answer: the follower makes its own call within a few seconds", async () => {
    const set = await startReplicas({ n: 2 })
    const [a, b] = set.replicas as [Replica, Replica]
    set.upstream.fault({ path: '/v1/chat/completions', hang: true })
    const question = 'How many moons does Neptune have?'
    const leader = ask(a, question).catch((error: Error) => error)
    await until(async () => set.chatCalls(), (n) => n === 1, { timeoutMs: 3000, intervalMs: 10 })
    const waiting = ask(b, question)
    await Bun.sleep(300)
    // B waits on A's call: it has not gone upstream itself.
    expect(set.chatCalls()).toBe(1)
    const killedAt = performance.now()
    await set.kill(0)
    const follower = await waiting
    const delay = performance.now() - killedAt
    console.log(`replicas in-flight: leader's replica killed -9, the follower on B made its own call ${delay.toFixed(0)} ms later (lease 6 s)`)
    expect(await leader).toBeInstanceOf(Error)
    expect(outcome(follower)).toBe('200 MISS')
    expect(follower.json.choices[0].message.content).toBe(`Echo: ${question}`)
    expect(set.chatCalls()).toBe(2)
    expect(delay).toBeLessThan(8000)
  })

  test('a replica killed -9 and restarted with an empty DATA_DIR: the others lose nothing, and it serves the shared cache', async () => {
    const set = await startReplicas()
    const [a, , c] = set.replicas as [Replica, Replica, Replica]
    const stored = 'Which river is the longest in Europe?'
    expect(outcome(await ask(c, stored))).toBe('200 MISS')
    const oldDir = c.dataDir
    await set.kill(2)
    // What C stored is in Redis: A serves it, exactly and by meaning.
    expect(outcome(await ask(a, stored))).toBe('HIT/exact')
    await semanticHit(a, 'river longest in Europe', [stored])

    expect(set.chatCalls()).toBe(1)

    const restarted = await set.restart(2, { emptyDataDir: true })
    expect(restarted.dataDir).not.toBe(oldDir)
    expect(outcome(await ask(restarted, stored))).toBe('HIT/exact')
    // Its own index is rebuilt from Redis in the background; then paraphrases are hits on it too.
    const semantic = await semanticHit(restarted, 'river longest in Europe', [stored], { timeoutMs: 5000 })
    console.log(`replicas restart: restarted with an empty DATA_DIR, semantic hit after ${semantic.ms.toFixed(0)} ms of polling`)
  })
})
