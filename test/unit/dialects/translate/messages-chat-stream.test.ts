import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import type { JsonObject } from '../../../../src/openai/validate'
import { chatToMessage } from '../../../../src/dialects/translate/messages-chat-answer'
import { ChatToMessagesStream } from '../../../../src/dialects/translate/messages-chat-stream'
import { encodeThinkingSignature } from '../../../../src/dialects/translate/messages-chat-thinking'
import { chatChunk, chunksOf, delta, record, sse, TEXT_STREAM, USAGE } from '../../../helpers/sse-fixtures'

// Chat Completions stream → Messages stream, one row per kind of chat stream (DESIGN §1.8). Each translated
// stream is read by the real `@anthropic-ai/sdk` (`messages.stream()` + `finalMessage()`), whose final
// message must be the JSON translation of the same answer; a stream that did not finish must make it throw.

const ds = { id: 'd1a2b3c4-0000-4000-8000-000000000000', object: 'chat.completion.chunk', created: 1_767_225_599, model: 'deepseek-reasoner', system_fingerprint: 'fp_ds' }
const dsChunk = (d: object, finish: string | null = null, extra: object = {}) => ({ ...ds, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], ...extra })
const DS_USAGE = { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80, prompt_cache_hit_tokens: 24, prompt_cache_miss_tokens: 6 }
const WEATHER = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }

const REASONING_STREAM = sse([
  dsChunk({ role: 'assistant', content: null, reasoning_content: '' }),
  dsChunk({ content: null, reasoning_content: 'Six times' }),
  dsChunk({ content: null, reasoning_content: ' seven.' }),
  dsChunk({ content: '4', reasoning_content: null }),
  dsChunk({ content: '2.', reasoning_content: null }),
  dsChunk({ content: '', reasoning_content: null }, 'stop', { usage: DS_USAGE }),
  '[DONE]',
])

/** DeepSeek thinking, then calling a tool, with its arguments cut mid-token. */
const REASONING_TOOL_STREAM = sse([
  dsChunk({ role: 'assistant', content: null, reasoning_content: 'Ask the tool.' }),
  dsChunk({ tool_calls: [{ index: 0, id: 'call_00_w', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
  dsChunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
  dsChunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }),
  dsChunk({}, 'tool_calls', { usage: DS_USAGE }),
  '[DONE]',
])

const TOOL_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  chatChunk([], { usage: USAGE }),
  '[DONE]',
])

