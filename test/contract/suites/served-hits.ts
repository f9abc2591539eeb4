import { describe, expect, test } from 'bun:test'
import { MAX_SERVED_PER_ACCOUNT, SERVED_HIT_TTL_MS, type ServedHit, type ServedHitStore } from '../../../src/state/served-hits'
import { opener, type Opened } from '../helpers'

// The contract of ServedHitStore (DESIGN §1.11): per account, newest first, `since` inclusive; the newest
// MAX_SERVED_PER_ACCOUNT kept; a record gone a day after its `at`; `forget` drops one entry's records of one
// account; the question embedding comes back bit for bit (a label made from it on another replica is the
// same vector); and what goes in or comes out is the caller's to change.

const T = 1_800_000_000_000
const HOUR = 3_600_000

const exact = (entryId: number, at: number): ServedHit => ({ entryId, match: 'exact', partition: 'p1', at })

function semantic(entryId: number, at: number, question = new Float32Array([0.25, -0.5, 0.125])): ServedHit {
  return { entryId, match: 'semantic', similarity: 0.93, partition: 'p1', questionHash: 'q1x', question, at }
}

const bytes = (vector: Float32Array | undefined) => [...new Uint8Array(vector!.buffer, vector!.byteOffset, vector!.byteLength)]
const ids = (hits: ServedHit[]) => hits.map((hit) => hit.entryId)

