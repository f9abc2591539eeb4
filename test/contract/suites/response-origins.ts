import { describe, expect, test } from 'bun:test'
import type { IdOrigin, ResponseOriginStore } from '../../../src/state/types'
import { opener, sleep, type Opened } from '../helpers'

// The contract of ResponseOriginStore: an id's origin is there for its lifetime and then gone by itself,
// remembering again replaces it and starts its lifetime anew, and ids and values are data (they come from
// clients and upstreams): no id reaches another's entry, whatever characters it holds. Expiry runs on real
// time, since a Redis store expires by the server's clock.

const DAY = 86_400_000
const TTL = 300

const origin = (upstream: string, fingerprint = `fp-${upstream}`): IdOrigin => ({ upstream, fingerprint })

/** Ids a client could send: patterns, quotes, SQL, separators, control characters, other scripts. */
export const ODD_IDS = [
  '*',
  'resp_*',
  '?',
  '[a-z]*',
  '%',
  '_',
  "'; DROP TABLE origins; --",
  '" OR 1=1 --',
  'resp:kept:x',
  '../../etc/passwd',
  'a b\tc\nd\r\n',
  '\u0000zero',
  'back\\slash',
  '响应_ответ_🙂',
  '\u2028\u2029',
  'x'.repeat(10_000),
]

export function responseOriginContract(name: string, make: () => Promise<Opened<ResponseOriginStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('remember, originOf and forget; an unknown id has no origin', async () => {
      const store = await open()
      expect(await store.originOf('resp_1')).toBeUndefined()
      await store.remember('resp_1', origin('openai'), DAY)
      await store.remember('conv_1', origin('azure', 'fp-2'), DAY)
      expect(await store.originOf('resp_1')).toEqual(origin('openai'))
      expect(await store.originOf('conv_1')).toEqual({ upstream: 'azure', fingerprint: 'fp-2' })
      await store.forget('resp_1')
      expect(await store.originOf('resp_1')).toBeUndefined()
      expect(await store.originOf('conv_1')).toEqual(origin('azure', 'fp-2'))
      // Forgetting what is not there is no error.
      await store.forget('resp_1')
      await store.forget('never-seen')
    })

    test('remembering an id again replaces its origin', async () => {
      const store = await open()
      await store.remember('resp_1', origin('a'), DAY)
      await store.remember('resp_1', origin('b', 'fp-other'), DAY)
      expect(await store.originOf('resp_1')).toEqual(origin('b', 'fp-other'))
    })

    test('an origin expires after its lifetime, by itself; a longer-lived one stays', async () => {
      const store = await open()
      await store.remember('short', origin('a'), TTL)
      await store.remember('long', origin('b'), DAY)
      expect(await store.originOf('short')).toEqual(origin('a'))
      await sleep(TTL + 150)
      expect(await store.originOf('short')).toBeUndefined()
      expect(await store.originOf('long')).toEqual(origin('b'))
      // An expired id can be remembered afresh.
      await store.remember('short', origin('c'), DAY)
      expect(await store.originOf('short')).toEqual(origin('c'))
    })

    test('remembering again starts the lifetime anew', async () => {
      const store = await open()
      await store.remember('resp_1', origin('a'), TTL)
      await sleep(TTL / 2 + 50)
      await store.remember('resp_1', origin('a'), TTL)
      await sleep(TTL / 2 + 50)
      // Past the first lifetime, within the second.
      expect(await store.originOf('resp_1')).toEqual(origin('a'))
      await sleep(TTL / 2 + 50)
      expect(await store.originOf('resp_1')).toBeUndefined()
    })

    test('ids are data: each odd id reaches its own entry and no other', async () => {
      const store = await open()
      await store.remember('resp_plain', origin('plain'), DAY)
      for (const [i, id] of ODD_IDS.entries()) await store.remember(id, origin(`u${i}`), DAY)
      for (const [i, id] of ODD_IDS.entries()) expect(await store.originOf(id)).toEqual(origin(`u${i}`))
      expect(await store.originOf('resp_plain')).toEqual(origin('plain'))
      // Patterns match nothing but themselves; forgetting them leaves the others.
      for (const id of ['*', 'resp_*', '%', '_', '[a-z]*', '?']) await store.forget(id)
      expect(await store.originOf('resp_plain')).toEqual(origin('plain'))
      expect(await store.originOf("'; DROP TABLE origins; --")).toEqual(origin(`u${ODD_IDS.indexOf("'; DROP TABLE origins; --")}`))
      expect(await store.originOf('resp_')).toBeUndefined()
      expect(await store.originOf('zero')).toBeUndefined()
      expect(await store.originOf('x'.repeat(9_999))).toBeUndefined()
    })

    test('upstream names and fingerprints come back as they were, whatever characters they hold', async () => {
      const store = await open()
      const odd = origin('上游 "deepseek"\n\\ {"x":1} \u0000', "fp'; --\t🙂")
      await store.remember('resp_1', odd, DAY)
      expect(await store.originOf('resp_1')).toEqual(odd)
    })

    test('many ids at once are each remembered', async () => {
      const store = await open()
      const ids = Array.from({ length: 2_000 }, (_, i) => `resp_${i.toString(36).padStart(8, '0')}`)
      await Promise.all(ids.map((id, i) => store.remember(id, origin(`u${i % 7}`, `fp${i}`), DAY)))
      const found = await Promise.all(ids.map((id) => store.originOf(id)))
      expect(found).toEqual(ids.map((_, i) => origin(`u${i % 7}`, `fp${i}`)))
    })

    test('origins cross by copy, both ways', async () => {
      const store = await open()
      const mine = origin('a')
      await store.remember('resp_1', mine, DAY)
      mine.upstream = 'changed'
      const got = (await store.originOf('resp_1'))!
      expect(got).toEqual(origin('a'))
      got.fingerprint = 'changed'
      expect(await store.originOf('resp_1')).toEqual(origin('a'))
    })
  })
}
