import { describe, expect, test } from 'bun:test'
import { MAX_LABELS_PER_ENTRY, type CacheEntryStore, type EntryLabel, type NewEntry } from '../../../src/state/cache-entries'
import { opener, sleep, type Opened } from '../helpers'
import type { CacheEntryOptions } from './cache-entries'

// The labels part of the CacheEntryStore contract (DESIGN §1.11): an entry's refutations and confirmations
// live with it, in every store the same way, and go when it goes.

const ROOMY: CacheEntryOptions = { ttlMs: 60_000, maxEntries: 100 }
const TTL = 300

const entry = (key: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  key,
  partition: 'p',
  endpoint: 'chat',
  model: 'm',
  prompt: `prompt of ${key}`,
  answer: { endpoint: 'chat', body: { choices: [{ index: 0, message: { role: 'assistant', content: key }, finish_reason: 'stop' }] } },
  embedding: Float32Array.from([0.5, 0.5, -0.5, 0.5]),
  embeddingModel: 'e',
  ...extra,
})

const wrong = (at: number, extra: Partial<EntryLabel> = {}): EntryLabel => ({ verdict: 'wrong', similarity: 0.875, source: 'refresh', at, ...extra })

/** Values an f16 (the entries' own vectors) would round, and -0: a copy that is not bit for bit shows. */
const QUESTION = Float32Array.from([0.1, 1 / 3, -0, 1e-7, 123456.789, -2.5e-38, Math.PI, -1])
const bits = (vector: Float32Array | undefined) => [...new Uint32Array(Float32Array.from(vector ?? []).buffer)]

async function labelsOf(store: CacheEntryStore, id: number): Promise<EntryLabel[]> {
  return (await store.getById(id))?.labels ?? []
}

async function exported(store: CacheEntryStore) {
  const seen: Array<{ id: number; labels: EntryLabel[] }> = []
  for await (const e of store.entries()) seen.push({ id: e.id, labels: e.labels ?? [] })
  return seen
}

const labelledIds = async (store: CacheEntryStore) => (await store.labelled()).map((l) => l.id).sort((a, b) => a - b)

