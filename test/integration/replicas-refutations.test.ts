import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { ADMIN_KEY, ask, redisSkipReason, startReplicas, stopAllReplicas, until, type Replica } from '../helpers/replicas'
import { PROXY_KEY } from '../helpers/start-proxy'

// Refutations across replicas (DESIGN §1.11, §1.6): the hits a key was served and the labels of the entries
// live in Redis, so a semantic hit served by B is refuted by the same key's skip word on C, and A no longer
// gives that entry to the refuted question or nearer ones; POST /v1/cache/feedback on A judges a hit served by B.

setDefaultTimeout(30_000)
afterEach(stopAllReplicas)

// The fake's embeddings are bags of content words: P is near O; P2 is nearer to P than to O.
const O = 'How tall is the Eiffel Tower in Paris, France?'
const P = 'How tall is the Eiffel Tower in Paris, France, today?'
const P2 = 'How tall is the Eiffel Tower in Paris, France, today, roughly?'

async function entryOf(replica: Replica, id: string) {
  const response = await fetch(`${replica.url}/admin/cache/entries/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  return (await response.json()) as any
}

describe.skipIf(!!redisSkipReason)(`wrong hits across replicas${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  test('served on B, refuted by the skip word on C: A never gives that entry to the refuted question again', async () => {
    const set = await startReplicas({ env: { CACHE_SIMILARITY_THRESHOLD: '0.8', MODEL_RATE_LIMIT: '0' } })
    const [a, b, c] = set.replicas as [Replica, Replica, Replica]
    const original = await ask(a, O)
    const stored = original.headers.get('x-cache-entry')!
    const wrong = await until(() => ask(b, P), (hit) => hit.cache === 'HIT' && hit.match === 'semantic', { timeoutMs: 3000, intervalMs: 25 })
    expect(wrong.value.headers.get('x-cache-entry')).toBe(stored)

    expect((await ask(c, `/skip_cache ${P}`)).cache).toBe('BYPASS')
    const labelled = await until(() => entryOf(a, stored), (entry) => entry.labels?.length === 1, { timeoutMs: 3000, intervalMs: 50 })
    expect(labelled.value.labels[0]).toMatchObject({ verdict: 'wrong', source: 'refresh', has_question: true })
    for (const replica of [a, b, c]) expect((await ask(replica, P2)).headers.get('x-cache-entry')).not.toBe(stored)
    expect((await ask(a, O)).headers.get('x-cache-entry')).toBe(stored)
  })

  test('feedback on A for a hit B served; a key that was not served it is refused on every replica', async () => {
    const set = await startReplicas({ env: { CACHE_SIMILARITY_THRESHOLD: '0.8', MODEL_RATE_LIMIT: '0' } })
    const [a, b] = set.replicas as [Replica, Replica, Replica]
    const stored = (await ask(a, O)).headers.get('x-cache-entry')!
    await until(() => ask(b, P), (hit) => hit.cache === 'HIT' && hit.match === 'semantic', { timeoutMs: 3000, intervalMs: 25 })
    const judge = (replica: Replica, key: string) =>
      fetch(`${replica.url}/v1/cache/feedback`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ entry: stored, verdict: 'wrong' }),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }))
    const made = await fetch(`${a.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'stranger' }),
    })
    const stranger = ((await made.json()) as any).key
    expect((await judge(a, stranger)).status).toBe(403)
    expect((await judge(a, PROXY_KEY)).json.action).toBe('refuted')
    const labelled = await entryOf(b, stored)
    expect(labelled.labels.map((l: any) => l.source)).toEqual(['feedback'])
  })
})
