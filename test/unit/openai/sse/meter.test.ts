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
