// Fixtures shared by the SSE unit tests (test/unit/dialects/…, test/unit/openai/…): streams in the shapes OpenAI really sends,
// stored answers in its non-streamed shapes, and the helpers that cut, record and read them.

import type { StoredAnswer } from '../../src/openai/answer'
import { SseParser } from '../../src/openai/sse/parser'
import { StreamRecorder } from '../../src/dialects/chat/recorder'

const encoder = new TextEncoder()
export const bytes = (text: string) => encoder.encode(text)
export const decode = (data: Uint8Array) => new TextDecoder().decode(data)

/** Every single byte as its own chunk: the harshest split a socket could produce. */
export const byteByByte = (data: Uint8Array) => Array.from(data, (byte) => Uint8Array.of(byte))

/** `data` cut into chunks of `size` bytes. */
export function chunked(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size))
  return chunks
}

export function record(endpoint: 'chat' | 'completions', chunks: Uint8Array[] | Uint8Array): StreamRecorder {
  const recorder = new StreamRecorder(endpoint)
  for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) recorder.push(chunk)
  return recorder
}

/** The JSON chunks of an SSE body, without `[DONE]`. */
export function chunksOf(data: Uint8Array): any[] {
  return new SseParser()
    .push(data)
    .filter((event) => event !== '[DONE]')
    .map((event) => JSON.parse(event))
}

export const sse = (events: (object | string)[]) =>
  bytes(events.map((event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`).join(''))

// ---------------------------------------------------------------------------------------------------------
// Hand-written fixtures in the shapes OpenAI really streams (chat.completion.chunk with `usage: null` on every
// chunk under include_usage, `obfuscation` padding, a role chunk with `content: ""` and `refusal: null`).

export const CREATED = 1735689600
export const head = { id: 'chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012', object: 'chat.completion.chunk', created: CREATED, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_0aa8d3e20b' }
export const chatChunk = (choices: object[], extra: object = {}) => ({ ...head, choices, usage: null, obfuscation: 'Zx9', ...extra })
export const delta = (d: object, finish_reason: string | null = null, index = 0) => ({ index, delta: d, logprobs: null, finish_reason })

export const USAGE = {
  prompt_tokens: 19,
  completion_tokens: 10,
  total_tokens: 29,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
}

export const TEXT_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: '', refusal: null })]),
  chatChunk([delta({ content: 'Bonjour' })]),
  chatChunk([delta({ content: '! Ça' })]),
  chatChunk([delta({ content: ' va 😀' })]),
  chatChunk([delta({ content: '?' })]),
  chatChunk([delta({}, 'stop')]),
  { ...head, choices: [], usage: USAGE, obfuscation: 'q' },
  '[DONE]',
])

export const WEATHER_ARGS = '{"location": "Paris, France", "unit": "celsius"}'
export const TIME_ARGS = '{"timezone":"Europe/Paris"}'
export const TOOL_STREAM = sse([
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

export const TWO_CHOICES_STREAM = sse([
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

export const completionHead = { id: 'cmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012', object: 'text_completion', created: CREATED, model: 'gpt-3.5-turbo-instruct' }
export const completionChunk = (text: string, finish_reason: string | null = null, index = 0) => ({ ...completionHead, choices: [{ text, index, logprobs: null, finish_reason }] })
export const COMPLETION_STREAM = sse([
  completionChunk('\n\n'),
  completionChunk('This is'),
  completionChunk(' a test'),
  completionChunk('.'),
  completionChunk('', 'stop'),
  { ...completionHead, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
  '[DONE]',
])

// Stored answers in OpenAI's non-streamed shapes.
export const chatAnswer = (message: object, finish_reason = 'stop', extra: object = {}): StoredAnswer => ({
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

export const TEXT_ANSWER = chatAnswer({ content: 'The capital of France is Paris.  It sits on the Seine,\nand is known for the Eiffel Tower. 🗼' })
export const TOOLS_ANSWER = chatAnswer(
  {
    content: null,
    tool_calls: [
      { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: WEATHER_ARGS } },
      { id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: TIME_ARGS } },
    ],
  },
  'tool_calls'
)
export const TWO_CHOICES_ANSWER: StoredAnswer = {
  endpoint: 'chat',
  body: {
    ...TEXT_ANSWER.body,
    choices: [
      { index: 0, message: { role: 'assistant', content: 'First answer, with words.', refusal: null }, logprobs: null, finish_reason: 'stop' },
      { index: 1, message: { role: 'assistant', content: 'Second one, cut', refusal: null }, logprobs: null, finish_reason: 'length' },
    ],
  },
}
export const REFUSAL_ANSWER = chatAnswer({ content: null, refusal: "I'm sorry, I can't help with that request." })
export const FUNCTION_CALL_ANSWER = chatAnswer({ content: null, function_call: { name: 'lookup', arguments: '{"q":"weather in Paris"}' } }, 'function_call')
export const CJK_ANSWER = chatAnswer({ content: '東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。' })
export const EMPTY_ANSWER = chatAnswer({ content: '' })
export const NO_USAGE_ANSWER: StoredAnswer = { endpoint: 'chat', body: { ...TEXT_ANSWER.body, usage: undefined } }
export const REASONING_ANSWER = chatAnswer({ content: 'Four.', reasoning_content: 'Two plus two is four.' })
export const COMPLETION_ANSWER: StoredAnswer = {
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
export const EMBEDDING_ANSWER: StoredAnswer = {
  endpoint: 'embeddings',
  body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } },
}