const TEXT_THEN_CALL = sse([
  chatChunk([delta({ role: 'assistant', content: 'Let me ' })]),
  chatChunk([delta({ content: 'check.' })]),
  // Some upstreams name the call after its id.
  chatChunk([delta({ tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { arguments: '' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  chatChunk([], { usage: USAGE }),
  '[DONE]',
])

const BROKEN_ARGS = sse([
  chatChunk([delta({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Par' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  chatChunk([], { usage: USAGE }),
  '[DONE]',
])

const LENGTH_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once upon' })]), chatChunk([delta({ content: ' a' })]), chatChunk([delta({}, 'length')]), chatChunk([], { usage: USAGE }), '[DONE]'])
const CUT_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once upon' })]), chatChunk([delta({ content: ' a' })])])
const ERROR_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once' })]), { error: { message: 'Model overloaded', type: 'server_error' } }])
const GAVE_UP_STREAM = sse([dsChunk({ role: 'assistant', content: 'Once' }), dsChunk({}, 'insufficient_system_resource'), '[DONE]'])

const ask = (extra: Record<string, unknown> = {}): JsonObject => ({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...extra })
const THINKING = { thinking: { type: 'enabled', budget_tokens: 2048 } }

const START = ['message_start']
const block = (...deltas: string[]) => ['content_block_start', ...deltas, 'content_block_stop']
const times = (n: number, type: string) => Array.from({ length: n }, () => type)
const END = ['message_delta', 'message_stop']

interface Case {
  name: string
  request: JsonObject
  stream: Uint8Array
  events: string[]
  /** What the SDK's final message holds (toMatchObject); for an unfinished stream, what its error says. */
  final: Record<string, unknown> | RegExp
}

const cases: Case[] = [
  {
    name: 'text: text deltas; the whole usage in message_delta',
    request: ask(),
    stream: TEXT_STREAM,
    events: [...START, ...block(...times(4, 'content_block_delta')), ...END],
    final: { content: [{ type: 'text', text: 'Bonjour! Ça va 😀?' }], stop_reason: 'end_turn', usage: { input_tokens: 19, cache_read_input_tokens: 0, output_tokens: 10 } },
  },
  {
    name: 'DeepSeek reasoning, thinking enabled: thinking deltas, the signature, then the text',
    request: ask(THINKING),
    stream: REASONING_STREAM,
    events: [...START, ...block(...times(3, 'content_block_delta')), ...block(...times(2, 'content_block_delta')), ...END],
    final: {
      model: 'deepseek-reasoner',
      content: [{ type: 'thinking', thinking: 'Six times seven.', signature: encodeThinkingSignature('Six times seven.') }, { type: 'text', text: '42.' }],
      usage: { input_tokens: 6, cache_read_input_tokens: 24, output_tokens: 50 },
    },
  },
  {
    name: 'thinking display omitted: a thinking block with its signature only',
    request: ask({ thinking: { type: 'adaptive', display: 'omitted' } }),
    stream: REASONING_STREAM,
    events: [...START, ...block('content_block_delta'), ...block(...times(2, 'content_block_delta')), ...END],
    final: { content: [{ type: 'thinking', thinking: '', signature: encodeThinkingSignature('Six times seven.') }, { type: 'text', text: '42.' }] },
  },
  {
    name: 'reasoning the request did not ask for: not shown',
    request: ask(),
    stream: REASONING_STREAM,
    events: [...START, ...block(...times(2, 'content_block_delta')), ...END],
    final: { content: [{ type: 'text', text: '42.' }] },
  },
  {
    name: 'unasked reasoning before a tool call: carried in a textless thinking block; the input sent whole',
    request: ask({ tools: [WEATHER] }),
    stream: REASONING_TOOL_STREAM,
    events: [...START, ...block('content_block_delta'), ...block('content_block_delta'), ...END],
    final: {
      content: [{ type: 'thinking', thinking: '', signature: encodeThinkingSignature('Ask the tool.') }, { type: 'tool_use', id: 'call_00_w', name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
    },
  },
  {
    name: 'two calls: a tool_use block each',
    request: ask({ tools: [WEATHER] }),
    stream: TOOL_STREAM,
    events: [...START, ...block('content_block_delta'), ...block('content_block_delta'), ...END],
    final: { content: [{ type: 'tool_use', id: 'call_a', input: { city: 'Paris' } }, { type: 'tool_use', id: 'call_b', input: { city: 'Rome' } }], stop_reason: 'tool_use' },
  },
  {
    name: 'text, then a call named after its id',
    request: ask({ tools: [WEATHER] }),
    stream: TEXT_THEN_CALL,
    events: [...START, ...block(...times(2, 'content_block_delta')), ...block('content_block_delta'), ...END],
    final: { content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Rome' } }] },
  },
  {
    name: 'broken arguments: input {}, never JSON a client would throw on',
    request: ask({ tools: [WEATHER] }),
    stream: BROKEN_ARGS,
    events: [...START, ...block(), ...END],
    final: { content: [{ type: 'tool_use', id: 'call_x', name: 'get_weather', input: {} }] },
  },
  {
    name: 'finish_reason length: max_tokens',
    request: ask(),
    stream: LENGTH_STREAM,
    events: [...START, ...block(...times(2, 'content_block_delta')), ...END],
    final: { stop_reason: 'max_tokens', content: [{ type: 'text', text: 'Once upon a' }] },
  },
  { name: 'a stream cut before its finish reason: an error event, never message_stop', request: ask(), stream: CUT_STREAM, events: [...START, 'content_block_start', ...times(2, 'content_block_delta'), 'error'], final: /before it was finished/ },
  { name: 'an error in the stream: an error event naming it', request: ask(), stream: ERROR_STREAM, events: [...START, 'content_block_start', 'content_block_delta', 'error'], final: /Model overloaded/ },
  { name: 'the upstream gave up: overloaded_error', request: ask(), stream: GAVE_UP_STREAM, events: [...START, 'content_block_start', 'content_block_delta', 'error'], final: /insufficient_system_resource/ },
]

const context = (request: JsonObject) => ({ id: 'msg_test0001', request })

function translate(c: Pick<Case, 'request' | 'stream'>): string {
  const translator = new ChatToMessagesStream(context(c.request))
  let text = ''
  for (const chunk of chunksOf(c.stream)) text += translator.push(chunk)
  text += translator.end()
  expect(translator.end()).toBe('')
  return text
}

function eventsOf(text: string): any[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => {
      const [name, data] = event.split('\n')
      const parsed = JSON.parse(data!.slice('data: '.length))
      expect(name).toBe(`event: ${parsed.type}`)
      return parsed
    })
}

let server: ReturnType<typeof Bun.serve>
let answer = ''
beforeAll(() => {
  server = Bun.serve({ port: 0, fetch: () => new Response(answer, { headers: { 'content-type': 'text/event-stream' } }) })
})
afterAll(() => server.stop(true))

describe('ChatToMessagesStream', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', async (_name, c) => {
    const text = translate(c)
    expect(eventsOf(text).map((e) => e.type)).toEqual(c.events)

    answer = text
    const client = new Anthropic({ baseURL: `http://localhost:${server.port}`, apiKey: 'sk-ant-test', maxRetries: 0 })
    const final = client.messages.stream(c.request as any).finalMessage()
    if (c.final instanceof RegExp) {
      await expect(final).rejects.toThrow(c.final)
      return
    }
    const { parsed_output: _p, ...message } = (await final) as any
    expect(message).toMatchObject(c.final)
    expect(message).toEqual(chatToMessage(record('chat', c.stream).finish()!.body, context(c.request)))
  })

  test('message_start carries the id and model, with the input not known yet; message_delta the whole usage', () => {
    const events = eventsOf(translate({ request: ask(), stream: REASONING_STREAM }))
    expect(events[0].message).toEqual({
      id: 'msg_test0001', type: 'message', role: 'assistant', model: 'deepseek-reasoner', content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    })
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 24, output_tokens: 50 },
    })
  })

  test('an upstream that says nothing at all: an error event alone', () => {
    expect(eventsOf(translate({ request: ask(), stream: new Uint8Array() })).map((e) => [e.type, e.error?.type])).toEqual([['error', 'api_error']])
  })

  test('nothing after the end', () => {
    const translator = new ChatToMessagesStream(context(ask()))
    for (const chunk of chunksOf(TEXT_STREAM)) translator.push(chunk)
    expect(translator.end()).toContain('message_stop')
    expect(translator.push(chunkOf('more'))).toBe('')
  })
})

const chunkOf = (content: string) => chatChunk([delta({ content })])
