import { describe, expect, test } from 'bun:test'
import type { CacheEntryStore, EntryChange, EntryFilter, NewEntry } from '../../../src/state/types'
import { eventually, opener, sleep, type Opened } from '../helpers'

// The contract of CacheEntryStore. Expiry runs on real time (a short TTL), since a Redis store expires by
// the server's clock. Changes are awaited with `eventually`: a networked store's feed may lag a moment.

export interface CacheEntryOptions {
  ttlMs: number
  maxEntries: number
}

const ROOMY: CacheEntryOptions = { ttlMs: 60_000, maxEntries: 100 }
const TTL = 300

const answer = (content: string) => ({
  endpoint: 'chat' as const,
  body: {
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  },
})

const entry = (key: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  key,
  partition: 'p',
  endpoint: 'chat',
  model: 'm',
  prompt: `prompt of ${key}`,
  answer: answer(`answer to ${key}`),
  ...extra,
})

/** An entry with a question vector under embedding model `e`. */
const embedded = (key: string, vector = [0.1, -0.25, 0.5, 0.75], extra: Partial<NewEntry> = {}) =>
  entry(key, { embedding: Float32Array.from(vector), embeddingModel: 'e', ...extra })

/** Vectors are kept as f16: equal to about 1e-3. */
function expectVector(actual: Float32Array | null | undefined, expected: number[]) {
  expect(actual).toBeInstanceOf(Float32Array)
  expect(actual!.length).toBe(expected.length)
  expected.forEach((x, i) => expect(Math.abs(actual![i]! - x)).toBeLessThan(1e-3))
}

/** Records the change feed; `removedIds()` flattens every removal. */
function record(store: CacheEntryStore) {
  const changes: EntryChange[] = []
  const unsubscribe = store.subscribe((change) => changes.push(change))
  const removedIds = () => changes.flatMap((c) => (c.kind === 'removed' ? c.ids : [])).sort((a, b) => a - b)
  const addedIds = () => changes.flatMap((c) => (c.kind === 'added' ? [c.id] : []))
  return { changes, unsubscribe, removedIds, addedIds }
}