export function cacheLabelContract(name: string, make: (options: CacheEntryOptions) => Promise<Opened<CacheEntryStore>>) {
  describe(`${name}: labels`, () => {
    const open = opener(make)

    test('addLabel on a live entry: true, and seen in getById, getByKey, candidates, entries() and labelled()', async () => {
      const store = await open(ROOMY)
      const judged = await store.put(entry('a', { partition: 'pa' }))
      const other = await store.put(entry('b'))
      expect(await store.candidates([other.id])).toMatchObject([{ id: other.id, labels: [] }])
      expect(await store.labelled()).toEqual([])

      expect(await store.addLabel(judged.id, wrong(1000))).toBe(true)
      expect(await store.addLabel(judged.id, { verdict: 'right', similarity: null, source: 'owner', at: 2000 })).toBe(true)
      const labels: EntryLabel[] = [wrong(1000), { verdict: 'right', similarity: null, source: 'owner', at: 2000 }]
      expect(await labelsOf(store, judged.id)).toEqual(labels)
      expect((await store.getByKey('a'))!.labels).toEqual(labels)
      const candidates = await store.candidates([judged.id, other.id])
      expect(candidates.find((c) => c.id === judged.id)!.labels).toEqual(labels)
      expect(candidates.find((c) => c.id === other.id)!.labels).toEqual([])
      expect(await exported(store)).toEqual([
        { id: judged.id, labels },
        { id: other.id, labels: [] },
      ])
      expect(await store.labelled()).toEqual([{ id: judged.id, partition: 'pa', labels }])
      expect(await store.count()).toBe(2)
    })

    test('addLabel on a missing or expired entry: false, and nothing is made', async () => {
      const store = await open({ ttlMs: TTL, maxEntries: 100 })
      expect(await store.addLabel(12345, wrong(1))).toBe(false)
      const old = await store.put(entry('old'))
      await sleep(TTL + 100)
      expect(await store.addLabel(old.id, wrong(2))).toBe(false)
      expect(await store.getById(12345)).toBeUndefined()
      expect(await store.getById(old.id)).toBeUndefined()
      expect(await store.labelled()).toEqual([])
      const fresh = await store.put(entry('fresh'))
      expect(await store.count()).toBeLessThanOrEqual(2) // the expired one may still be counted until a sweep
      await store.sweep()
      expect(await store.count()).toBe(1)
      expect(await store.candidates([fresh.id])).toMatchObject([{ id: fresh.id, labels: [] }])
    })

    test(`the newest ${MAX_LABELS_PER_ENTRY} are kept, oldest first`, async () => {
      const store = await open(ROOMY)
      const a = await store.put(entry('a'))
      for (let at = 1; at <= MAX_LABELS_PER_ENTRY + 5; at++) expect(await store.addLabel(a.id, wrong(at, { verdict: at % 2 ? 'wrong' : 'right' }))).toBe(true)
      const kept = await labelsOf(store, a.id)
      expect(kept.map((l) => l.at)).toEqual(Array.from({ length: MAX_LABELS_PER_ENTRY }, (_, i) => i + 6))
      expect(kept[0]!.verdict).toBe('right')
      expect((await store.candidates([a.id]))[0]!.labels).toEqual(kept)
    })

    test('the question vector comes back bit for bit, wherever the label is read', async () => {
      const store = await open(ROOMY)
      const a = await store.put(entry('a'))
      await store.addLabel(a.id, wrong(1, { question: QUESTION, similarity: 0.8125 }))
      await store.addLabel(a.id, wrong(2)) // none: stays without one
      const read = [await labelsOf(store, a.id), (await store.candidates([a.id]))[0]!.labels, (await store.labelled())[0]!.labels, (await exported(store))[0]!.labels]
      for (const labels of read) {
        expect(labels[0]!.question).toBeInstanceOf(Float32Array)
        expect(bits(labels[0]!.question)).toEqual(bits(QUESTION))
        expect(labels[0]!.similarity).toBe(0.8125)
        expect(labels[1]!.question).toBeUndefined()
      }
    })

    test('labels go with their entry: delete, purge of a model and of all, and a put under the same key', async () => {
      const store = await open(ROOMY)
      const [a, b, c, d] = [await store.put(entry('a')), await store.put(entry('b', { model: 'x' })), await store.put(entry('c')), await store.put(entry('d'))]
      for (const e of [a, b, c, d]) await store.addLabel(e.id, wrong(e.id))
      expect(await labelledIds(store)).toEqual([a.id, b.id, c.id, d.id])
      await store.delete(a.id)
      expect(await labelledIds(store)).toEqual([b.id, c.id, d.id])
      await store.purge('x')
      expect(await labelledIds(store)).toEqual([c.id, d.id])

      const fresh = await store.put(entry('c', { prompt: 'a fresh answer to c' }))
      expect(await labelledIds(store)).toEqual([d.id])
      expect((await store.getByKey('c'))!.labels ?? []).toEqual([])
      expect(await labelsOf(store, fresh.id)).toEqual([])
      expect(await store.candidates([fresh.id])).toMatchObject([{ labels: [] }])
      expect(await store.addLabel(c.id, wrong(9))).toBe(false) // the replaced id is no entry any more

      await store.purge()
      expect(await store.labelled()).toEqual([])
    })

    test('labels go with their entry when a sweep drops it: expired, then least recently used', async () => {
      const store = await open({ ttlMs: TTL, maxEntries: 2 })
      const old = await store.put(entry('old'))
      await store.addLabel(old.id, wrong(1))
      await sleep(TTL + 100)
      await store.sweep()
      expect(await store.labelled()).toEqual([])

      const a = await store.put(entry('a'))
      await store.addLabel(a.id, wrong(2))
      await sleep(20)
      const b = await store.put(entry('b'))
      await store.addLabel(b.id, wrong(3))
      await store.put(entry('c')) // beyond two: a, the least recently used, goes
      await store.sweep()
      expect(await store.getById(a.id)).toBeUndefined()
      expect(await labelledIds(store)).toEqual([b.id])
    })

    test('a put with labels (an import) keeps them, the newest ones; an empty list is none', async () => {
      const store = await open(ROOMY)
      const many = Array.from({ length: MAX_LABELS_PER_ENTRY + 3 }, (_, i) => wrong(i, { question: i === MAX_LABELS_PER_ENTRY + 2 ? QUESTION : undefined }))
      const imported = await store.put(entry('a', { partition: 'pi', labels: many }))
      const plain = await store.put(entry('b', { labels: [] }))
      const kept = await labelsOf(store, imported.id)
      expect(kept.map((l) => l.at)).toEqual(many.slice(-MAX_LABELS_PER_ENTRY).map((l) => l.at))
      expect(bits(kept.at(-1)!.question)).toEqual(bits(QUESTION))
      expect((await store.labelled()).map((l) => [l.id, l.partition, l.labels.length])).toEqual([[imported.id, 'pi', MAX_LABELS_PER_ENTRY]])
      expect(await labelsOf(store, plain.id)).toEqual([])
      expect(await store.addLabel(imported.id, wrong(1000))).toBe(true)
      expect((await labelsOf(store, imported.id)).at(-1)!.at).toBe(1000)
    })

    test('ten labels added at once all land', async () => {
      const store = await open(ROOMY)
      const a = await store.put(entry('a'))
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.addLabel(a.id, wrong(i + 1))))
      expect(results).toEqual(Array(10).fill(true))
      expect((await labelsOf(store, a.id)).map((l) => l.at).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    })
  })
}
