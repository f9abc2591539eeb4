import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { ADMIN_KEY, ask, redisSkipReason, startReplicas, stopAllReplicas, type Replica } from '../helpers/replicas'

// Failed authentication is counted per address through Redis (DESIGN §1.5, §1.6): a guesser spreading its
// tries over the replicas behind a load balancer gets no more than it would from one.

setDefaultTimeout(30_000)
afterEach(stopAllReplicas)

const WRONG = 'sk-guess-Tq8Wc3Ns6Lb1Xe5Zo'
const question = () => `auth question ${crypto.randomUUID()}`
const wrongAdmin = (replica: Replica) => fetch(`${replica.url}/admin/keys`, { headers: { authorization: `Bearer ${WRONG}` } })

describe.skipIf(!!redisSkipReason)(`failed authentication across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('failures on A count on B: 20 spread over both, then 429 on either; a valid key is still served on both', async () => {
    const set = await startReplicas({ n: 2, env: { CACHE_ALLOWED: 'false' } })
    const [a, b] = set.replicas as [Replica, Replica]
    for (let i = 0; i < 10; i++) expect((await ask(a, question(), { key: WRONG })).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await ask(b, question(), { key: WRONG })).status).toBe(401)
    for (let i = 0; i < 5; i++) expect((await wrongAdmin(b)).status).toBe(401)

    const onB = await ask(b, question(), { key: WRONG })
    expect(onB.status).toBe(429)
    expect(onB.json.error.code).toBe('too_many_failed_auth')
    expect(Number(onB.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await ask(a, question(), { key: WRONG })).status).toBe(429)
    expect((await wrongAdmin(a)).status).toBe(429)

    expect((await ask(a, question())).status).toBe(200)
    expect((await ask(b, question())).status).toBe(200)
    expect((await fetch(`${b.url}/admin/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200)
  })
})
