// The bench's Responses cells (issue 21): its fake upstream answers /v1/responses as OpenAI does, so that
// the real clients read it (JSON, the SDK's stream helper, the AI SDK's stream); `--chat-only` refuses it,
// so (t-r) can only pass through translation; a whole answer is told from a cut one; and the report reads
// the Responses cells beside the chat cells of the same rounds.

import { createOpenAI } from '@ai-sdk/openai'
import { streamText } from 'ai'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { startFakeUpstream, UPSTREAM_KEY } from '../../../bench/fake-upstream'
import type { CellResult, MatrixResult } from '../../../bench/matrix'
import { responsesSection } from '../../../bench/report/responses-section'
import { responsesRounds } from '../../../bench/responses-cells'
import { QUESTION, responsesAsk } from '../../../bench/servers'

const MODEL = 'gpt-4o-mini'
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
const client = (server: ReturnType<typeof startFakeUpstream>) => new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: UPSTREAM_KEY, maxRetries: 0 })

describe("the bench fake upstream's /v1/responses", () => {
  test('the openai SDK reads its JSON answer; every response has ids of its own', async () => {
    const first = await client(native).responses.create({ model: MODEL, input: [{ role: 'user', content: [{ type: 'input_text', text: QUESTION }] }] })
    const second = await client(native).responses.create({ model: MODEL, input: QUESTION })
    expect(first.output_text).toBe(`Echo: ${QUESTION}`)
    expect(second.output_text).toBe(`Echo: ${QUESTION}`)
    expect(first.status).toBe('completed')
    expect(first.id).toMatch(/^resp_[0-9a-f]{48}$/)
    expect(second.id).not.toBe(first.id)
    expect(second.output[0]!.id).not.toBe(first.output[0]!.id)
    expect(first.usage).toMatchObject({ input_tokens: 12, output_tokens: 7, total_tokens: 19 })
  })

  test("the SDK's stream helper reads its events, numbered from 0, and finalResponse() is the answer", async () => {
    const events: any[] = []
    const stream = client(native).responses.stream({ model: MODEL, input: QUESTION, max_output_tokens: 300 })
    stream.on('event', (event) => void events.push(event))
    const final = await stream.finalResponse()
    expect(final.output_text).toBe(`Echo: ${QUESTION}`)
    expect(final.max_output_tokens).toBe(300)
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(7).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(new Set(events.flatMap((e) => (e.response ? [e.response.id] : []))).size).toBe(1)
  })

  test("the AI SDK's default OpenAI provider streams its text", async () => {
    const provider = createOpenAI({ baseURL: `http://127.0.0.1:${native.port}/v1`, apiKey: UPSTREAM_KEY })
    const result = streamText({ model: provider(MODEL), prompt: QUESTION })
    expect(await result.text).toBe(`Echo: ${QUESTION}`)
    expect((await result.usage).outputTokens).toBe(7)
  })

  test('--chat-only: /v1/responses is 404, chat still answers', async () => {
    const refused = await client(chatOnly).responses.create({ model: MODEL, input: QUESTION }).catch((error) => error)
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError)
    const chat = await client(chatOnly).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: QUESTION }] })
    expect(chat.choices[0]!.message.content).toBe(`Echo: ${QUESTION}`)
  })
})

describe('a whole Responses answer, as the bench checks it before the load', () => {
  const ask = responsesAsk(QUESTION)
  const fetchText = async (stream: boolean) => {
    const response = await fetch(`http://127.0.0.1:${native.port}${ask.path}`, { method: 'POST', headers: { authorization: `Bearer ${UPSTREAM_KEY}` }, body: ask.body(stream) })
    return response.text()
  }

  test('a completed JSON response, or a stream that ends with response.completed', async () => {
    const [json, stream] = [await fetchText(false), await fetchText(true)]
    expect(ask.complete(json, false)).toBe(true)
    expect(ask.complete(stream, true)).toBe(true)
  })

  test('not a stream cut before its last event, an incomplete response, or an error', async () => {
    const stream = await fetchText(true)
    expect(ask.complete(stream.slice(0, stream.lastIndexOf('event: response.completed')), true)).toBe(false)
    const json = JSON.parse(await fetchText(false))
    expect(ask.complete(JSON.stringify({ ...json, status: 'incomplete' }), false)).toBe(false)
    expect(ask.complete('{"error":{"message":"Echo: no"}}', false)).toBe(false)
  })
})

describe('the rounds the Responses cells take part in', () => {
  test('the middle ones of the run, or every one when not said', () => {
    expect(responsesRounds({ rounds: 3, responsesRounds: 1 })).toEqual([1])
    expect(responsesRounds({ rounds: 4, responsesRounds: 2 })).toEqual([1, 2])
    expect(responsesRounds({ rounds: 1, responsesRounds: 1 })).toEqual([0])
    expect(responsesRounds({ rounds: 3 })).toEqual([0, 1, 2])
  })
})

describe("the report's Responses section", () => {
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
  /** Chat cells of three rounds whose middle one alone ran beside the Responses cells (round 2 of 3). */
  const matrix = (withResponses: boolean): MatrixResult => {
    const cpu: Record<string, number[]> = { a: [30, 30, 30], c: [900, 200, 900], d: [500, 100, 500] }
    const cells = (['json', 'stream'] as const).flatMap((mode) =>
      [1, 32].flatMap((n) => [
        ...Object.entries(cpu).map(([id, values]) => cell(id as CellResult['target'], mode, n, values.map((v) => round(v)))),
        ...(withResponses ? [cell('c-r', mode, n, [round(250)]), cell('t-r', mode, n, [round(300)]), cell('d-r', mode, n, [round(110)])] : []),
      ])
    )
    const options = { latencyMs: 1, connections: [1, 32], warmupS: 0.5, durationS: 2, rounds: 3, responsesRounds: 1, ttfbRounds: 1, profileS: 1, missRequests: 1, embeddingDelaysMs: [] }
    return { options, cells, ttfb: [], rssMiB: {}, profile: [], portkeyOnNode: { json: '', stream: '', node: '' } }
  }

  test('each comparison against the chat cell of the same round, with how much more CPU per request', () => {
    const text = responsesSection(matrix(true))
    expect(text).toContain('Responses exact hit vs chat exact hit, (d-r) against (d), json: **110 µs against 100 µs (+10.0%)**')
    expect(text).toContain('translated Responses vs native Responses forward, (t-r) against (c-r), stream: **300 µs against 250 µs (+20.0%)**')
    expect(text).toContain('native Responses forward vs chat forward, (c-r) against (c), json: **250 µs against 200 µs (+25.0%)**')
    expect(text).toContain('in 1 of the 3 rounds (round 2)')
    expect(text).toContain('| (t-r) proxy-gpt, Responses → chat (openai-chat), cache off | stream |')
  })

  test('results written before the Responses cells say so', () => {
    expect(responsesSection(matrix(false))).toContain('_Not measured: these results were written before the Responses cells existed._')
  })
})
