import { describe, expect, test } from 'bun:test'
import type { KeyStore, StoredKey } from '../../../src/state/types'
import { eventually, opener, sleep, type Opened } from '../helpers'

// The contract of KeyStore: names and hashes are unique, listeners hear of every change (a networked
// store's may arrive a moment later: `eventually`) and of nothing else, and objects cross by copy.

const T = 1_800_000_000_000

const key = (name: string, hash = `hash-of-${name}`, settings: Record<string, unknown> = { rpm: 10 }): StoredKey => ({
  name,
  hash,
  settings,
  createdAt: T,
  updatedAt: T,
})

/** Counts listener calls; `quiet()` waits long enough for a late notification to have arrived. */
function counter(store: KeyStore) {
  const seen = { calls: 0 }
  const unsubscribe = store.subscribe(() => seen.calls++)
  return { seen, unsubscribe, quiet: () => sleep(50) }
}

export function keyStoreContract(name: string, make: () => Promise<Opened<KeyStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('create, get, and list sorted by name', async () => {
      const store = await open()
      expect(await store.list()).toEqual([])
      for (const n of ['b', 'c', 'a']) expect(await store.create(key(n))).toBe(true)
      expect(await store.get('b')).toEqual(key('b'))
      expect(await store.get('missing')).toBeUndefined()
      expect((await store.list()).map((k) => k.name)).toEqual(['a', 'b', 'c'])
      expect((await store.list())[0]).toEqual(key('a'))
    })

    test('create refuses a name or a hash that exists already', async () => {
      const store = await open()
      await store.create(key('a', 'h1'))
      expect(await store.create(key('a', 'h2'))).toBe(false)
      expect(await store.create(key('b', 'h1'))).toBe(false)
      expect(await store.list()).toEqual([key('a', 'h1')])
    })

    test('findByHash finds a key by its hash, follows updates, and forgets a deleted one', async () => {
      const store = await open()
      await store.create(key('a', 'h1'))
      await store.create(key('b', 'h2'))
      expect(await store.findByHash('h2')).toEqual(key('b', 'h2'))
      expect(await store.findByHash('h3')).toBeUndefined()
      await store.update('b', { rpm: 5 }, T + 1)
      expect((await store.findByHash('h2'))!.settings).toEqual({ rpm: 5 })
      await store.delete('b')
      expect(await store.findByHash('h2')).toBeUndefined()
      const found = (await store.findByHash('h1'))!
      found.settings.rpm = 99
      expect((await store.findByHash('h1'))!.settings).toEqual({ rpm: 10 })
    })

    test('update replaces the settings and updatedAt; a missing name gives undefined', async () => {
      const store = await open()
      await store.create(key('a'))
      const updated = await store.update('a', { rpm: 20, models: ['m'] }, T + 5)
      expect(updated).toEqual({ ...key('a'), settings: { rpm: 20, models: ['m'] }, updatedAt: T + 5 })
      expect(await store.get('a')).toEqual(updated)
      expect(await store.update('missing', {}, T)).toBeUndefined()
      expect(await store.get('missing')).toBeUndefined()
    })

    test('delete removes a key and frees its name and hash', async () => {
      const store = await open()
      await store.create(key('a', 'h'))
      await store.create(key('b'))
      expect(await store.delete('a')).toBe(true)
      expect(await store.delete('a')).toBe(false)
      expect(await store.get('a')).toBeUndefined()
      expect((await store.list()).map((k) => k.name)).toEqual(['b'])
      expect(await store.create(key('a', 'h'))).toBe(true)
    })

    test('subscribe hears every change, nothing for a refused one, and nothing after unsubscribe', async () => {
      const store = await open()
      const { seen, unsubscribe, quiet } = counter(store)
      const heard = async (change: () => Promise<unknown>) => {
        const before = seen.calls
        await change()
        await eventually(() => expect(seen.calls).toBeGreaterThan(before))
      }
      const unheard = async (change: () => Promise<unknown>) => {
        await quiet()
        const before = seen.calls
        await change()
        await quiet()
        expect(seen.calls).toBe(before)
      }
      await heard(() => store.create(key('a')))
      await unheard(() => store.create(key('a')))
      await heard(() => store.update('a', { rpm: 1 }, T + 1))
      await unheard(() => store.update('missing', { rpm: 1 }, T + 1))
      await heard(() => store.delete('a'))
      await unheard(() => store.delete('a'))
      unsubscribe()
      await unheard(() => store.create(key('b')))
    })

    test('objects cross by copy, both ways', async () => {
      const store = await open()
      const mine = key('a', 'h', { rpm: 10, models: ['m'] })
      await store.create(mine)
      ;(mine.settings.models as string[]).push('changed')
      mine.hash = 'changed'
      const got = (await store.get('a'))!
      expect(got).toEqual(key('a', 'h', { rpm: 10, models: ['m'] }))
      got.settings.rpm = 99
      ;(await store.list())[0]!.settings.rpm = 98
      expect((await store.get('a'))!.settings).toEqual({ rpm: 10, models: ['m'] })
      const settings: Record<string, unknown> = { rpm: 20 }
      const updated = (await store.update('a', settings, T + 1))!
      settings.rpm = 97
      updated.settings.rpm = 96
      expect((await store.get('a'))!.settings).toEqual({ rpm: 20 })
    })
  })
}
