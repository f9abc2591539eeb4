import { describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { Stream } from 'openai/core/streaming'
import type { ChatCompletionChunk } from 'openai/resources/chat/completions'
import type { Completion } from 'openai/resources/completions'
import { usageOf, type StoredAnswer } from '../../src/cache/answer'
import { StreamRecorder } from '../../src/streaming/record'
import { newAnswerId, replayJson, replaySse, textPieces } from '../../src/streaming/replay'
import { SseParser } from '../../src/streaming/sse-parser'

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)
const decode = (data: Uint8Array) => new TextDecoder().decode(data)

/** Every single byte as its own chunk: the harshest split a socket could produce. */
const byteByByte = (data: Uint8Array) => Array.from(data, (byte) => Uint8Array.of(byte))

/** `data` cut into chunks of `size` bytes. */
function chunked(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size))
  return chunks
}

function parseAll(parser: SseParser, chunks: (Uint8Array | string)[]): string[] {
  return chunks.flatMap((chunk) => parser.push(chunk))
}

function record(endpoint: 'chat' | 'completions', chunks: Uint8Array[] | Uint8Array): StreamRecorder {
  const recorder = new StreamRecorder(endpoint)
  for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) recorder.push(chunk)
  return recorder
}

/** The JSON chunks of an SSE body, without `[DONE]`. */
function chunksOf(data: Uint8Array): any[] {
  return new SseParser()
    .push(data)
    .filter((event) => event !== '[DONE]')
    .map((event) => JSON.parse(event))
}

