import { describe, expect, test } from 'bun:test'
import type { KeptResponse, KeptResponseStore } from '../../../src/state/types'
import { opener, sleep, type Opened } from '../helpers'
import { ODD_IDS } from './response-origins'

// The contract of KeptResponseStore: a kept response comes back exactly as it was put (JSON values, odd
// characters and megabytes of input items included) for its lifetime and then is gone by itself; a put
// replaces the response of that id and its lifetime; ids are data. Expiry runs on real time (a Redis store
// expires by the server's clock).

const DAY = 86_400_000
const TTL = 300
const T = 1_800_000_000

const kept = (id: string, text = `answer of ${id}`, extra: Partial<KeptResponse> = {}): KeptResponse => ({
  id,
  owner: 'alice',
  response: {
    id,
    object: 'response',
    created_at: T,
    status: 'completed',
    model: 'deepseek-chat',
    output: [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: { input_tokens: 12, output_tokens: 3, total_tokens: 15, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    metadata: null,
    temperature: 0.7,
    parallel_tool_calls: true,
  },
  input: [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: `question of ${id}` }] },
    { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
    { type: 'function_call_output', call_id: 'call_1', output: '42' },
  ],
  createdAt: T,
  ...extra,
})

/** Text with everything JSON, SQL, Lua and RESP could trip on. */
const ODD_TEXT = 'quotes " \' ` ; -- /* */ \\ \\u0000 \u0000 \r\n\t \u2028\u2029 中文 🙂 $1 %s {{x}} ]] [[ \x7f *3\r\n$3 end'
/** Not UTF-8 at all: a client's JSON may hold them, and the response and input items carry them as JSON does. */
const LONE_SURROGATES = '\ud800 lone \udfff'

