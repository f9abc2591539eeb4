import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { keysEnv } from '../helpers/named-keys'
import { eventually, usageOf } from '../helpers/budget'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// A real upstream's timing decides how its events fall into reads. Whatever it is — each event in its own
// write with pauses between, events cut at any byte, a body that ends after `[DONE]` — a client that did not
// ask for usage gets every event but the usage one and `[DONE]`, the answer is stored, and the call settles.

const MODEL = 'gpt-4o-mini'
const ALICE = 'Qm3Vx8Lr1Tz6Pw4Kc9Hn'
const chunk = (delta: object, finish: string | null = null) => ({ id: 'chatcmpl-w', object: 'chat.completion.chunk', created: 1735689600, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })
const usageChunk = { id: 'chatcmpl-w', object: 'chat.completion.chunk', created: 1735689600, model: MODEL, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }
const EVENTS = [chunk({ role: 'assistant', content: 'Hello' }), chunk({ content: ' there' }), chunk({}, 'stop'), usageChunk, '[DONE]']

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream()
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SEMANTIC: 'false', ...keysEnv([{ name: 'alice', key: ALICE, budget: { tokens: 1_000_000, per: 'day' } }]) }, fake)
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})

/** The raw body a client gets, failing the test rather than hanging when `[DONE]` never comes. */
async function streamed(question: string, key?: string) {
  const response = await postJson(`${proxy.url}/v1/chat/completions`, { model: MODEL, stream: true, messages: [{ role: 'user', content: question }] }, key ? auth(key) : auth())
  const text = await Promise.race([response.text(), Bun.sleep(4000).then(() => 'TIMED OUT')])
  return { response, text }
}

const cases: Array<[string, { chunkDelayMs?: number; splitBytes?: number; endLagMs?: number }]> = [
  ['each event in its own write, 30 ms apart (the usage chunk alone)', { chunkDelayMs: 30 }],
  ['events cut every 7 bytes', { splitBytes: 7, chunkDelayMs: 1 }],
  ['events cut every byte', { splitBytes: 1 }],
  ['a body that ends 200 ms after [DONE]', { chunkDelayMs: 10, endLagMs: 200 }],
]

describe('a stream whose usage chunk the client did not ask for', () => {
  for (const [name, timing] of cases) {
    test(`${name}: ends with [DONE], is stored and replayed`, async () => {
      const question = `stream writes: ${name}`
      fake.fault({ events: EVENTS, ...timing })
      const { response, text } = await streamed(question)
      expect(response.headers.get('x-cache')).toBe('MISS')
      expect(text).not.toBe('TIMED OUT')
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
      expect(text).toContain('Hello')
      expect(text).not.toContain('"usage"')
      // Stored once complete: the same question is now a hit.
      await eventually(
        async () => (await streamed(question)).response.headers.get('x-cache'),
        (cache) => cache === 'HIT'
      )
    })
  }

  test('a metered key settles the call from the hidden usage chunk', async () => {
    const before = await usageOf(proxy.url, ALICE)
    fake.fault({ events: EVENTS, chunkDelayMs: 30 })
    const { text } = await streamed('stream writes: metered', ALICE)
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
    const after = await eventually(
      () => usageOf(proxy.url, ALICE),
      (u) => u.reserved === 0 && u.today.requests > before.today.requests
    )
    expect(after.spent - before.spent).toBe(11)
  })
})