/** `make` gets the store's clock, which the suite moves. */
export function servedHitContract(name: string, make: (now: () => number) => Promise<Opened<ServedHitStore>>) {
  describe(name, () => {
    const clock = { now: T }
    const open = opener(async () => {
      clock.now = T
      return make(() => clock.now)
    })

    test('an account never served has no records; forget of one is harmless', async () => {
      const store = await open()
      expect(await store.recent('nobody', 0)).toEqual([])
      await store.forget('nobody', 1)
      expect(await store.recent('nobody', 0)).toEqual([])
    })

    test('recent is newest first, from `since` on (inclusive), whatever order the records came in', async () => {
      const store = await open()
      clock.now = T + 10 * HOUR
      for (const [id, at] of [[1, T + 1000], [3, T + 3000], [2, T + 2000], [4, T + 4000]] as const) await store.record('alice', exact(id, at))
      expect(ids(await store.recent('alice', 0))).toEqual([4, 3, 2, 1])
      expect(ids(await store.recent('alice', T + 2000))).toEqual([4, 3, 2])
      expect(ids(await store.recent('alice', T + 2001))).toEqual([4, 3])
      expect(await store.recent('alice', T + 5000)).toEqual([])
    })

    test('every field comes back; an exact hit has no similarity, question or hash', async () => {
      const store = await open()
      await store.record('alice', semantic(7, T - 10))
      await store.record('alice', exact(8, T - 5))
      const [second, first] = await store.recent('alice', 0)
      expect(second).toEqual(exact(8, T - 5))
      expect(Object.keys(second!).sort()).toEqual(['at', 'entryId', 'match', 'partition'])
      expect(first).toEqual(semantic(7, T - 10))
      expect(first!.question).toBeInstanceOf(Float32Array)
    })

    test('the question vector round-trips bit for bit (no rounding, odd NaNs and -0 kept, a view read from its offset)', async () => {
      const store = await open()
      const raw = new Float32Array(1536)
      for (let i = 0; i < raw.length; i++) raw[i] = Math.sin(i * 12.9898) * 0.0731 + 1e-40 * i
      raw.set([0.1, 1 / 3, -0, 3.4028234e38, 1.17549435e-38, 1e-45, Infinity, -Infinity], 10)
      new DataView(raw.buffer).setUint32(0, 0x7fc00123, true) // a NaN with a payload
      const view = new Float32Array(raw.buffer, 4, 1535) // from byte 4 on: the encoder must honour the offset
      const expected = bytes(view)
      await store.record('alice', semantic(1, T, view))
      const [hit] = await store.recent('alice', 0)
      expect(hit!.question!.length).toBe(1535)
      expect(bytes(hit!.question)).toEqual(expected)

      const withNaN = new Float32Array(4)
      new DataView(withNaN.buffer).setUint32(8, 0xffc0abcd, true)
      await store.record('bob', semantic(2, T, withNaN))
      expect(bytes((await store.recent('bob', 0))[0]!.question)).toEqual(bytes(withNaN))
    })

    test(`at most ${MAX_SERVED_PER_ACCOUNT} records are kept per account: the newest`, async () => {
      const store = await open()
      const extra = 15
      // Recorded in a scrambled order: "newest" is by `at`, not by when the record arrived.
      const order = Array.from({ length: MAX_SERVED_PER_ACCOUNT + extra }, (_, i) => (i * 37) % (MAX_SERVED_PER_ACCOUNT + extra))
      for (const i of order) await store.record('alice', exact(1000 + i, T - HOUR + i))
      const kept = await store.recent('alice', 0)
      expect(kept).toHaveLength(MAX_SERVED_PER_ACCOUNT)
      expect(ids(kept)).toEqual(Array.from({ length: MAX_SERVED_PER_ACCOUNT }, (_, i) => 1000 + MAX_SERVED_PER_ACCOUNT + extra - 1 - i))
      await store.record('alice', exact(1, T))
      expect(ids(await store.recent('alice', 0))[0]).toBe(1)
      expect(await store.recent('alice', 0)).toHaveLength(MAX_SERVED_PER_ACCOUNT)
    })

    test('a record is gone a day after its `at`; one already a day old is not kept', async () => {
      const store = await open()
      await store.record('alice', semantic(1, T))
      await store.record('alice', exact(2, T + HOUR))
      clock.now = T + SERVED_HIT_TTL_MS - 1
      expect(ids(await store.recent('alice', 0))).toEqual([2, 1])
      clock.now = T + SERVED_HIT_TTL_MS
      expect(ids(await store.recent('alice', 0))).toEqual([2])
      expect(ids(await store.recent('alice', T - 1))).toEqual([2])
      await store.record('alice', exact(3, T - 60_000)) // made over a day ago, recorded late
      expect(ids(await store.recent('alice', 0))).toEqual([2])
      clock.now = T + HOUR + SERVED_HIT_TTL_MS
      expect(await store.recent('alice', 0)).toEqual([])
      // The account starts afresh.
      await store.record('alice', exact(4, clock.now))
      expect(ids(await store.recent('alice', 0))).toEqual([4])
    })

    test('forget drops that entry’s records of that account only', async () => {
      const store = await open()
      for (const [id, at] of [[42, 1], [4, 2], [142, 3], [42, 4], [420, 5]] as const) await store.record('alice', semantic(id, T + at))
      await store.record('bob', exact(42, T + 6))
      await store.forget('alice', 42)
      expect(ids(await store.recent('alice', 0))).toEqual([420, 142, 4])
      expect(ids(await store.recent('bob', 0))).toEqual([42])
      await store.forget('alice', 7) // never served: harmless
      expect(ids(await store.recent('alice', 0))).toEqual([420, 142, 4])
      for (const id of [4, 142, 420]) await store.forget('alice', id)
      expect(await store.recent('alice', 0)).toEqual([])
      await store.record('alice', exact(42, T + 7))
      expect(ids(await store.recent('alice', 0))).toEqual([42])
    })

    test('accounts are separate; their names are data', async () => {
      const store = await open()
      const names = ['alice', 'alice:x', '', '__proto__', 'key:*', 'ключ 钥匙', 'a'.repeat(300)]
      for (const [i, account] of names.entries()) await store.record(account, exact(i + 1, T + i))
      for (const [i, account] of names.entries()) expect(ids(await store.recent(account, 0))).toEqual([i + 1])
      // A full account does not push out another's records.
      for (let i = 0; i < MAX_SERVED_PER_ACCOUNT + 5; i++) await store.record('busy', exact(500 + i, T + i))
      expect(ids(await store.recent('alice', 0))).toEqual([1])
    })

    test('concurrent records all land, up to the bound', async () => {
      const store = await open()
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.record('alice', semantic(i + 1, T + (i % 5)))))
      expect(ids(await store.recent('alice', 0)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      // Equal records made at the same moment are two records (a key served the same entry twice).
      await Promise.all([store.record('bob', exact(9, T)), store.record('bob', exact(9, T))])
      expect(ids(await store.recent('bob', 0))).toEqual([9, 9])
      await Promise.all(Array.from({ length: MAX_SERVED_PER_ACCOUNT + 50 }, (_, i) => store.record('carol', exact(i + 1, T + i))))
      const kept = await store.recent('carol', 0)
      expect(kept).toHaveLength(MAX_SERVED_PER_ACCOUNT)
      expect(kept[0]!.entryId).toBe(MAX_SERVED_PER_ACCOUNT + 50)
      expect(kept.at(-1)!.entryId).toBe(51)
    })

    test('what goes in and what comes out is the caller’s to change', async () => {
      const store = await open()
      const hit = semantic(1, T)
      await store.record('alice', hit)
      hit.question![0] = 99
      hit.entryId = 2
      const [read] = await store.recent('alice', 0)
      read!.question![1] = 99
      read!.partition = 'changed'
      expect(await store.recent('alice', 0)).toEqual([semantic(1, T)])
    })
  })
}
