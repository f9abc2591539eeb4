import { describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { Stream } from 'openai/core/streaming'
import type { ChatCompletionChunk } from 'openai/resources/chat/completions'
import type { Completion } from 'openai/resources/completions'
import type { StoredAnswer } from '../../../../src/openai/answer'
import { newAnswerId, replayJson, replaySse as replaySseText, textPieces } from '../../../../src/dialects/chat/replay'
import {
  decode, byteByByte, chunked, record, chunksOf, CREATED, head, USAGE, TEXT_STREAM, WEATHER_ARGS, TIME_ARGS, TOOL_STREAM,
  TWO_CHOICES_STREAM, COMPLETION_STREAM, chatAnswer, TEXT_ANSWER, TOOLS_ANSWER, TWO_CHOICES_ANSWER, REFUSAL_ANSWER,
  FUNCTION_CALL_ANSWER, CJK_ANSWER, EMPTY_ANSWER, NO_USAGE_ANSWER, REASONING_ANSWER, COMPLETION_ANSWER, EMBEDDING_ANSWER
} from '../../../helpers/sse-fixtures'

/** The replayed stream as the bytes a client receives. */
const replaySse = (...args: Parameters<typeof replaySseText>) => new TextEncoder().encode(replaySseText(...args))

describe('replayJson', () => {
  const NOW = 1_767_225_600_123

  test('chat: fresh id, created in seconds, everything else as stored', () => {
    const body = replayJson(TEXT_ANSWER, NOW)
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/)
    expect(body.id).not.toBe(TEXT_ANSWER.body.id)
    expect(replayJson(TEXT_ANSWER, NOW).id).not.toBe(body.id)
    expect(body.created).toBe(1_767_225_600)
    expect(body.object).toBe('chat.completion')
    expect(body.model).toBe('gpt-4o-2024-08-06')
    expect(body.choices).toEqual(TEXT_ANSWER.body.choices)
    expect(body.usage).toEqual(USAGE)
    expect(body.system_fingerprint).toBe('fp_f9f4fb6dbf')
    expect(TEXT_ANSWER.body.id).toBe('chatcmpl-Stored0000000000000000000000') // the stored answer is untouched
  })

  test('completions: cmpl- id', () => {
    const body = replayJson(COMPLETION_ANSWER, NOW)
    expect(body.id).toMatch(/^cmpl-[A-Za-z0-9]{29}$/)
    expect(body.object).toBe('text_completion')
    expect(body.choices).toEqual(COMPLETION_ANSWER.body.choices)
  })

  test('embeddings: as stored', () => {
    expect(replayJson(EMBEDDING_ANSWER, NOW)).toEqual(EMBEDDING_ANSWER.body)
  })

  test('created defaults to the current time', () => {
    const before = Math.floor(Date.now() / 1000)
    const created = replayJson(TEXT_ANSWER).created
    expect(created).toBeGreaterThanOrEqual(before)
    expect(created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
  })

  test('a recorded real-looking stream replays as a proper chat.completion', () => {
    const body = replayJson(record('chat', chunked(TOOL_STREAM, 13)).finish()!, NOW)
    expect(body).toMatchObject({
      object: 'chat.completion',
      created: 1_767_225_600,
      model: head.model,
      service_tier: 'default',
      system_fingerprint: 'fp_0aa8d3e20b',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_weather1' }, { id: 'call_time2' }] },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 19, completion_tokens: 40, total_tokens: 59 },
    })
    expect(body.id).toMatch(/^chatcmpl-/)
    expect(JSON.stringify(body)).not.toContain('obfuscation')
  })

  test('newAnswerId', () => {
    expect(newAnswerId('chat')).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/)
    expect(newAnswerId('completions')).toMatch(/^cmpl-[A-Za-z0-9]{29}$/)
    expect(new Set(Array.from({ length: 200 }, () => newAnswerId('chat'))).size).toBe(200)
  })
})

