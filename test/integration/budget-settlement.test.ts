import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { chatEstimate, eventually, fakeUsage, usageOf } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// Settlement (DESIGN §1.5): a reservation becomes what the upstream reported — a JSON answer's usage, a
// stream's last usage (asked for with include_usage, withheld from a client that did not ask) — or, without
// one, the estimate (JSON) or what was received (stream). A failed call spends nothing; nothing stays reserved.

const ALICE = 'Hs5Yc0Kv7Ng2Wd9Bo4Xe'
const MAX = 50
const MODEL = 'gpt-4o-mini'
const BUDGET = { tokens: 1_000_000, per: 'day' }

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream()
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', UPSTREAM_ATTEMPTS: '1', ...keysEnv([{ name: 'alice', key: ALICE, budget: BUDGET }]) }, fake)
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})
let before: { spent: number; requests: number }
afterEach(() => {
  fake.keyFault(REAL_KEY, undefined)
  fake.reset()
})

const client = () => proxy.client({ apiKey: ALICE })
const usage = () => usageOf(proxy.url, ALICE)
/** What this test spent, once nothing is reserved any more. */
const settled = async () => {
  const now = await eventually(usage, (u) => u.reserved === 0 && u.today.requests > before.requests)
  return { spent: now.spent - before.spent, today: now.today }
}
const mark = async () => {
  const u = await usage()
  before = { spent: u.spent, requests: u.today.requests }
}
const question = () => uniqueQuestion()
const chunk = (delta: object, extra: object = {}) => ({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1735689600, model: MODEL, choices: [{ index: 0, delta, finish_reason: null }], ...extra })
const finish = (extra: object = {}) => ({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1735689600, model: MODEL, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...extra })
const tokens = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })

describe('JSON answers', () => {
  test('settle to the upstream’s usage', async () => {
    await mark()
    const q = question()
    const answer = await client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: q }], max_tokens: MAX })
    expect(answer.usage?.total_tokens).toBe(fakeUsage(q).tokens)
    const { spent, today } = await settled()
    expect(spent).toBe(fakeUsage(q).tokens)
    expect(today.prompt_tokens).toBeGreaterThanOrEqual(10)
  })

  test('an upstream that reports no usage: settled to the estimate', async () => {
    await mark()
    const q = question()
    fake.fault({ status: 200, body: { id: 'chatcmpl-n', object: 'chat.completion', created: 1, model: MODEL, choices: [{ index: 0, message: { role: 'assistant', content: 'no usage here' }, finish_reason: 'stop' }] } })
    await client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: q }], max_tokens: MAX })
    expect((await settled()).spent).toBe(chatEstimate(q, MAX).tokens)
  })

  test('an upstream error (500) spends nothing and frees the reservation', async () => {
    await mark()
    fake.fault({ status: 500 })
    expect((await sdkError(client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question() }], max_tokens: MAX }))).status).toBe(500)
    const after = await usage()
    expect(after.spent).toBe(before.spent)
    expect(after.reserved).toBe(0)
    // An upstream 400 neither.
    fake.fault({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } })
    expect((await sdkError(client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question() }], max_tokens: MAX }))).status).toBe(400)
    expect(await usage()).toMatchObject({ spent: before.spent, reserved: 0 })
  })
})

