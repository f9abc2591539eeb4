import { describe, expect, test } from 'bun:test'
import { StreamMeter } from '../../../../src/openai/sse/meter'
import { byteByByte, bytes, chatChunk, chunked, COMPLETION_STREAM, delta, sse, TEXT_STREAM, TOOL_STREAM, USAGE } from '../../../helpers/sse-fixtures'

// What a stream used, read on its way through (DESIGN §1.5): the last usage object it carried, whatever the
// provider's habit (usage on every chunk, zeros until the last, only at the end, never), and the bytes of
// generated text that arrived, for a stream that ends before any usage.

const meter = (chunks: Uint8Array | Uint8Array[]) => {
  const m = new StreamMeter()
  for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) m.push(chunk)
  return m
}
const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })
const text = (content: string) => chatChunk([delta({ content })])

describe('the last non-null usage wins', () => {
  test('usage only at the end (OpenAI with include_usage; usage: null on every other chunk)', () => {
    expect(meter(TEXT_STREAM).usage).toEqual({ promptTokens: USAGE.prompt_tokens, completionTokens: USAGE.completion_tokens })
  })

  test('usage in every chunk, cumulative: the last', () => {
    const stream = sse([
      { ...text('a'), usage: usage(12, 1) },
      { ...text('b'), usage: usage(12, 2) },
      { ...text('c'), usage: usage(12, 3) },
      { ...chatChunk([delta({}, 'stop')]), usage: usage(12, 4) },
      '[DONE]',
    ])
    expect(meter(stream).usage).toEqual({ promptTokens: 12, completionTokens: 4 })
  })

  test('zeros on every chunk before the real one: the last', () => {
    const stream = sse([{ ...text('a'), usage: usage(0, 0) }, { ...text('b'), usage: usage(0, 0) }, { ...chatChunk([delta({}, 'stop')]), usage: usage(30, 7) }, '[DONE]'])
    expect(meter(stream).usage).toEqual({ promptTokens: 30, completionTokens: 7 })
  })

  test('a null usage after a real one does not erase it', () => {
    const stream = sse([{ ...text('a'), usage: usage(5, 1) }, { ...text('b'), usage: null }, chatChunk([delta({}, 'stop')]), '[DONE]'])
    expect(meter(stream).usage).toEqual({ promptTokens: 5, completionTokens: 1 })
  })

  test('no usage at all: undefined (the caller settles to what was received)', () => {
    const stream = sse([text('Hello'), text(' world'), chatChunk([delta({}, 'stop')]), '[DONE]'])
    const m = meter(stream)
    expect(m.usage).toBeUndefined()
    expect(m.receivedTextBytes).toBe(11)
  })

  test('completions streams', () => {
    expect(meter(COMPLETION_STREAM).usage).toEqual({ promptTokens: 5, completionTokens: 7 })
  })

  test('the same answer whatever the chunking, even byte by byte', () => {
    for (const chunks of [byteByByte(TOOL_STREAM), chunked(TOOL_STREAM, 7), chunked(TOOL_STREAM, 100)]) {
      const m = meter(chunks)
      expect(m.usage).toEqual({ promptTokens: 19, completionTokens: 40 })
      expect(m.receivedTextBytes).toBe(meter(TOOL_STREAM).receivedTextBytes)
    }
  })

  test('an unreadable event is skipped; the events after it (same chunk) still count', () => {
    const stream = bytes(`data: {"choices":[{"delta":{"content":"ab"}}]}\n\ndata: {not json\n\ndata: ${JSON.stringify({ ...text('cd'), usage: usage(9, 2) })}\n\ndata: [DONE]\n\n`)
    const m = meter(stream)
    expect(m.usage).toEqual({ promptTokens: 9, completionTokens: 2 })
    expect(m.receivedTextBytes).toBe(4)
  })
})

