// The bench's Anthropic Messages cells (issue 22): its fake upstream answers /v1/messages as Anthropic does,
// so that the real Anthropic SDK reads it (create, and stream() with finalMessage()), and refuses what Anthropic
// refuses (a wrong key, no version); `--chat-only` has no /v1/messages; a whole answer is told from a cut one; the Messages cells take part
// in the rounds they are given (none in the default run); and the report reads them beside the chat cells of
// the same rounds.

import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, UPSTREAM_KEY } from '../../../bench/fake-upstream'
import type { CellResult, MatrixResult } from '../../../bench/matrix'
import { messagesRounds, roundsOf } from '../../../bench/messages-cells'
import { messagesSection } from '../../../bench/report/messages-section'
import { messagesAsk, messagesBody, QUESTION } from '../../../bench/servers'

const MODEL = 'claude-sonnet-4-5'
let native: ReturnType<typeof startFakeUpstream>
let chatOnly: ReturnType<typeof startFakeUpstream>
beforeAll(() => {
  native = startFakeUpstream(0, 0)
  chatOnly = startFakeUpstream(0, 0, 0, true)
})
afterAll(async () => {
  await native.stop(true)
  await chatOnly.stop(true)
})
const client = (server: ReturnType<typeof startFakeUpstream>, apiKey = UPSTREAM_KEY) => new Anthropic({ baseURL: `http://127.0.0.1:${server.port}`, maxRetries: 0, apiKey })
const ask = { model: MODEL, max_tokens: 300, messages: [{ role: 'user' as const, content: QUESTION }] }

describe("the bench fake upstream's /v1/messages", () => {
  test('the Anthropic SDK reads its JSON answer; every message has an id of its own', async () => {
    const first = await client(native).messages.create(ask)
    const second = await client(native).messages.create({ ...ask, messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }] })
    expect(first.content.map((block) => (block.type === 'text' ? block.text : block.type))).toEqual([`Echo: ${QUESTION}`])
    expect(second.content).toEqual(first.content)
    expect(first.model).toBe(MODEL)
    expect(first.stop_reason).toBe('end_turn')
    expect(first.id).toMatch(/^msg_[0-9a-f]{48}$/)
    expect(second.id).not.toBe(first.id)
    expect(first.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 })
  })

  test("the SDK's stream() reads its events, and finalMessage() is the answer", async () => {
    const events: string[] = []
    const stream = client(native).messages.stream(ask)
    stream.on('streamEvent', (event) => void events.push(event.type))
    const final = await stream.finalMessage()
    expect(final.content.map((block) => (block.type === 'text' ? block.text : block.type))).toEqual([`Echo: ${QUESTION}`])
    expect(final.stop_reason).toBe('end_turn')
    expect(final.usage.output_tokens).toBe(7)
    expect(final.id).toMatch(/^msg_[0-9a-f]{48}$/)
    // The SDK hands on every event but Anthropic's keep-alive `ping` (the raw stream, below, has it).
    expect(events).toEqual(['message_start', 'content_block_start', ...Array(7).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop'])
  })

  test("GET /v1/models answers Anthropic's clients (proxy-gpt's start-up check of an anthropic upstream), not OpenAI's", async () => {
    const models = await client(native).models.list()
    expect(models.data.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini'])
    expect(models.data[0]!.type).toBe('model')
    const asOpenAI = await fetch(`http://127.0.0.1:${native.port}/v1/models`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })
    expect(asOpenAI.status).toBe(404)
  })

  test('refused as Anthropic refuses: a wrong key, or no anthropic-version', async () => {
    const wrong = await client(native, 'sk-ant-not-the-key').messages.create(ask).catch((error) => error)
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError)
    expect(wrong.error).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })
    const unversioned = await fetch(`http://127.0.0.1:${native.port}/v1/messages`, { method: 'POST', headers: { 'x-api-key': UPSTREAM_KEY }, body: messagesBody(QUESTION, false) })
    expect(unversioned.status).toBe(400)
    expect(((await unversioned.json()) as any).error.type).toBe('invalid_request_error')
  })

  test('--chat-only: /v1/messages is 404', async () => {
    const refused = await fetch(`http://127.0.0.1:${chatOnly.port}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${UPSTREAM_KEY}`, 'x-api-key': UPSTREAM_KEY, 'anthropic-version': '2023-06-01' },
      body: messagesBody(QUESTION, false),
    })
    expect(refused.status).toBe(404)
  })
})