const sse = (events: (object | string)[]) =>
  bytes(events.map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`).join(''))

// ---------------------------------------------------------------------------------------------------------
// Hand-written fixtures in the shapes OpenAI really streams (chat.completion.chunk with `usage: null` on every
// chunk under include_usage, `obfuscation` padding, a role chunk with `content: ""` and `refusal: null`).

const CREATED = 1735689600
const head = { id: 'chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012', object: 'chat.completion.chunk', created: CREATED, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_0aa8d3e20b' }
const chatChunk = (choices: object[], extra: object = {}) => ({ ...head, choices, usage: null, obfuscation: 'Zx9', ...extra })
const delta = (d: object, finish_reason: string | null = null, index = 0) => ({ index, delta: d, logprobs: null, finish_reason })

const USAGE = {
  prompt_tokens: 19,
  completion_tokens: 10,
  total_tokens: 29,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
}

const TEXT_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: '', refusal: null })]),
  chatChunk([delta({ content: 'Bonjour' })]),
  chatChunk([delta({ content: '! Ça' })]),
  chatChunk([delta({ content: ' va 😀' })]),
  chatChunk([delta({ content: '?' })]),
  chatChunk([delta({}, 'stop')]),
  { ...head, choices: [], usage: USAGE, obfuscation: 'q' },
  '[DONE]',
])

const WEATHER_ARGS = '{"location": "Paris, France", "unit": "celsius"}'
const TIME_ARGS = '{"timezone":"Europe/Paris"}'
const TOOL_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_weather1', type: 'function', function: { name: 'get_weather', arguments: '' } }], refusal: null })]),
  // Arguments split mid-token, mid-string, mid-escape-free JSON, as the model emits them.
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"loc' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'ation": "Par' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'is, France", "un' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'it": "celsius"}' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, id: 'call_time2', type: 'function', function: { name: 'get_time', arguments: '' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, function: { arguments: '{"time' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, function: { arguments: 'zone":"Europe/Paris"}' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  { ...head, choices: [], usage: { ...USAGE, completion_tokens: 40, total_tokens: 59 } },
  '[DONE]',
])

const TWO_CHOICES_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: '' }, null, 0)]),
  chatChunk([delta({ role: 'assistant', content: '' }, null, 1)]),
  chatChunk([delta({ content: 'Red' }, null, 0)]),
  chatChunk([delta({ content: 'Blue' }, null, 1)]),
  chatChunk([delta({ content: ' apple' }, null, 1)]),
  chatChunk([delta({ content: ' rose' }, null, 0)]),
  chatChunk([delta({}, 'stop', 1)]),
  chatChunk([delta({}, 'length', 0)]),
  '[DONE]',
])

const completionHead = { id: 'cmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012', object: 'text_completion', created: CREATED, model: 'gpt-3.5-turbo-instruct' }
const completionChunk = (text: string, finish_reason: string | null = null, index = 0) => ({ ...completionHead, choices: [{ text, index, logprobs: null, finish_reason }] })
const COMPLETION_STREAM = sse([
  completionChunk('\n\n'),
  completionChunk('This is'),
  completionChunk(' a test'),
  completionChunk('.'),
  completionChunk('', 'stop'),
  { ...completionHead, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
  '[DONE]',
])

// Stored answers in OpenAI's non-streamed shapes.
const chatAnswer = (message: object, finish_reason = 'stop', extra: object = {}): StoredAnswer => ({
  endpoint: 'chat',
  body: {
    id: 'chatcmpl-Stored0000000000000000000000',
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason }],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: 'fp_f9f4fb6dbf',
    ...extra,
  },
})

const TEXT_ANSWER = chatAnswer({ content: 'The capital of France is Paris.  It sits on the Seine,\nand is known for the Eiffel Tower. 🗼' })
const TOOLS_ANSWER = chatAnswer(
  {
    content: null,
    tool_calls: [
      { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: WEATHER_ARGS } },
      { id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: TIME_ARGS } },
    ],
  },
  'tool_calls'
)
const TWO_CHOICES_ANSWER: StoredAnswer = {
  endpoint: 'chat',
  body: {
    ...TEXT_ANSWER.body,
    choices: [
      { index: 0, message: { role: 'assistant', content: 'First answer, with words.', refusal: null }, logprobs: null, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: 'Second one, cut', refusal: null }, logprobs: null, finish_reason: 'length' },
    ],
  },
}
const REFUSAL_ANSWER = chatAnswer({ content: null, refusal: "I'm sorry, I can't help with that request." })
const FUNCTION_CALL_ANSWER = chatAnswer({ content: null, function_call: { name: 'lookup', arguments: '{"q":"weather in Paris"}' } }, 'function_call')
const CJK_ANSWER = chatAnswer({ content: '東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。' })
const EMPTY_ANSWER = chatAnswer({ content: '' })
const NO_USAGE_ANSWER: StoredAnswer = { endpoint: 'chat', body: { ...TEXT_ANSWER.body, usage: undefined } }
const REASONING_ANSWER = chatAnswer({ content: 'Four.', reasoning_content: 'Two plus two is four.' })
const COMPLETION_ANSWER: StoredAnswer = {
  endpoint: 'completions',
  body: {
    id: 'cmpl-Stored0000000000000000000000',
    object: 'text_completion',
    created: CREATED,
    model: 'gpt-3.5-turbo-instruct',
    choices: [
      { text: '\n\nOnce upon a time, in a land far away', index: 0, logprobs: null, finish_reason: 'length' },
      { text: ' there lived a dragon.', index: 1, logprobs: null, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 4, completion_tokens: 16, total_tokens: 20 },
  },
}
const EMBEDDING_ANSWER: StoredAnswer = {
  endpoint: 'embeddings',
  body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } },
}

// ---------------------------------------------------------------------------------------------------------

describe('SseParser', () => {
  const STREAM = 'data: {"a":1}\n\n: ping\n\nevent: message\nid: 7\ndata: first line\ndata:second line\n\ndata: [DONE]\n\n'
  const EXPECTED = ['{"a":1}', 'first line\nsecond line', '[DONE]']

  test('returns complete events in order, ignoring comments, event: and id: lines', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED)
  })

  test('the same events whatever the split: one byte at a time, or any chunk size', () => {
    const data = bytes(STREAM)
    expect(parseAll(new SseParser(), byteByByte(data))).toEqual(EXPECTED)
    for (let size = 2; size <= data.length; size++) expect(parseAll(new SseParser(), chunked(data, size))).toEqual(EXPECTED)
  })

  test('a UTF-8 character split across chunks comes out whole', () => {
    const text = 'data: {"t":"é 中 😀 naïve"}\n\n'
    const events = parseAll(new SseParser(), byteByByte(bytes(text)))
    expect(events).toEqual(['{"t":"é 中 😀 naïve"}'])
    expect(events.join('')).not.toContain('\uFFFD')
  })

  test('\\r\\n line endings, also with the pair split between chunks', () => {
    const text = 'data: one\r\n\r\ndata: two\r\ndata: three\r\n\r\n'
    expect(new SseParser().push(text)).toEqual(['one', 'two\nthree'])
    expect(parseAll(new SseParser(), byteByByte(bytes(text)))).toEqual(['one', 'two\nthree'])
    // A \r ending a chunk ends the line at once; the \n after it in the next chunk is not a second line end.
    const parser = new SseParser()
    expect(parser.push('data: x\r')).toEqual([])
    expect(parser.push('\ndata: y\r')).toEqual([])
    expect(parser.push('\n\r')).toEqual(['x\ny'])
    expect(parser.push('\n')).toEqual([])
    expect(parser.push('data: z\r\n\r\n')).toEqual(['z'])
  })

  test('lone \\r line endings', () => {
    expect(new SseParser().push('data: a\r\rdata: b\r\r')).toEqual(['a', 'b'])
    expect(parseAll(new SseParser(), byteByByte(bytes('data: a\r\rdata: b\r\r')))).toEqual(['a', 'b'])
  })

  test('only one space after the colon is dropped; "data" without a colon is an empty line of data', () => {
    expect(new SseParser().push('data:no space\n\ndata:  two spaces\n\ndata\ndata: x\n\ndata:\n\n')).toEqual([
      'no space',
      ' two spaces',
      '\nx',
      '',
    ])
  })

  test('an event with no data lines is not returned', () => {
    expect(new SseParser().push(': ping\n\nevent: ping\n\nid: 3\nretry: 1000\n\n')).toEqual([])
  })

  test('an unfinished event waits for its blank line', () => {
    const parser = new SseParser()
    expect(parser.push('data: {"partial":')).toEqual([])
    expect(parser.push('true}\n')).toEqual([])
    expect(parser.push('\n')).toEqual(['{"partial":true}'])
  })

  test('a byte-order mark at the start is dropped, bytes or string', () => {
    expect(new SseParser().push(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('data: x\n\n')))).toEqual(['x'])
    expect(new SseParser().push('\uFEFFdata: x\n\n')).toEqual(['x'])
  })

  test('pushEvents reports the event name', () => {
    expect(new SseParser().pushEvents('event: error\ndata: {"message":"boom"}\n\ndata: plain\n\n')).toEqual([
      { event: 'error', data: '{"message":"boom"}' },
      { data: 'plain' },
    ])
  })
})

describe('StreamRecorder (chat)', () => {
  test('a complete text stream becomes a chat.completion', () => {
    const recorder = record('chat', TEXT_STREAM)
    expect(recorder.sawUsage).toBe(true)
    expect(recorder.finish()).toEqual({
      endpoint: 'chat',
      body: {
        id: head.id,
        object: 'chat.completion',
        created: CREATED,
        model: head.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour! Ça va 😀?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: USAGE,
        service_tier: 'default',
        system_fingerprint: 'fp_0aa8d3e20b',
      },
    })
  })

  test('byte-by-byte pushes give the same answer', () => {
    expect(record('chat', byteByByte(TEXT_STREAM)).finish()).toEqual(record('chat', TEXT_STREAM).finish()!)
    expect(record('chat', chunked(TOOL_STREAM, 7)).finish()).toEqual(record('chat', TOOL_STREAM).finish()!)
  })

  test('tool calls: merged by index, arguments concatenated, content null', () => {
    const answer = record('chat', TOOL_STREAM).finish()!
    const choice = answer.body.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_weather1', type: 'function', function: { name: 'get_weather', arguments: WEATHER_ARGS } },
      { id: 'call_time2', type: 'function', function: { name: 'get_time', arguments: TIME_ARGS } },
    ])
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ location: 'Paris, France', unit: 'celsius' })
    expect(answer.body.usage.completion_tokens).toBe(40)
  })

  test('tool calls without an index (some compatible providers) still merge', () => {
    const stream = sse([
      chatChunk([delta({ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] })]),
      chatChunk([delta({ tool_calls: [{ function: { arguments: ':1}' } }] })]),
      chatChunk([delta({ tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }] })]),
      chatChunk([delta({}, 'tool_calls')]),
      '[DONE]',
    ])
    expect(record('chat', stream).finish()!.body.choices[0].message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
    ])
  })

  test('n=2: interleaved choices are kept apart, each with its own finish_reason', () => {
    const answer = record('chat', TWO_CHOICES_STREAM).finish()!
    expect(answer.body.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Red rose', 'length'],
      [1, 'Blue apple', 'stop'],
    ])
    expect(answer.body.usage).toBeUndefined()
  })

  test('refusal and legacy function_call', () => {
    const refusal = sse([
      chatChunk([delta({ role: 'assistant', refusal: '' })]),
      chatChunk([delta({ refusal: "I'm sorry, " })]),
      chatChunk([delta({ refusal: "I can't help." })]),
      chatChunk([delta({}, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', refusal).finish()!.body.choices[0].message).toEqual({ role: 'assistant', content: null, refusal: "I'm sorry, I can't help." })

    const fn = sse([
      chatChunk([delta({ role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '' } })]),
      chatChunk([delta({ function_call: { arguments: '{"q":' } })]),
      chatChunk([delta({ function_call: { arguments: '"x"}' } })]),
      chatChunk([delta({}, 'function_call')]),
      '[DONE]',
    ])
    expect(record('chat', fn).finish()!.body.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      function_call: { name: 'lookup', arguments: '{"q":"x"}' },
    })
  })

  test('an empty text answer keeps content ""', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', content: '' })]), chatChunk([delta({}, 'stop')]), '[DONE]'])
    expect(record('chat', stream).finish()!.body.choices[0].message.content).toBe('')
  })

  test('incomplete: no [DONE] (cut stream)', () => {
    const cut = TEXT_STREAM.subarray(0, decode(TEXT_STREAM).lastIndexOf('data: [DONE]'))
    expect(record('chat', cut).finish()).toBeUndefined()
    expect(record('chat', TEXT_STREAM.subarray(0, 200)).finish()).toBeUndefined()
  })

  test('incomplete: an error event, as data or as `event: error`', () => {
    const errorData = sse([
      chatChunk([delta({ role: 'assistant', content: 'Hi' })]),
      { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } },
      chatChunk([delta({}, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', errorData).finish()).toBeUndefined()

    const errorEvent = bytes(
      decode(sse([chatChunk([delta({ role: 'assistant', content: 'Hi' }, 'stop')])])) + 'event: error\ndata: {"message":"overloaded"}\n\ndata: [DONE]\n\n'
    )
    expect(record('chat', errorEvent).finish()).toBeUndefined()
  })

  test('incomplete: a choice without finish_reason', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', content: 'Hi' })]), '[DONE]'])
    expect(record('chat', stream).finish()).toBeUndefined()
    // n=2 with only one choice finished
    const half = sse([chatChunk([delta({ content: 'a' }, 'stop', 0)]), chatChunk([delta({ content: 'b' }, null, 1)]), '[DONE]'])
    expect(record('chat', half).finish()).toBeUndefined()
  })

  test('incomplete: garbage JSON, without push ever throwing', () => {
    const stream = bytes(decode(TEXT_STREAM).replace('data: [DONE]', 'data: {"choices": [oops\n\ndata: [DONE]'))
    const recorder = new StreamRecorder('chat')
    expect(() => recorder.push(stream)).not.toThrow()
    expect(recorder.finish()).toBeUndefined()
    for (const junk of ['"a string"', '42', 'null', '[1,2]', '{"choices":"nope"}', '{"choices":[{"index":-1}]}']) {
      expect(record('chat', sse([chatChunk([delta({ content: 'x' }, 'stop')]), junk, '[DONE]'])).finish()).toBeUndefined()
    }
  })

  test('incomplete: no choices at all', () => {
    expect(record('chat', sse(['[DONE]'])).finish()).toBeUndefined()
    expect(record('chat', sse([{ ...head, choices: [], usage: USAGE }, '[DONE]'])).finish()).toBeUndefined()
  })

  test('sawUsage: only a real usage object counts, not the usage: null of every chunk', () => {
    const recorder = new StreamRecorder('chat')
    expect(recorder.sawUsage).toBe(false)
    recorder.push(sse([chatChunk([delta({ role: 'assistant', content: 'x' })])]))
    expect(recorder.sawUsage).toBe(false)
    recorder.push(sse([{ ...head, choices: [], usage: USAGE }]))
    expect(recorder.sawUsage).toBe(true)
    expect(record('chat', TWO_CHOICES_STREAM).sawUsage).toBe(false)
  })

  test("Azure's empty first chunk does not blank the id or model; events after [DONE] are ignored", () => {
    const stream = sse([
      { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
      chatChunk([delta({ role: 'assistant', content: 'ok' }, 'stop')]),
      '[DONE]',
      { error: { message: 'late' } },
    ])
    const body = record('chat', stream).finish()!.body
    expect(body.id).toBe(head.id)
    expect(body.model).toBe(head.model)
    expect(body.choices[0].message.content).toBe('ok')
  })

  test('provider string extras (reasoning_content) are kept; an object delta field (audio) makes it unstorable', () => {
    const reasoning = sse([
      chatChunk([delta({ role: 'assistant', content: '', reasoning_content: 'Two plus ' })]),
      chatChunk([delta({ reasoning_content: 'two.' })]),
      chatChunk([delta({ content: 'Four.' }, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', reasoning).finish()!.body.choices[0].message).toEqual({ role: 'assistant', content: 'Four.', refusal: null, reasoning_content: 'Two plus two.' })

    const audio = sse([chatChunk([delta({ role: 'assistant', audio: { id: 'audio_1', data: 'AAAA' } })]), chatChunk([delta({}, 'stop')]), '[DONE]'])
    expect(record('chat', audio).finish()).toBeUndefined()
  })

  test('finish() can be called again and gives the same answer', () => {
    const recorder = record('chat', TEXT_STREAM)
    expect(recorder.finish()).toEqual(recorder.finish()!)
  })
})

describe('StreamRecorder (completions)', () => {
  test('text_completion chunks are concatenated per choice', () => {
    const recorder = record('completions', byteByByte(COMPLETION_STREAM))
    expect(recorder.sawUsage).toBe(true)
    expect(recorder.finish()).toEqual({
      endpoint: 'completions',
      body: {
        id: completionHead.id,
        object: 'text_completion',
        created: CREATED,
        model: 'gpt-3.5-turbo-instruct',
        choices: [{ index: 0, text: '\n\nThis is a test.', logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      },
    })
  })

  test('n=2 and incomplete streams', () => {
    const two = sse([completionChunk('a', null, 0), completionChunk('b', null, 1), completionChunk('c', 'stop', 1), completionChunk('', 'length', 0), '[DONE]'])
    expect(record('completions', two).finish()!.body.choices.map((c: any) => c.text)).toEqual(['a', 'bc'])
    expect(record('completions', sse([completionChunk('a')])).finish()).toBeUndefined()
    expect(record('completions', sse([completionChunk('a'), '[DONE]'])).finish()).toBeUndefined()
  })

  test('logprobs arrive a few tokens at a time and are concatenated', () => {
    const lp = (tokens: string[]) => ({ tokens, token_logprobs: tokens.map(() => -0.5), top_logprobs: null, text_offset: tokens.map((_, i) => i) })
    const stream = sse([
      { ...completionHead, choices: [{ text: 'Hi', index: 0, logprobs: lp(['Hi']), finish_reason: null }] },
      { ...completionHead, choices: [{ text: ' there', index: 0, logprobs: lp([' there']), finish_reason: 'stop' }] },
      '[DONE]',
    ])
    expect(record('completions', stream).finish()!.body.choices[0].logprobs).toEqual({ tokens: ['Hi', ' there'], token_logprobs: [-0.5, -0.5], top_logprobs: null, text_offset: [0, 0] })
  })
})

describe('usageOf', () => {
  test('the three counts, for every endpoint; undefined without usage', () => {
    expect(usageOf(TEXT_ANSWER)).toEqual({ prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 })
    expect(usageOf(EMBEDDING_ANSWER)).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 })
    expect(usageOf(NO_USAGE_ANSWER)).toBeUndefined()
    expect(usageOf({ endpoint: 'chat', body: { usage: { prompt_tokens: 'x' } } })).toBeUndefined()
    expect(usageOf({ endpoint: 'chat', body: { usage: { prompt_tokens: 2, completion_tokens: 3 } } })).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 })
  })
})

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