describe('the Responses API', () => {
  const events = [
    { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', status: 'in_progress', usage: null } },
    { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Héllo' },
    { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: ' there' },
    { type: 'response.output_text.done', sequence_number: 3, item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Héllo there' },
    {
      type: 'response.completed',
      sequence_number: 4,
      response: { id: 'resp_1', object: 'response', status: 'completed', usage: { input_tokens: 21, output_tokens: 6, total_tokens: 27, output_tokens_details: { reasoning_tokens: 0 } } },
    },
  ]
  test('usage of response.completed (input/output tokens); deltas counted as text', () => {
    const m = meter(sse(events))
    expect(m.usage).toEqual({ promptTokens: 21, completionTokens: 6 })
    expect(m.receivedTextBytes).toBe(Buffer.byteLength('Héllo there'))
  })

  test('cut before response.completed: no usage, the deltas received', () => {
    const m = meter(sse(events.slice(0, 3)))
    expect(m.usage).toBeUndefined()
    expect(m.receivedTextBytes).toBe(Buffer.byteLength('Héllo there'))
  })
})

describe('text bytes received', () => {
  test('content, in UTF-8 bytes (not characters)', () => {
    expect(meter(TEXT_STREAM).receivedTextBytes).toBe(Buffer.byteLength('Bonjour! Ça va 😀?'))
  })

  test('reasoning_content (DeepSeek) and content both count', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', reasoning_content: '思考', content: null })]), chatChunk([delta({ reasoning_content: ' more' })]), text('答案'), chatChunk([delta({}, 'stop')])])
    expect(meter(stream).receivedTextBytes).toBe(Buffer.byteLength('思考 more答案'))
  })

  test('tool-call arguments count; names and ids do not', () => {
    const args = '{"location": "Paris, France", "unit": "celsius"}{"timezone":"Europe/Paris"}'
    expect(meter(TOOL_STREAM).receivedTextBytes).toBe(Buffer.byteLength(args))
  })

  test('every choice counts (n > 1), and completions text', () => {
    const two = sse([chatChunk([delta({ content: 'Red' }, null, 0), delta({ content: 'Blue' }, null, 1)]), '[DONE]'])
    expect(meter(two).receivedTextBytes).toBe(7)
    expect(meter(COMPLETION_STREAM).receivedTextBytes).toBe(Buffer.byteLength('\n\nThis is a test.'))
  })

  test('a stream cut mid-event counts only the complete events', () => {
    const whole = sse([text('abc'), text('defgh')])
    const m = meter(whole.subarray(0, whole.length - 10))
    expect(m.receivedTextBytes).toBe(3)
    expect(m.usage).toBeUndefined()
  })
})

describe('cached tokens in streams (DESIGN §1.9)', () => {
  test("chat's usage chunk: OpenAI's cached_tokens and reasoning_tokens, DeepSeek's prompt_cache_hit_tokens", () => {
    const openai = { prompt_tokens: 2006, completion_tokens: 30, total_tokens: 2036, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 12 } }
    expect(meter(sse([text('a'), chatChunk([], { usage: openai }), '[DONE]'])).usage).toEqual({ promptTokens: 2006, completionTokens: 30, cachedTokens: 1920, reasoningTokens: 12 })
    const deepseek = { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43, prompt_cache_hit_tokens: 30, prompt_cache_miss_tokens: 10 }
    expect(meter(sse([text('a'), chatChunk([], { usage: deepseek }), '[DONE]'])).usage).toEqual({ promptTokens: 40, completionTokens: 3, cachedTokens: 30 })
  })

  test("Responses' response.completed: input_tokens_details.cached_tokens", () => {
    const completed = { type: 'response.completed', sequence_number: 3, response: { object: 'response', status: 'completed', usage: { input_tokens: 900, input_tokens_details: { cached_tokens: 768 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 } } } }
    expect(meter(sse([completed])).usage).toEqual({ promptTokens: 900, completionTokens: 5, cachedTokens: 768 })
  })
})

describe("Anthropic's stream: message_start's input counts and message_delta's output, merged", () => {
  /** Anthropic's SSE: an `event:` line naming each event, as its API sends them. */
  const anthropicSse = (events: Array<{ type: string }>) => bytes(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''))
  const START_USAGE = { input_tokens: 12, cache_creation_input_tokens: 1500, cache_read_input_tokens: 2048, output_tokens: 1, service_tier: 'standard' }
  const start = (usage: object = START_USAGE) => ({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage } })
  const block = [
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Héllo' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } },
    { type: 'content_block_stop', index: 0 },
  ]
  const end = (usage: object) => [{ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage }, { type: 'message_stop' }]
  const whole = { promptTokens: 12 + 1500 + 2048, completionTokens: 25, cachedTokens: 2048, cacheWriteTokens: 1500 }

  test('message_delta with the output only (the API before 2025): the input from message_start', () => {
    expect(meter(anthropicSse([start(), ...block, ...end({ output_tokens: 25 })])).usage).toEqual(whole)
  })

  test('message_delta with the input counts again, cumulative (the API since): the same', () => {
    expect(meter(anthropicSse([start(), ...block, ...end({ input_tokens: 12, cache_creation_input_tokens: 1500, cache_read_input_tokens: 2048, output_tokens: 25, server_tool_use: null })])).usage).toEqual(whole)
  })

  test('zeros in message_start (a translation that knows the input only at the end): the delta counts', () => {
    const zero = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 }
    expect(meter(anthropicSse([start(zero), ...block, ...end({ input_tokens: 12, cache_creation_input_tokens: 1500, cache_read_input_tokens: 2048, output_tokens: 25 })])).usage).toEqual(whole)
  })

  test('zeros in message_delta input fields do not undo message_start', () => {
    expect(meter(anthropicSse([start(), ...block, ...end({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 25 })])).usage).toEqual(whole)
  })

  test('cut after message_start: its input counts and the provisional output; the text deltas received', () => {
    const m = meter(anthropicSse([start(), ...block]))
    expect(m.usage).toEqual({ promptTokens: 3560, completionTokens: 1, cachedTokens: 2048, cacheWriteTokens: 1500 })
    expect(m.receivedTextBytes).toBe(Buffer.byteLength('Héllo there'))
  })

  test('thinking and tool input count as text; the same whatever the chunking', () => {
    const events = [
      start(),
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me see' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'ris"}' } },
      { type: 'content_block_stop', index: 1 },
      ...end({ output_tokens: 25 }),
    ]
    const data = anthropicSse(events)
    for (const chunks of [data, byteByByte(data), chunked(data, 13)]) {
      const m = meter(chunks)
      expect(m.usage).toEqual(whole)
      expect(m.receivedTextBytes).toBe(Buffer.byteLength('Let me see{"city": "Paris"}'))
    }
  })
})