export function cacheEntryContract(name: string, make: (options: CacheEntryOptions) => Promise<Opened<CacheEntryStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('put, then getByKey and getById give the entry back', async () => {
      const store = await open(ROOMY)
      const put = await store.put(embedded('a'))
      expect(put).toMatchObject({ key: 'a', hits: 0 })
      expect(put.lastHitAt).toBe(put.createdAt)
      const byKey = (await store.getByKey('a'))!
      expect(byKey).toMatchObject({ id: put.id, key: 'a', partition: 'p', endpoint: 'chat', model: 'm', prompt: 'prompt of a', hits: 0 })
      expect(byKey.answer).toEqual(answer('answer to a'))
      // getByKey may leave the vector out (an exact hit never needs it); getById carries it.
      const byId = (await store.getById(put.id))!
      expect(byId).toMatchObject({ key: 'a', embeddingModel: 'e', createdAt: put.createdAt })
      expect(byId.answer).toEqual(answer('answer to a'))
      expectVector(byId.embedding, [0.1, -0.25, 0.5, 0.75])
      expect(await store.getByKey('missing')).toBeUndefined()
      expect(await store.getById(put.id + 1000)).toBeUndefined()
    })

    test('a put under the same key replaces the entry: the old id goes, and is reported removed', async () => {
      const store = await open(ROOMY)
      const old = await store.put(entry('a'))
      const feed = record(store)
      const fresh = await store.put(entry('a', { answer: answer('fresher') }))
      expect(fresh.id).not.toBe(old.id)
      expect(await store.getById(old.id)).toBeUndefined()
      expect((await store.getByKey('a'))!.answer).toEqual(answer('fresher'))
      expect(await store.count()).toBe(1)
      await eventually(() => expect(feed.removedIds()).toEqual([old.id]))
    })

    test('allocateId: an id put without one never takes, and a put with it keeps', async () => {
      const store = await open(ROOMY)
      const first = await store.put(entry('a'))
      const allocated = await store.allocateId()
      const second = await store.allocateId()
      expect(allocated).toBeGreaterThan(first.id)
      expect(second).toBeGreaterThan(allocated)
      const plain = await store.put(entry('b'))
      expect([allocated, second]).not.toContain(plain.id)
      expect(plain.id).toBeGreaterThan(second)
      const late = await store.put(entry('c', { id: allocated }))
      expect(late.id).toBe(allocated)
      expect((await store.getByKey('c'))!.id).toBe(allocated)
      expect((await store.getById(allocated))!.key).toBe('c')
      // On an empty store too.
      const empty = await open(ROOMY)
      expect(await empty.allocateId()).toBeGreaterThan(0)
    })

    test('expired entries are never returned', async () => {
      const store = await open({ ttlMs: TTL, maxEntries: 100 })
      const [a, b, c] = [await store.put(embedded('a')), await store.put(embedded('b')), await store.put(embedded('c'))]
      expect(await store.candidates([c.id])).toHaveLength(1)
      await sleep(TTL + 100)
      expect(await store.getByKey('a')).toBeUndefined()
      expect(await store.getById(b.id)).toBeUndefined()
      expect(await store.candidates([a.id, b.id, c.id])).toEqual([])
      const live: number[] = []
      for await (const e of store.entries()) live.push(e.id)
      expect(live).toEqual([])
    })

    test('sweep drops expired entries, reports them removed, and keeps fresh ones', async () => {
      const store = await open({ ttlMs: TTL, maxEntries: 100 })
      const feed = record(store)
      const old = [await store.put(entry('a')), await store.put(entry('b'))]
      await sleep(TTL + 100)
      const fresh = await store.put(entry('c'))
      // A store that expires by itself may have dropped some already: what matters is what is left.
      expect(await store.sweep()).toBeLessThanOrEqual(2)
      expect(await store.count()).toBe(1)
      expect((await store.getByKey('c'))!.id).toBe(fresh.id)
      await eventually(() => expect(feed.removedIds()).toEqual(old.map((e) => e.id)))
    })

    test('beyond maxEntries the least recently used goes; a touch keeps an entry and counts a hit', async () => {
      const store = await open({ ttlMs: 60_000, maxEntries: 2 })
      const a = await store.put(entry('a'))
      const b = await store.put(entry('b'))
      await sleep(20) // recency has millisecond resolution: the touch must come after b's put
      store.touch(a.id)
      await store.flush()
      const feed = record(store)
      await store.put(entry('c'))
      await store.sweep()
      expect(await store.count()).toBe(2)
      expect(await store.getById(b.id)).toBeUndefined()
      const touched = (await store.getById(a.id))!
      expect(touched.hits).toBe(1)
      expect(touched.lastHitAt).toBeGreaterThan(touched.createdAt)
      expect(await store.getByKey('c')).toBeDefined()
      await eventually(() => expect(feed.removedIds()).toEqual([b.id]))
    })

    test('candidates: partition, prompt and vector of live ids, without the answer', async () => {
      const store = await open(ROOMY)
      const a = await store.put(embedded('a', [1, 0, 0.5], { partition: 'pa' }))
      const bare = await store.put(entry('b', { prompt: undefined }))
      const found = await store.candidates([a.id, bare.id, a.id + bare.id + 1000])
      expect(found.map((c) => c.id).sort((x, y) => x - y)).toEqual([a.id, bare.id])
      const ca = found.find((c) => c.id === a.id)!
      expect(ca).toMatchObject({ partition: 'pa', prompt: 'prompt of a', embeddingModel: 'e', createdAt: a.createdAt })
      expectVector(ca.embedding, [1, 0, 0.5])
      expect('answer' in ca).toBe(false)
      expect(found.find((c) => c.id === bare.id)).toMatchObject({ prompt: null, embedding: null, embeddingModel: null })
      expect(await store.candidates([])).toEqual([])
    })

    test('setEmbedding gives an entry its vector and announces it', async () => {
      const store = await open(ROOMY)
      const a = await store.put(entry('a'))
      const feed = record(store)
      await store.setEmbedding(a.id, Float32Array.from([0.5, 0.5]), 'e')
      await store.setEmbedding(a.id + 1000, Float32Array.from([0.5, 0.5]), 'e') // no such entry: no vector joins
      await eventually(() => expect(feed.addedIds()).toEqual([a.id]))
      const change = feed.changes.find((c) => c.kind === 'added')!
      expect(change).toMatchObject({ kind: 'added', id: a.id, model: 'e' })
      expectVector(change.kind === 'added' ? change.embedding : null, [0.5, 0.5])
      expectVector((await store.getById(a.id))!.embedding, [0.5, 0.5])
      expect((await store.vectors('e', 0, 10)).map((v) => v.id)).toEqual([a.id])
    })

    test('subscribe: added for a put with a vector, removed for delete and purge; unsubscribe stops it', async () => {
      const store = await open(ROOMY)
      const feed = record(store)
      const a = await store.put(embedded('a'))
      const plain = await store.put(entry('plain', { model: 'other' })) // no vector: nothing to index
      await eventually(() => expect(feed.addedIds()).toEqual([a.id]))
      expectVector((feed.changes[0] as Extract<EntryChange, { kind: 'added' }>).embedding, [0.1, -0.25, 0.5, 0.75])
      expect(await store.delete(a.id)).toBe(true)
      await eventually(() => expect(feed.removedIds()).toEqual([a.id]))
      expect(await store.purge('other')).toBe(1)
      await eventually(() => expect(feed.removedIds()).toEqual([a.id, plain.id]))
      feed.unsubscribe()
      const seen = feed.changes.length
      await store.put(embedded('b'))
      await store.purge()
      await sleep(50)
      expect(feed.changes).toHaveLength(seen)
    })

    test('vectors pages through one model in id order; vectorSummary fingerprints that set', async () => {
      const store = await open(ROOMY)
      const e1 = await store.put(embedded('e1', [1, 0]))
      const f = await store.put(embedded('f', [0, 1], { embeddingModel: 'f' }))
      const e2 = await store.put(embedded('e2', [0, 1]))
      await store.put(entry('none'))
      const e3 = await store.put(embedded('e3', [0.5, 0.5]))
      const first = await store.vectors('e', 0, 2)
      expect(first.map((v) => v.id)).toEqual([e1.id, e2.id])
      expectVector(first[1]!.embedding, [0, 1])
      expect((await store.vectors('e', e2.id, 2)).map((v) => v.id)).toEqual([e3.id])
      expect(await store.vectors('e', e3.id, 2)).toEqual([])
      expect((await store.vectors('f', 0, 10)).map((v) => v.id)).toEqual([f.id])
      expect(await store.vectorSummary('e')).toEqual({ count: 3, maxId: e3.id, sumId: e1.id + e2.id + e3.id })
      expect(await store.vectorSummary('nobody')).toEqual({ count: 0, maxId: 0, sumId: 0 })
      await store.delete(e3.id)
      expect(await store.vectorSummary('e')).toEqual({ count: 2, maxId: e2.id, sumId: e1.id + e2.id })
    })

    test('list: newest first, filtered by text (% and _ literal), model and age, paged', async () => {
      const store = await open(ROOMY)
      const old = await store.put(entry('old', { prompt: 'apple pie' }))
      await sleep(300)
      const pct = await store.put(entry('pct', { prompt: '100% sure', model: 'm2' }))
      const under = await store.put(embedded('under', undefined, { prompt: 'a_b' }))
      const axb = await store.put(entry('axb', { prompt: 'axb' }))
      const all = await store.list({ limit: 10, offset: 0 })
      expect(all.total).toBe(4)
      expect(all.data.map((s) => s.id)).toEqual([axb.id, under.id, pct.id, old.id])
      expect(all.data[1]).toMatchObject({ endpoint: 'chat', model: 'm', prompt: 'a_b', hits: 0, promptTokens: 1, completionTokens: 2, embedded: true })
      expect(all.data[0]!.embedded).toBe(false)
      expect(Date.parse(all.data[1]!.createdAt)).toBe(under.createdAt)
      expect('answer' in all.data[0]!).toBe(false)
      const ids = async (filter: Partial<EntryFilter>) =>
        (await store.list({ limit: 10, offset: 0, ...filter })).data.map((s) => s.id)
      expect(await ids({ text: '%' })).toEqual([pct.id])
      expect(await ids({ text: 'a_' })).toEqual([under.id])
      expect(await ids({ model: 'm2' })).toEqual([pct.id])
      // Ages in (fractional) seconds: `old` is ≥ 300 ms old, the others a few ms.
      expect(await ids({ maxAgeSeconds: 0.15 })).toEqual([axb.id, under.id, pct.id])
      expect(await ids({ minAgeSeconds: 0.15 })).toEqual([old.id])
      const page = await store.list({ limit: 2, offset: 1 })
      expect(page.total).toBe(4)
      expect(page.data.map((s) => s.id)).toEqual([under.id, pct.id])
      expect((await store.list({ text: 'a', model: 'm', limit: 1, offset: 0 })).total).toBe(3)
    })

    test('purge deletes one model or everything, and says how many went', async () => {
      const store = await open(ROOMY)
      await store.put(entry('a', { model: 'x' }))
      await store.put(entry('b', { model: 'x' }))
      const y = await store.put(entry('c', { model: 'y' }))
      expect(await store.purge('x')).toBe(2)
      expect(await store.count()).toBe(1)
      expect((await store.getByKey('c'))!.id).toBe(y.id)
      expect(await store.purge('x')).toBe(0)
      await store.put(entry('d'))
      expect(await store.purge()).toBe(2)
      expect(await store.count()).toBe(0)
    })

    test('entries yields every live entry in id order; count and delete', async () => {
      const store = await open(ROOMY)
      const made = [await store.put(entry('a')), await store.put(embedded('b')), await store.put(entry('c'))]
      expect(await store.count()).toBe(3)
      expect(await store.delete(made[1]!.id)).toBe(true)
      expect(await store.delete(made[1]!.id)).toBe(false)
      expect(await store.delete(made[2]!.id + 1000)).toBe(false)
      expect(await store.count()).toBe(2)
      const seen = []
      for await (const e of store.entries()) seen.push(e)
      expect(seen.map((e) => [e.id, e.key])).toEqual([
        [made[0]!.id, 'a'],
        [made[2]!.id, 'c'],
      ])
      expect(seen[1]!.answer).toEqual(answer('answer to c'))
    })
  })
}