describe('replaySse', () => {
  const NOW = 1_767_225_600_999

  test('chat: every event is `data: <json>\\n\\n`, ending with [DONE]', () => {
    const text = decode(replaySse(TEXT_ANSWER, { includeUsage: true }, NOW))
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    const events = text.split('\n\n').slice(0, -1)
    for (const event of events) expect(event).toMatch(/^data: \S/)
    for (const event of events.slice(0, -1)) expect(() => JSON.parse(event.slice(6))).not.toThrow()
  })

  test('chat: role chunk, several content chunks, finish chunk; shared id, object, created, model, fingerprint', () => {
    const chunks = chunksOf(replaySse(TEXT_ANSWER, { includeUsage: false }, NOW))
    const ids = new Set(chunks.map((c) => c.id))
    expect(ids.size).toBe(1)
    expect([...ids][0]).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/)
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', created: 1_767_225_600, model: 'gpt-4o-2024-08-06', system_fingerprint: 'fp_f9f4fb6dbf', service_tier: 'default' })
      expect('usage' in chunk).toBe(false)
    }
    expect(chunks[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])
    const content = chunks.slice(1, -1).map((c) => c.choices[0].delta.content)
    expect(content.length).toBeGreaterThanOrEqual(3)
    expect(content.join('')).toBe(TEXT_ANSWER.body.choices[0].message.content)
    expect(chunks.at(-1).choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])
  })

  test('includeUsage: a final chunk with choices [] and the stored usage; usage: null before it', () => {
    const chunks = chunksOf(replaySse(TEXT_ANSWER, { includeUsage: true }, NOW))
    const last = chunks.at(-1)
    expect(last.choices).toEqual([])
    expect(last.usage).toEqual(USAGE)
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull()
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
  })

  test('includeUsage with no stored usage: no usage chunk', () => {
    const chunks = chunksOf(replaySse(NO_USAGE_ANSWER, { includeUsage: true }, NOW))
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true)
  })

  test('two words make at least two content chunks; one word one chunk; empty content none', () => {
    const contentChunks = (content: string) =>
      chunksOf(replaySse(chatAnswer({ content }), { includeUsage: false }, NOW))
        .map((c) => c.choices[0]?.delta.content)
        .filter((c) => c !== undefined && c !== '')
    expect(contentChunks('Hello world')).toEqual(['Hello ', 'world'])
    expect(contentChunks('Hello')).toEqual(['Hello'])
    expect(contentChunks('')).toEqual([])
  })

  test('tool calls: a head chunk per call, then the arguments in pieces', () => {
    const chunks = chunksOf(replaySse(TOOLS_ANSWER, { includeUsage: false }, NOW))
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: null })
    const calls = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? [])
    const heads = calls.filter((call) => call.id)
    expect(heads).toEqual([
      { index: 0, id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: '' } },
    ])
    const pieces = (index: number) => calls.filter((call) => call.index === index && !call.id).map((call) => call.function.arguments)
    expect(pieces(0).length).toBeGreaterThanOrEqual(2)
    expect(pieces(0).join('')).toBe(WEATHER_ARGS)
    expect(pieces(1).join('')).toBe(TIME_ARGS)
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' })
  })

  test('completions: text_completion chunks, finish_reason on the last of each choice', () => {
    const chunks = chunksOf(replaySse(COMPLETION_ANSWER, { includeUsage: true }, NOW))
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'text_completion', created: 1_767_225_600, model: 'gpt-3.5-turbo-instruct' })
    expect(chunks[0].id).toMatch(/^cmpl-[A-Za-z0-9]{29}$/)
    const text = (index: number) => chunks.flatMap((c) => c.choices.filter((ch: any) => ch.index === index).map((ch: any) => ch.text))
    expect(text(0).length).toBeGreaterThanOrEqual(3)
    expect(text(0).join('')).toBe(COMPLETION_ANSWER.body.choices[0].text)
    expect(text(1).join('')).toBe(' there lived a dragon.')
    for (const chunk of chunks.slice(0, -1)) expect(Object.keys(chunk.choices[0]).sort()).toEqual(['finish_reason', 'index', 'logprobs', 'text'])
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: COMPLETION_ANSWER.body.usage })
  })

  test('embeddings have no stream form', () => {
    expect(() => replaySse(EMBEDDING_ANSWER, { includeUsage: false })).toThrow()
  })

  test('textPieces concatenate back to the exact text', () => {
    const samples = ['', ' ', '  lead and trail  ', 'a\n\nb\tc', 'one two three four five six seven', '東京は日本の首都です。'.repeat(5), '👨‍👩‍👧 emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀', 'https://example.com/a/very/long/url/without/any/space']
    for (const sample of samples) {
      const pieces = textPieces(sample)
      expect(pieces.join('')).toBe(sample)
      for (const piece of pieces) expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/) // no split surrogate pair
    }
    expect(textPieces('東京は日本の首都です。'.repeat(5)).length).toBeGreaterThanOrEqual(2)
  })
})

