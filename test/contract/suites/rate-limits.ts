import { describe, expect, test } from 'bun:test'
import type { RateLimitResult, RateLimitStore } from '../../../src/state/types'
import { opener, sleep, type Opened } from '../helpers'

// The contract of RateLimitStore. Windows are short and real (no injected clock): a Redis store counts by
// the server's time. Sleeps leave at least 50 ms either side of every window edge.

/** A window long enough that nothing slides out during a test that does not sleep. */
const LONG = 60_000
/** The window of the tests that sleep. */
const W = 400

export function rateLimitContract(name: string, make: () => Promise<Opened<RateLimitStore>>) {
  describe(name, () => {
    const open = opener(make)
    const hits = (store: RateLimitStore, key: string, n: number, limit: number, windowMs = LONG) =>
      Promise.all(Array.from({ length: n }, () => store.hit(key, limit, windowMs)))
    const hitInTurn = async (store: RateLimitStore, key: string, n: number, limit: number, windowMs = LONG) => {
      const results: RateLimitResult[] = []
      for (let i = 0; i < n; i++) results.push(await store.hit(key, limit, windowMs))
      return results
    }

    test('allows `limit` requests, counting remaining down, then refuses', async () => {
      const store = await open()
      const results = await hitInTurn(store, 'k', 4, 3)
      expect(results.map((r) => r.success)).toEqual([true, true, true, false])
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0])
      expect(results.map((r) => r.limit)).toEqual([3, 3, 3, 3])
    })

    test('a token identifies each counted request; a refusal has none', async () => {
      const store = await open()
      const [a, b, refused] = await hitInTurn(store, 'k', 3, 2)
      expect(typeof a!.token).toBe('string')
      expect(typeof b!.token).toBe('string')
      expect(refused!.success).toBe(false)
      expect(refused!.token).toBeUndefined()
    })

    test('retryAfterMs and resetMs lie within the window', async () => {
      const store = await open()
      const [allowed, , refused] = await hitInTurn(store, 'k', 3, 2, W)
      // Allowed now: no wait; the window empties a full window after the newest request.
      expect(allowed!.retryAfterMs).toBe(0)
      expect(allowed!.resetMs).toBeGreaterThan(W - 100)
      expect(allowed!.resetMs).toBeLessThanOrEqual(W)
      // Refused: the oldest request leaves first, the newest last, both about a window from now.
      expect(refused!.retryAfterMs).toBeGreaterThan(W - 100)
      expect(refused!.retryAfterMs).toBeLessThanOrEqual(refused!.resetMs)
      expect(refused!.resetMs).toBeLessThanOrEqual(W)
    })

    test('peek reports the window and counts nothing', async () => {
      const store = await open()
      const empty = await store.peek('k', 2, LONG)
      expect(empty).toMatchObject({ success: true, limit: 2, remaining: 2, retryAfterMs: 0 })
      expect(empty.token).toBeUndefined()
      for (let i = 0; i < 5; i++) await store.peek('k', 2, LONG)
      await store.hit('k', 2, LONG)
      expect((await store.peek('k', 2, LONG)).remaining).toBe(1)
      expect((await store.hit('k', 2, LONG)).success).toBe(true)
      const full = await store.peek('k', 2, LONG)
      expect(full.success).toBe(false)
      expect(full.remaining).toBe(0)
      expect(full.retryAfterMs).toBeGreaterThan(0)
    })

    test('refused requests are not counted', async () => {
      const store = await open()
      const [first] = await hitInTurn(store, 'k', 2, 2)
      for (let i = 0; i < 5; i++) expect((await store.hit('k', 2, LONG)).success).toBe(false)
      // Had the refusals been counted, giving one request back would still leave the window full.
      await store.release('k', first!.token!)
      expect((await store.hit('k', 2, LONG)).success).toBe(true)
    })

    test('release gives exactly one request back', async () => {
      const store = await open()
      const [a] = await hitInTurn(store, 'k', 3, 3)
      expect((await store.hit('k', 3, LONG)).success).toBe(false)
      await store.release('k', a!.token!)
      expect((await store.peek('k', 3, LONG)).remaining).toBe(1)
      const again = await store.hit('k', 3, LONG)
      expect(again).toMatchObject({ success: true, remaining: 0 })
      expect((await store.hit('k', 3, LONG)).success).toBe(false)
    })

    test('the window slides: a request leaves one window after it was counted', async () => {
      const store = await open()
      expect((await store.hit('k', 2, W)).success).toBe(true)
      await sleep(W / 2)
      expect((await store.hit('k', 2, W)).success).toBe(true)
      const refused = await store.hit('k', 2, W)
      expect(refused.success).toBe(false)
      // The first request leaves about W/2 from now, the second a full window from now.
      expect(refused.retryAfterMs).toBeLessThanOrEqual(W / 2 + 10)
      expect(refused.resetMs).toBeGreaterThan(W - 100)
      await sleep(W / 2 + 60)
      // The first request has left, the second has not: one slot (a fixed window would have reset to two).
      const slid = await store.hit('k', 2, W)
      expect(slid).toMatchObject({ success: true, remaining: 0 })
      expect((await store.hit('k', 2, W)).success).toBe(false)
    })

    test('keys are independent', async () => {
      const store = await open()
      await hits(store, 'a', 2, 2)
      expect((await store.hit('a', 2, LONG)).success).toBe(false)
      expect(await store.hit('b', 2, LONG)).toMatchObject({ success: true, remaining: 1 })
      expect((await store.peek('a', 2, LONG)).success).toBe(false)
    })

    test('one key under different limits: each call is held to the limit it names', async () => {
      const store = await open()
      await hitInTurn(store, 'k', 1, 1)
      expect((await store.hit('k', 1, LONG)).success).toBe(false)
      // Whether the two limits share one log is the store's choice; either way 1 < 5 leaves room.
      expect(await store.hit('k', 5, LONG)).toMatchObject({ success: true, limit: 5 })
      expect((await store.hit('k', 1, LONG)).success).toBe(false)
    })

    test('atomic: of 50 concurrent hits against a limit of 7, exactly 7 succeed', async () => {
      const store = await open()
      const results = await hits(store, 'k', 50, 7)
      const allowed = results.filter((r) => r.success)
      expect(allowed).toHaveLength(7)
      // Each admitted request saw the one before it counted.
      expect(allowed.map((r) => r.remaining).sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect(results.filter((r) => !r.success && r.token === undefined)).toHaveLength(43)
      expect((await store.peek('k', 7, LONG)).remaining).toBe(0)
    })
  })
}
