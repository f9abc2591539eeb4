import { describe, expect, test } from 'bun:test'
import type { KeyHealthStore } from '../../../src/state/types'
import { opener, type Opened } from '../helpers'

// The contract of KeyHealthStore: cool-downs only ever lengthen, a key is disabled once (so it is logged
// once) until enabled, and what `get` returns is the caller's to change.

const T = 1_800_000_000_000

export function keyHealthContract(name: string, make: () => Promise<Opened<KeyHealthStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('unknown fingerprints have no entry', async () => {
      const store = await open()
      const health = await store.get(['f1', 'f2'])
      expect(health.size).toBe(0)
      expect((await store.get([])).size).toBe(0)
    })

    test('coolDown sets coolingUntil; a shorter later one does not shorten it, a longer one lengthens it', async () => {
      const store = await open()
      await store.coolDown('f', T + 1000)
      expect((await store.get(['f'])).get('f')).toEqual({ coolingUntil: T + 1000 })
      await store.coolDown('f', T + 500)
      expect((await store.get(['f'])).get('f')!.coolingUntil).toBe(T + 1000)
      await store.coolDown('f', T + 2000)
      expect((await store.get(['f'])).get('f')!.coolingUntil).toBe(T + 2000)
    })

    test('get returns the known fingerprints among those asked for', async () => {
      const store = await open()
      await store.coolDown('a', T)
      await store.disable('b', 'revoked', T, T + 60_000)
      const health = await store.get(['a', 'b', 'c'])
      expect([...health.keys()].sort()).toEqual(['a', 'b'])
      expect(health.get('b')).toEqual({ coolingUntil: 0, disabled: { reason: 'revoked', since: T, recheckAt: T + 60_000 } })
      expect([...(await store.get(['b'])).keys()]).toEqual(['b'])
    })

    test('disable is true the first time only; enable clears it and keeps the cool-down', async () => {
      const store = await open()
      await store.coolDown('f', T + 5000)
      expect(await store.disable('f', 'quota', T, T + 60_000)).toBe(true)
      expect(await store.disable('f', 'quota', T + 1, T + 61_000)).toBe(false)
      expect((await store.get(['f'])).get('f')!.disabled).toMatchObject({ reason: 'quota', since: T })
      await store.enable('f')
      const enabled = (await store.get(['f'])).get('f')
      expect(enabled?.disabled).toBeUndefined()
      expect(enabled?.coolingUntil).toBe(T + 5000)
      expect(await store.disable('f', 'revoked', T + 2, T + 62_000)).toBe(true)
    })

    test('postpone moves the recheck of a disabled key, and disables nothing', async () => {
      const store = await open()
      await store.disable('f', 'quota', T, T + 60_000)
      await store.postpone('f', T + 120_000)
      expect((await store.get(['f'])).get('f')!.disabled).toEqual({ reason: 'quota', since: T, recheckAt: T + 120_000 })
      await store.postpone('other', T + 120_000)
      expect((await store.get(['other'])).get('other')?.disabled).toBeUndefined()
      await store.enable('never-seen') // harmless
      expect((await store.get(['never-seen'])).get('never-seen')?.disabled).toBeUndefined()
    })

    test('get returns copies: changing them changes nothing stored', async () => {
      const store = await open()
      await store.coolDown('f', T)
      await store.disable('f', 'quota', T, T + 60_000)
      const mine = (await store.get(['f'])).get('f')!
      mine.coolingUntil = 0
      mine.disabled!.recheckAt = 0
      mine.disabled!.reason = 'changed'
      expect((await store.get(['f'])).get('f')).toEqual({ coolingUntil: T, disabled: { reason: 'quota', since: T, recheckAt: T + 60_000 } })
    })
  })
}