describe('round trip: replaySse → StreamRecorder', () => {
  const cases: [string, StoredAnswer][] = [
    ['text', TEXT_ANSWER],
    ['tool calls', TOOLS_ANSWER],
    ['n=2', TWO_CHOICES_ANSWER],
    ['refusal', REFUSAL_ANSWER],
    ['legacy function_call', FUNCTION_CALL_ANSWER],
    ['CJK text', CJK_ANSWER],
    ['empty content', EMPTY_ANSWER],
    ['no usage', NO_USAGE_ANSWER],
    ['reasoning_content extra', REASONING_ANSWER],
    ['annotations', chatAnswer({ content: 'See the source.', annotations: [{ type: 'url_citation', url_citation: { start_index: 8, end_index: 14, title: 'Src', url: 'https://example.com' } }] })],
    ['logprobs', { endpoint: 'chat', body: { ...TEXT_ANSWER.body, choices: [{ ...TEXT_ANSWER.body.choices[0], logprobs: { content: [{ token: 'The', logprob: -0.1, bytes: [84, 104, 101], top_logprobs: [] }], refusal: null } }] } }],
    ['completions', COMPLETION_ANSWER],
  ]

  for (const [name, answer] of cases) {
    test(name, () => {
      for (const includeUsage of [true, false]) {
        const replayed = replaySse(answer, { includeUsage })
        const recorder = record(answer.endpoint as 'chat' | 'completions', byteByByte(replayed))
        const back = recorder.finish()
        expect(back).toBeDefined()
        expect(back!.endpoint).toBe(answer.endpoint)
        expect(back!.body.choices).toEqual(answer.body.choices)
        expect(back!.body.model).toBe(answer.body.model)
        expect(back!.body.object).toBe(answer.body.object)
        expect(back!.body.usage).toEqual(includeUsage ? answer.body.usage : undefined)
        expect(recorder.sawUsage).toBe(includeUsage && answer.body.usage !== undefined)
      }
    })
  }

  test('recorded upstream stream → replay → record again gives the same answer (but a new id)', () => {
    for (const [endpoint, stream] of [['chat', TEXT_STREAM], ['chat', TOOL_STREAM], ['chat', TWO_CHOICES_STREAM], ['completions', COMPLETION_STREAM]] as const) {
      const first = record(endpoint, stream).finish()!
      const second = record(endpoint, replaySse(first, { includeUsage: true }, CREATED * 1000)).finish()!
      expect({ ...second.body, id: first.body.id }).toEqual(first.body)
      expect(second.body.id).not.toBe(first.body.id)
    }
  })
})

describe('the openai SDK reads replayed streams', () => {
  async function sdkChunks<T>(data: Uint8Array): Promise<T[]> {
    const controller = new AbortController()
    const stream = Stream.fromSSEResponse<T>(new Response(data, { headers: { 'content-type': 'text/event-stream' } }), controller)
    const chunks: T[] = []
    for await (const chunk of stream) chunks.push(chunk)
    return chunks
  }

  /** A client whose fetch never leaves the process: every request gets `body`. */
  const clientAnswering = (body: Uint8Array) =>
    new OpenAI({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:1/v1',
      maxRetries: 0,
      fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    })

  test('Stream.fromSSEResponse yields every chunk (chat and completions)', async () => {
    const data = replaySse(TOOLS_ANSWER, { includeUsage: true })
    const chunks = await sdkChunks<ChatCompletionChunk>(data)
    expect(chunks).toEqual(chunksOf(data))
    expect(chunks.at(-1)!.usage).toEqual(USAGE as any)
    const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).filter((t) => t.index === 0)
    expect(args.map((t) => t.function?.arguments ?? '').join('')).toBe(WEATHER_ARGS)

    const text = await sdkChunks<Completion>(replaySse(COMPLETION_ANSWER, { includeUsage: false }))
    expect(text.flatMap((c) => c.choices.filter((ch) => ch.index === 0).map((ch) => ch.text)).join('')).toBe(COMPLETION_ANSWER.body.choices[0].text)
  })

  test("the SDK's chat stream helper rebuilds the stored message", async () => {
    for (const answer of [TEXT_ANSWER, TOOLS_ANSWER, TWO_CHOICES_ANSWER, REFUSAL_ANSWER]) {
      const client = clientAnswering(replaySse(answer, { includeUsage: true }))
      const final = await client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }).finalChatCompletion()
      expect(final.choices.map((c) => [c.index, c.finish_reason, c.message.content, c.message.refusal, c.message.tool_calls])).toEqual(
        answer.body.choices.map((c: any) => [c.index, c.finish_reason, c.message.content, c.message.refusal, c.message.tool_calls])
      )
      expect(final.usage).toEqual(USAGE as any)
    }
  })

  test('client.chat.completions.create({ stream: true }) iterates a replay', async () => {
    const client = clientAnswering(replaySse(TEXT_ANSWER, { includeUsage: false }))
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true })
    let content = ''
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? ''
    expect(content).toBe(TEXT_ANSWER.body.choices[0].message.content)
  })
})
