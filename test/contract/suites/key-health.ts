import { describe, expect, test } from 'bun:test'
import type { KeyHealthStore } from '../../../src/state/types'
import { opener, type Opened } from '../helpers'

// The contract of KeyHealthStore: cool-downs are per model and only ever lengthen, those over by the time of
// a later one are dropped, a key is disabled (for every model) once (so it is logged once) until enabled,
// and what `get` returns is the caller's to change.

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

    test('coolDown cools for the model; a shorter later one does not shorten it, a longer one lengthens it', async () => {
      const store = await open()
      await store.coolDown('f', 'gpt-4o', T + 1000, T)
      expect((await store.get(['f'])).get('f')).toEqual({ cooling: new Map([['gpt-4o', T + 1000]]) })
      await store.coolDown('f', 'gpt-4o', T + 500, T)
      expect((await store.get(['f'])).get('f')!.cooling.get('gpt-4o')).toBe(T + 1000)
      await store.coolDown('f', 'gpt-4o', T + 2000, T)
      expect((await store.get(['f'])).get('f')!.cooling.get('gpt-4o')).toBe(T + 2000)
    })

    test('a cool-down for one model does not cool the key for another', async () => {
      const store = await open()
      await store.coolDown('f', 'gpt-4.1-nano', T + 5000, T)
      expect((await store.get(['f'])).get('f')!.cooling.has('gpt-4o-mini')).toBe(false)
      await store.coolDown('f', 'gpt-4o-mini', T + 1000, T)
      expect((await store.get(['f'])).get('f')!.cooling).toEqual(new Map([['gpt-4.1-nano', T + 5000], ['gpt-4o-mini', T + 1000]]))
      await store.coolDown('g', 'gpt-4o-mini', T + 9000, T)
      expect((await store.get(['f'])).get('f')!.cooling.get('gpt-4o-mini')).toBe(T + 1000)
    })

    test('cool-downs over by the time of a later one are dropped; a key resting for nothing has no entry', async () => {
      const store = await open()
      await store.coolDown('f', 'a', T + 1000, T)
      await store.coolDown('f', 'b', T + 3000, T)
      await store.coolDown('f', 'c', T + 5000, T + 1000)
      expect((await store.get(['f'])).get('f')!.cooling).toEqual(new Map([['b', T + 3000], ['c', T + 5000]]))
      await store.coolDown('f', 'd', T + 4000, T + 6000) // over already, as are b and c
      expect((await store.get(['f'])).size).toBe(0)
    })

    test('model names are data: any text, the empty name (requests naming none) included', async () => {
      const store = await open()
      const names = ['', '__proto__', 'cool:x', 'reason', 'org/model:free', 'модель 模型']
      for (const [i, name] of names.entries()) await store.coolDown('f', name, T + 1000 + i, T)
      const cooling = (await store.get(['f'])).get('f')!.cooling
      expect([...cooling.keys()].sort()).toEqual([...names].sort())
      expect(cooling.get('reason')).toBe(T + 1003)
      expect((await store.get(['f'])).get('f')!.disabled).toBeUndefined()
    })

    test('get returns the known fingerprints among those asked for', async () => {
      const store = await open()
      await store.coolDown('a', 'm', T, T - 1)
      await store.disable('b', 'revoked', T, T + 60_000)
      const health = await store.get(['a', 'b', 'c'])
      expect([...health.keys()].sort()).toEqual(['a', 'b'])
      expect(health.get('b')).toEqual({ cooling: new Map(), disabled: { reason: 'revoked', since: T, recheckAt: T + 60_000 } })
      expect([...(await store.get(['b'])).keys()]).toEqual(['b'])
    })

    test('disable is the key’s, for every model: true the first time only; enable clears it and keeps the cool-downs', async () => {
      const store = await open()
      await store.coolDown('f', 'gpt-4o', T + 5000, T)
      await store.coolDown('f', 'gpt-4o-mini', T + 3000, T)
      expect(await store.disable('f', 'quota', T, T + 60_000)).toBe(true)
      expect(await store.disable('f', 'quota', T + 1, T + 61_000)).toBe(false)
      expect((await store.get(['f'])).get('f')!.disabled).toMatchObject({ reason: 'quota', since: T })
      // A cool-down while disabled leaves it disabled.
      await store.coolDown('f', 'o3', T + 4000, T)
      expect((await store.get(['f'])).get('f')!.disabled).toMatchObject({ reason: 'quota', since: T })
      await store.enable('f')
      const enabled = (await store.get(['f'])).get('f')
      expect(enabled?.disabled).toBeUndefined()
      expect(enabled?.cooling).toEqual(new Map([['gpt-4o', T + 5000], ['gpt-4o-mini', T + 3000], ['o3', T + 4000]]))
      expect(await store.disable('f', 'revoked', T + 2, T + 62_000)).toBe(true)
    })

    test('enable of a key resting for nothing leaves no entry', async () => {
      const store = await open()
      await store.disable('f', 'quota', T, T + 60_000)
      await store.enable('f')
      expect((await store.get(['f'])).size).toBe(0)
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
      await store.coolDown('f', 'm', T, T - 1)
      await store.disable('f', 'quota', T, T + 60_000)
      const mine = (await store.get(['f'])).get('f')!
      mine.cooling.set('m', 0)
      mine.cooling.set('other', T)
      mine.disabled!.recheckAt = 0
      mine.disabled!.reason = 'changed'
      expect((await store.get(['f'])).get('f')).toEqual({ cooling: new Map([['m', T]]), disabled: { reason: 'quota', since: T, recheckAt: T + 60_000 } })
    })

    test('a refusal given to disable is taken once, never shows in get, and is dropped by enable', async () => {
      const store = await open()
      const refusal = { status: 401, body: '{"error":{"message":"Incorrect API key provided: sk-***.","code":"invalid_api_key"}}' }
      expect(await store.disable('f', '401 Incorrect API key provided: sk-***.', T, T + 60_000, refusal)).toBe(true)
      // A second disable (another replica, the same refusal met again) keeps the first and adds none.
      expect(await store.disable('f', 'other', T + 1, T + 61_000, { status: 403, body: 'forbidden' })).toBe(false)
      expect((await store.get(['f'])).get('f')).toEqual({ cooling: new Map(), disabled: { reason: '401 Incorrect API key provided: sk-***.', since: T, recheckAt: T + 60_000 } })
      const [first, second] = await Promise.all([store.takeRefusal('f'), store.takeRefusal('f')])
      expect([first, second].filter(Boolean)).toEqual([refusal])
      expect(await store.takeRefusal('f')).toBeUndefined()
      expect((await store.get(['f'])).get('f')!.disabled).toBeDefined()

      // Without one (a client saw the refusal itself) there is nothing to take; enable drops a kept one.
      expect(await store.disable('g', 'quota', T, T + 60_000)).toBe(true)
      expect(await store.takeRefusal('g')).toBeUndefined()
      await store.disable('h', 'revoked', T, T + 60_000, refusal)
      await store.enable('h')
      expect(await store.takeRefusal('h')).toBeUndefined()
      expect(await store.disable('h', 'revoked', T + 2, T + 62_000)).toBe(true)
      expect(await store.takeRefusal('h')).toBeUndefined()
      expect(await store.takeRefusal('never-seen')).toBeUndefined()
    })
  })
}