export function keptResponseContract(name: string, make: () => Promise<Opened<KeptResponseStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('put, get and delete; an unknown id gives nothing', async () => {
      const store = await open()
      expect(await store.get('resp_1')).toBeUndefined()
      await store.put(kept('resp_1'), DAY)
      await store.put(kept('resp_2'), DAY)
      expect(await store.get('resp_1')).toEqual(kept('resp_1'))
      expect(await store.delete('resp_1')).toBe(true)
      expect(await store.delete('resp_1')).toBe(false)
      expect(await store.get('resp_1')).toBeUndefined()
      expect(await store.get('resp_2')).toEqual(kept('resp_2'))
      expect(await store.delete('never-seen')).toBe(false)
    })

    test('a put replaces the response of the same id', async () => {
      const store = await open()
      await store.put(kept('resp_1', 'first'), DAY)
      const second = kept('resp_1', 'second', { owner: 'bob', input: [], createdAt: T + 5 })
      await store.put(second, DAY)
      expect(await store.get('resp_1')).toEqual(second)
    })

    test('exactly the fields of a kept response are kept', async () => {
      const store = await open()
      const withMore = { ...kept('resp_1'), extra: 'not a field', response: { ...kept('resp_1').response, gone: undefined } }
      await store.put(withMore, DAY)
      expect(await store.get('resp_1')).toEqual(kept('resp_1'))
      expect(Object.keys((await store.get('resp_1'))!).sort()).toEqual(['createdAt', 'id', 'input', 'owner', 'response'])
    })

    test('a response expires after its lifetime, by itself; a longer-lived one stays', async () => {
      const store = await open()
      await store.put(kept('short'), TTL)
      await store.put(kept('long'), DAY)
      expect(await store.get('short')).toEqual(kept('short'))
      await sleep(TTL + 150)
      expect(await store.get('short')).toBeUndefined()
      expect(await store.delete('short')).toBe(false)
      expect(await store.get('long')).toEqual(kept('long'))
    })

    test('a put starts the lifetime anew, a longer or a shorter one', async () => {
      const store = await open()
      await store.put(kept('resp_1'), TTL)
      await sleep(TTL / 2 + 50)
      await store.put(kept('resp_1', 'again'), TTL)
      await sleep(TTL / 2 + 50)
      expect(await store.get('resp_1')).toEqual(kept('resp_1', 'again'))
      await sleep(TTL / 2 + 50)
      expect(await store.get('resp_1')).toBeUndefined()
      // Put again with a short lifetime, a long-lived one ends with it.
      await store.put(kept('resp_2'), DAY)
      await store.put(kept('resp_2'), TTL)
      await sleep(TTL + 150)
      expect(await store.get('resp_2')).toBeUndefined()
    })

    test('values come back exactly: odd characters, numbers, null, nesting', async () => {
      const store = await open()
      const odd = kept('resp_1', ODD_TEXT + LONE_SURROGATES, {
        owner: `owner ${ODD_TEXT}`,
        input: [ODD_TEXT, LONE_SURROGATES, 0, -1.5, 1e-7, 2 ** 53 - 1, true, false, null, [], {}, { [ODD_TEXT]: [[[{ deep: ODD_TEXT }]]] }],
        createdAt: T + 0.5,
      })
      await store.put(odd, DAY)
      const got = (await store.get('resp_1'))!
      expect(got).toEqual(JSON.parse(JSON.stringify(odd)))
      expect((got.response as any).output[0].content[0].text).toBe(ODD_TEXT + LONE_SURROGATES)
      expect(got.owner).toBe(`owner ${ODD_TEXT}`)
    })

    test('a megabyte of input items, and a single item of a megabyte', async () => {
      const store = await open()
      const items = Array.from({ length: 4_000 }, (_, i) => ({ type: 'message', role: i % 2 ? 'assistant' : 'user', content: [{ type: 'input_text', text: `${i} ${'lorem ipsum '.repeat(20)}` }] }))
      const big = kept('resp_big', 'x', { input: items })
      expect(JSON.stringify(big.input).length).toBeGreaterThan(1_000_000)
      await store.put(big, DAY)
      const huge = kept('resp_huge', '界'.repeat(1_100_000), { input: [{ type: 'message', role: 'user', content: 'y'.repeat(1_100_000) }] })
      await store.put(huge, DAY)
      expect(await store.get('resp_big')).toEqual(big)
      expect(await store.get('resp_huge')).toEqual(huge)
    })

    test('ids are data: each odd id reaches its own response and no other', async () => {
      const store = await open()
      await store.put(kept('resp_plain'), DAY)
      for (const [i, id] of ODD_IDS.entries()) await store.put(kept(id, `answer ${i}`), DAY)
      for (const [i, id] of ODD_IDS.entries()) expect(await store.get(id)).toEqual(kept(id, `answer ${i}`))
      for (const id of ['*', 'resp_*', '%', '_', '[a-z]*', '?']) expect(await store.delete(id)).toBe(true)
      expect(await store.get('resp_plain')).toEqual(kept('resp_plain'))
      expect(await store.get('resp_')).toBeUndefined()
      expect(await store.get('zero')).toBeUndefined()
      expect(await store.delete('*')).toBe(false)
      expect(await store.get("'; DROP TABLE kept; --")).toBeUndefined()
      expect(await store.get("'; DROP TABLE origins; --")).toEqual(kept("'; DROP TABLE origins; --", `answer ${ODD_IDS.indexOf("'; DROP TABLE origins; --")}`))
    })

    test('responses cross by copy, both ways', async () => {
      const store = await open()
      const mine = kept('resp_1')
      await store.put(mine, DAY)
      ;(mine.input as unknown[]).push('changed')
      mine.response.status = 'changed'
      const got = (await store.get('resp_1'))!
      expect(got).toEqual(kept('resp_1'))
      ;(got.input as unknown[]).length = 0
      got.owner = 'mallory'
      expect(await store.get('resp_1')).toEqual(kept('resp_1'))
    })
  })
}