describe('streams', () => {
  const stream = (content: string, extra: Record<string, unknown> = {}) =>
    client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: MAX, stream: true, ...extra } as any) as unknown as Promise<AsyncIterable<any>>

  test('settle to the last usage, asked for on the client’s behalf and withheld from it', async () => {
    await mark()
    const q = question()
    const chunks: any[] = []
    for await (const c of await stream(q)) chunks.push(c)
    expect(fake.requests.at(-1)!.json.stream_options).toEqual({ include_usage: true })
    expect(chunks.some((c) => c.usage)).toBe(false)
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true)
    expect((await settled()).spent).toBe(fakeUsage(q).tokens)
  })

  test('a client that asked for usage gets the usage chunk; settled the same', async () => {
    await mark()
    const q = question()
    const chunks: any[] = []
    for await (const c of await stream(q, { stream_options: { include_usage: true } })) chunks.push(c)
    expect(chunks.at(-1).usage).toMatchObject({ total_tokens: fakeUsage(q).tokens })
    expect((await settled()).spent).toBe(fakeUsage(q).tokens)
  })

  test('cut by the client after the first chunks: settled to what was received, nothing left reserved', async () => {
    await mark()
    const q = question()
    fake.fault({ holdAfterChunks: 3 })
    let read = 0
    for await (const _ of await stream(q)) if (++read === 2) break
    const { spent } = await settled()
    const full = chatEstimate(q, MAX)
    expect(spent).toBeGreaterThan(full.promptTokens)
    expect(spent).toBeLessThan(full.tokens)
    expect((await usage()).reserved).toBe(0)
  })

  test('cut by the upstream: settled to what was received', async () => {
    await mark()
    const q = question()
    // Paced, so the headers and the first chunks are out before the cut.
    fake.fault({ cutAfterChunks: 3, chunkDelayMs: 20 })
    const read = async () => {
      for await (const _ of await stream(q));
    }
    await sdkError(read())
    const { spent } = await settled()
    const full = chatEstimate(q, MAX)
    expect(spent).toBeGreaterThan(full.promptTokens)
    expect(spent).toBeLessThan(full.tokens)
  })

  test('an upstream that reports no usage: the prompt as estimated plus the text received', async () => {
    await mark()
    const q = question()
    fake.fault({ events: [chunk({ role: 'assistant', content: 'abcd' }), chunk({ content: 'efgh' }), finish(), '[DONE]'] })
    for await (const _ of await stream(q));
    expect((await settled()).spent).toBe(chatEstimate(q, MAX).promptTokens + Math.ceil(8 / 2))
  })

  test('usage on every chunk, cumulative: the last one', async () => {
    await mark()
    fake.fault({ events: [chunk({ role: 'assistant', content: 'a' }, { usage: tokens(12, 1) }), chunk({ content: 'b' }, { usage: tokens(12, 2) }), finish({ usage: tokens(12, 3) }), '[DONE]'] })
    for await (const _ of await stream(question()));
    expect((await settled()).spent).toBe(15)
  })

  test('zeros on every chunk until the last, cut by the client before it: still what was received, not nothing', async () => {
    await mark()
    const q = question()
    const zero = { usage: tokens(0, 0) }
    fake.fault({ chunkDelayMs: 400, events: [chunk({ role: 'assistant', content: 'Hello there, ' }, zero), chunk({ content: 'general ' }, zero), chunk({ content: 'Kenobi' }, zero), finish({ usage: tokens(30, 7) }), '[DONE]'] })
    for await (const _ of await stream(q)) break
    const { spent } = await settled()
    // The upstream's zeros are no count of what it sent: at least the text that arrived is spent.
    expect(spent).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength('Hello there, ') / 2))
  })
})

describe('the Responses API', () => {
  test('a stream settles to the usage of response.completed', async () => {
    await mark()
    fake.fault({
      events: [
        { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', status: 'in_progress', output: [], usage: null } },
        { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi' },
        { type: 'response.completed', sequence_number: 2, response: { id: 'resp_1', object: 'response', status: 'completed', output: [], usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } } },
      ],
    })
    for await (const _ of await client().responses.create({ model: MODEL, input: 'hi', max_output_tokens: MAX, stream: true }));
    expect((await settled()).spent).toBe(10)
  })

  test('a JSON answer without usage settles to the estimate', async () => {
    await mark()
    // The fake answers with usage, as OpenAI does: this one, from an upstream that leaves it out, has none.
    fake.fault({ status: 200, path: '/v1/responses', body: { id: 'resp_1', object: 'response', status: 'completed', model: MODEL, output: [] } })
    await client().responses.create({ model: MODEL, input: 'hello', max_output_tokens: MAX })
    expect((await settled()).spent).toBe(Math.ceil(Buffer.byteLength('hello') / 2) + 8 + MAX)
  })
})