describe('a whole Messages answer, as the bench checks it before the load', () => {
  const messages = messagesAsk(QUESTION)
  const fetchText = async (stream: boolean) => {
    const response = await fetch(`http://127.0.0.1:${native.port}${messages.path}`, {
      method: 'POST',
      headers: { 'x-api-key': UPSTREAM_KEY, 'anthropic-version': '2023-06-01' },
      body: messages.body(stream),
    })
    return response.text()
  }

  test('a message that ended its turn, or a stream that ends with message_stop', async () => {
    expect(JSON.parse(messages.body(false))).toEqual({ model: 'gpt-4o-mini', max_tokens: 300, messages: [{ role: 'user', content: QUESTION }] })
    expect(JSON.parse(messages.body(true)).stream).toBe(true)
    const [json, stream] = [await fetchText(false), await fetchText(true)]
    expect([...stream.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(7).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(messages.complete(json, false)).toBe(true)
    expect(messages.complete(stream, true)).toBe(true)
  })

  test('not a stream cut before its last event, a message cut at max_tokens, or an error', async () => {
    const stream = await fetchText(true)
    expect(messages.complete(stream.slice(0, stream.lastIndexOf('event: message_stop')), true)).toBe(false)
    const json = JSON.parse(await fetchText(false))
    expect(messages.complete(JSON.stringify({ ...json, stop_reason: 'max_tokens' }), false)).toBe(false)
    expect(messages.complete('{"type":"error","error":{"type":"api_error","message":"Echo: no"}}', false)).toBe(false)
  })
})

describe('the rounds the Messages cells take part in', () => {
  test('the middle ones, none with 0 (the default run), every one when not said', () => {
    expect(messagesRounds({ rounds: 3, messagesRounds: 0 })).toEqual([])
    expect(messagesRounds({ rounds: 3, messagesRounds: 1 })).toEqual([1])
    expect(messagesRounds({ rounds: 1 })).toEqual([0])
    expect(messagesRounds({ rounds: 3 })).toEqual([0, 1, 2])
  })

  test('each target in its own: chat in every round, Responses and Messages in theirs', () => {
    const options = { rounds: 3, responsesRounds: 1, messagesRounds: 0 }
    expect(roundsOf('c', options)).toEqual([0, 1, 2])
    expect(roundsOf('t-r', options)).toEqual([1])
    expect(roundsOf('d-m', options)).toEqual([])
    expect(roundsOf('d-m', { rounds: 4, messagesRounds: 2 })).toEqual([1, 2])
  })
})

describe("the report's Messages section", () => {
  type Round = CellResult['rounds'][number]
  const round = (cpuUs: number, rps = 1000): Round => ({
    rps,
    latency: { n: 1, p50: 1, p90: 1, p99: 1, mean: 1, max: 1 },
    non2xx: 0,
    errors: 0,
    cpuUs,
    systemUs: cpuUs / 3,
    upstreamCpuUs: 0,
  })
  const cell = (target: CellResult['target'], mode: CellResult['mode'], connections: number, rounds: Round[]): CellResult => ({
    target,
    mode,
    connections,
    rounds,
    rps: rounds[0]!.rps,
    p50: 1,
    p99: 1,
    cpuUs: NaN, // the section reads the rounds, never the medians over all of them
    systemUs: NaN,
    upstreamCpuUs: 0,
  })
  /** Chat cells of three rounds whose middle one alone ran beside the Messages cells (round 2 of 3). */
  const matrix = (messagesRounds: number | undefined, withMessages: boolean): MatrixResult => {
    const cpu: Record<string, number[]> = { a: [30, 30, 30], c: [900, 200, 700], d: [500, 100, 300] }
    const cells = (['json', 'stream'] as const).flatMap((mode) =>
      [1, 32].flatMap((n) => [
        ...Object.entries(cpu).map(([id, values]) => cell(id as CellResult['target'], mode, n, values.map((v) => round(v)))),
        ...(withMessages ? [cell('c-m', mode, n, [round(220, 800)]), cell('t-m', mode, n, [round(260, 700)]), cell('d-m', mode, n, [round(120, 2000)])] : []),
      ])
    )
    const options = { latencyMs: 1, connections: [1, 32], warmupS: 0.5, durationS: 2, rounds: 3, responsesRounds: 1, messagesRounds, ttfbRounds: 1, profileS: 1, missRequests: 1, embeddingDelaysMs: [] }
    return { options, cells, ttfb: [], rssMiB: {}, profile: [], portkeyOnNode: { json: '', stream: '', node: '' } }
  }

  test('each comparison against the chat cell of the same round, with how much more CPU per request', () => {
    const text = messagesSection(matrix(1, true))
    expect(text).toContain('Messages exact hit vs chat exact hit, (d-m) against (d), json: **120 µs against 100 µs (+20.0%)** of CPU per request, 2.00× the throughput')
    expect(text).toContain('translated Messages vs chat forward, (t-m) against (c), stream: **260 µs against 200 µs (+30.0%)**')
    expect(text).toContain('native Messages forward vs chat forward, (c-m) against (c), json: **220 µs against 200 µs (+10.0%)**')
    expect(text).toContain('translated Messages vs native Messages forward, (t-m) against (c-m), stream: **260 µs against 220 µs (+18.2%)**')
    expect(text).toContain('in 1 of the 3 rounds (round 2)')
    expect(text).toContain('| (t-m) proxy-gpt, Messages → chat (openai), cache off | stream | 700 |')
    expect(text).toContain('| (d) proxy-gpt, exact hits | json | 1000 | 1.000 | +0.000 | 1000 | 1.000 | 1.000 | 100 (33) | 0 |')
  })

  test('a run without them says why: the default run leaves them to --quick; older results did not have them', () => {
    expect(messagesSection(matrix(0, false))).toContain('_Not measured: the Messages cells take part in `npm run bench -- --quick` only')
    expect(messagesSection(matrix(undefined, false))).toContain('_Not measured: these results were written before the Messages cells existed._')
  })
})
