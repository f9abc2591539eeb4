import { describe, expect, test } from 'bun:test'
import type { BudgetStore } from '../../../src/state/types'
import { opener, sleep, type Opened } from '../helpers'

// The contract of BudgetStore: a reservation is admitted only while settled spend, what others hold and
// its own amount fit the limit, in one atomic step. Reservations expire on real time (a short TTL).

const P = 'month:2026-12'
/** Long enough that no reservation expires during a test that does not sleep. */
const HOLD = 60_000

export function budgetContract(name: string, make: () => Promise<Opened<BudgetStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('reserves while spent + reserved + amount ≤ limit; a refusal reserves nothing', async () => {
      const store = await open()
      const first = await store.reserve('k', P, 4, 10, HOLD)
      expect(first).toMatchObject({ ok: true, spent: 0, reserved: 4 })
      expect(typeof first.id).toBe('string')
      const exact = await store.reserve('k', P, 6, 10, HOLD) // up to the limit itself
      expect(exact).toMatchObject({ ok: true, spent: 0, reserved: 10 })
      expect(exact.id).not.toBe(first.id)
      const refused = await store.reserve('k', P, 0.5, 10, HOLD)
      expect(refused).toMatchObject({ ok: false, spent: 0, reserved: 10 })
      expect(refused.id).toBeUndefined()
      expect(await store.spent('k', P)).toEqual({ spent: 0, reserved: 10 })
      // A higher limit admits more of the same reservations.
      expect((await store.reserve('k', P, 0.5, 11, HOLD)).ok).toBe(true)
    })

    test('settle turns a reservation into what the request cost', async () => {
      const store = await open()
      const held = await store.reserve('k', P, 5, 10, HOLD)
      await store.settle('k', P, held.id!, 3)
      expect(await store.spent('k', P)).toEqual({ spent: 3, reserved: 0 })
      expect(await store.reserve('k', P, 7, 10, HOLD)).toMatchObject({ ok: true, spent: 3, reserved: 7 })
      expect((await store.reserve('k', P, 0.01, 10, HOLD)).ok).toBe(false)
    })

    test('release drops a reservation, spending nothing', async () => {
      const store = await open()
      const a = await store.reserve('k', P, 6, 10, HOLD)
      const b = await store.reserve('k', P, 4, 10, HOLD)
      await store.release('k', P, a.id!)
      expect(await store.spent('k', P)).toEqual({ spent: 0, reserved: 4 })
      await store.settle('k', P, b.id!, 1)
      expect(await store.spent('k', P)).toEqual({ spent: 1, reserved: 0 })
    })

    test('reservations expire by themselves after ttlMs', async () => {
      const store = await open()
      await store.reserve('k', P, 8, 10, 200)
      const lasting = await store.reserve('k', P, 2, 10, HOLD)
      expect((await store.reserve('k', P, 1, 10, HOLD)).ok).toBe(false)
      await sleep(300)
      expect(await store.spent('k', P)).toEqual({ spent: 0, reserved: 2 })
      expect(await store.reserve('k', P, 8, 10, HOLD)).toMatchObject({ ok: true, reserved: 10 })
      expect(lasting.ok).toBe(true)
    })

    test('spend adds without a reservation and counts against the limit', async () => {
      const store = await open()
      await store.spend('k', P, 2)
      await store.spend('k', P, 3.5)
      expect(await store.spent('k', P)).toEqual({ spent: 5.5, reserved: 0 })
      expect(await store.reserve('k', P, 1, 6, HOLD)).toMatchObject({ ok: false, spent: 5.5, reserved: 0 })
      expect(await store.reserve('k', P, 0.5, 6, HOLD)).toMatchObject({ ok: true, spent: 5.5, reserved: 0.5 })
    })

    test('keys and periods are independent', async () => {
      const store = await open()
      await store.spend('a', P, 9)
      await store.reserve('a', P, 1, 10, HOLD)
      expect(await store.spent('a', 'month:2027-01')).toEqual({ spent: 0, reserved: 0 })
      expect(await store.spent('b', P)).toEqual({ spent: 0, reserved: 0 })
      expect((await store.reserve('b', P, 10, 10, HOLD)).ok).toBe(true)
      expect((await store.reserve('a', 'day:2026-12-01', 10, 10, HOLD)).ok).toBe(true)
      expect(await store.spent('a', P)).toEqual({ spent: 9, reserved: 1 })
    })

    test('reset forgets the spend and reservations of one key, in every period', async () => {
      const store = await open()
      await store.spend('a', P, 3)
      await store.spend('a', 'day:2026-12-01', 1)
      await store.reserve('a', P, 2, 10, HOLD)
      await store.spend('ab', P, 4) // a key whose name starts like the reset one's
      await store.spend('b', P, 5)
      await store.reset('a')
      expect(await store.spent('a', P)).toEqual({ spent: 0, reserved: 0 })
      expect(await store.spent('a', 'day:2026-12-01')).toEqual({ spent: 0, reserved: 0 })
      expect(await store.spent('ab', P)).toEqual({ spent: 4, reserved: 0 })
      expect(await store.spent('b', P)).toEqual({ spent: 5, reserved: 0 })
    })

    test('atomic: of 30 concurrent reservations of 1 against a limit of 5, exactly 5 are admitted', async () => {
      const store = await open()
      const results = await Promise.all(Array.from({ length: 30 }, () => store.reserve('k', P, 1, 5, HOLD)))
      const admitted = results.filter((r) => r.ok)
      expect(admitted).toHaveLength(5)
      expect(new Set(admitted.map((r) => r.id)).size).toBe(5)
      expect(await store.spent('k', P)).toEqual({ spent: 0, reserved: 5 })
    })
  })
}
