import { describe, expect, test } from 'bun:test'
import { messagesDialect } from '../../../../src/dialects/messages'
import { MessagesRecorder } from '../../../../src/dialects/messages/recorder'
import { STORED, UPSTREAM, UPSTREAM_EVENTS, UPSTREAM_TEXT } from './fixtures'

const encoder = new TextEncoder()

function record(chunks: Array<Uint8Array | string>) {
  const recorder = new MessagesRecorder()
  for (const chunk of chunks) recorder.push(chunk)
  return recorder.finish()
}

const event = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`
/** The upstream stream with its events from `from` on left out. */
const cutAt = (from: number) => UPSTREAM_EVENTS.slice(0, from).join('')
/** The upstream stream with the event at `at` replaced. */
const replaced = (at: number, ...events: string[]) => [...UPSTREAM_EVENTS.slice(0, at), ...events, ...UPSTREAM_EVENTS.slice(at + 1)].join('')
const START = UPSTREAM_EVENTS[0]!
const END = UPSTREAM_EVENTS.slice(-2).join('')

describe('MessagesRecorder', () => {
  test('a whole stream (thinking with its signature, text, a tool call) is recorded as the non-streamed message', () => {
    const answer = record([UPSTREAM])
    expect(answer).toEqual(STORED)
    // message_start's usage, with message_delta's output count.
    expect(answer!.body.usage).toEqual(STORED.body.usage)
  })

  test('split at every byte boundary', () => {
    for (let at = 1; at < UPSTREAM.length; at++) {
      const answer = record([UPSTREAM.subarray(0, at), UPSTREAM.subarray(at)])
      if (!answer) throw new Error(`lost the answer when split at byte ${at}`)
      expect(answer.body.content[2].input).toEqual(STORED.body.content[2].input)
    }
    // The em dash's bytes split between two chunks.
    const dash = UPSTREAM.indexOf(0xe2)
    expect(record([UPSTREAM.subarray(0, dash + 1), UPSTREAM.subarray(dash + 1)])).toEqual(STORED)
  })

  test('byte by byte, and one event per write', () => {
    expect(record(Array.from(UPSTREAM, (byte) => Uint8Array.of(byte)))).toEqual(STORED)
    expect(record(UPSTREAM_EVENTS.map((e) => encoder.encode(e)))).toEqual(STORED)
  })

  test('a cut stream gives nothing, wherever it is cut', () => {
    for (let i = 0; i < UPSTREAM_EVENTS.length; i++) expect(record([cutAt(i)])).toBeUndefined()
    expect(record([UPSTREAM_TEXT.slice(0, -1)])).toBeUndefined()
  })

  test('an error event gives nothing, even with a message_stop after it', () => {
    const error = event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })
    expect(record([cutAt(8), error])).toBeUndefined()
    expect(record([cutAt(UPSTREAM_EVENTS.length - 1), error, UPSTREAM_EVENTS.at(-1)!])).toBeUndefined()
    // A data-only error (no `event:` line) too.
    expect(record([cutAt(8), `data: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'x' } })}\n\n`, ...UPSTREAM_EVENTS.slice(8)])).toBeUndefined()
  })

  test('what it cannot read gives nothing: bad JSON, a delta of an unknown kind, a tool input that is not JSON', () => {
    expect(record([START, 'data: {not json\n\n', ...UPSTREAM_EVENTS.slice(1)])).toBeUndefined()
    expect(record([START, 'data: [1,2]\n\n', ...UPSTREAM_EVENTS.slice(1)])).toBeUndefined()
    expect(record([replaced(9, event('content_block_delta', { index: 1, delta: { type: 'future_delta', text: 'x' } }))])).toBeUndefined()
    // A text delta for the thinking block, a delta for a block that never started.
    expect(record([replaced(9, event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'x' } }))])).toBeUndefined()
    expect(record([replaced(9, event('content_block_delta', { index: 7, delta: { type: 'text_delta', text: 'x' } }))])).toBeUndefined()
    expect(record([replaced(15, event('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: ',,' } }))])).toBeUndefined()
    // Events before message_start, a second message_start.
    expect(record([event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), UPSTREAM])).toBeUndefined()
    expect(record([START, UPSTREAM])).toBeUndefined()
    // A gap in the block indexes.
    expect(record([START, event('content_block_start', { index: 1, content_block: { type: 'text', text: 'x' } }), END])).toBeUndefined()
  })

  test('a stream without a stop reason gives nothing', () => {
    const noReason = event('message_delta', { delta: { stop_reason: null, stop_sequence: null }, usage: { output_tokens: 1 } })
    expect(record([START, noReason, event('message_stop', {})])).toBeUndefined()
  })

  test('pings, comments, events of unknown types and anything after message_stop do not matter', () => {
    const noisy = [START, ': keep-alive\n\n', 'event: ping\ndata: {"type": "ping"}\n\n', event('future_event', { x: 1 }), ...UPSTREAM_EVENTS.slice(1)]
    expect(record(noisy)).toEqual(STORED)
    expect(record([UPSTREAM, 'data: {broken\n\n'])).toEqual(STORED)
  })

  test('message_delta: the stop sequence, cumulative usage overwriting message_start’s, other delta fields', () => {
    const delta = event('message_delta', {
      delta: { stop_reason: 'stop_sequence', stop_sequence: 'END', stop_details: null },
      usage: { output_tokens: 7, input_tokens: 500, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 1 } },
    })
    const answer = record([START, event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), event('content_block_stop', { index: 0 }), delta, event('message_stop', {})])
    expect(answer!.body).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END', stop_details: null })
    expect(answer!.body.usage).toEqual({ ...STORED.body.usage, output_tokens: 7, input_tokens: 500, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 1 } })
  })

  test('blocks streamed whole, citations, a server tool call, a tool call without input deltas', () => {
    const citation = { type: 'web_search_result_location', url: 'https://example.org', title: 'x', encrypted_index: 'e', cited_text: 'Paris' }
    const result = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.org', title: 'x', encrypted_content: 'c' }] }
    const sse = [
      START,
      event('content_block_start', { index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgB' } }),
      event('content_block_stop', { index: 0 }),
      event('content_block_start', { index: 1, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"query": "paris"}' } }),
      event('content_block_stop', { index: 1 }),
      event('content_block_start', { index: 2, content_block: result }),
      event('content_block_stop', { index: 2 }),
      event('content_block_start', { index: 3, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 3, delta: { type: 'citations_delta', citation } }),
      event('content_block_delta', { index: 3, delta: { type: 'text_delta', text: 'Sunny in Paris.' } }),
      event('content_block_stop', { index: 3 }),
      event('content_block_start', { index: 4, content_block: { type: 'tool_use', id: 'toolu_9', name: 'now', input: {} } }),
      event('content_block_stop', { index: 4 }),
      END,
    ]
    expect(record(sse)!.body.content).toEqual([
      { type: 'redacted_thinking', data: 'EmwKAhgB' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'paris' } },
      result,
      { type: 'text', text: 'Sunny in Paris.', citations: [citation] },
      { type: 'tool_use', id: 'toolu_9', name: 'now', input: {} },
    ])
  })

  test('push never throws, whatever it is given', () => {
    const recorder = new MessagesRecorder()
    expect(() => recorder.push(Uint8Array.of(0xff, 0xfe, 0x00, 0x0a, 0x0a))).not.toThrow()
    expect(() => recorder.push('data: {"type":"content_block_delta","index":-1}\n\n')).not.toThrow()
    expect(recorder.finish()).toBeUndefined()
    const proto = new MessagesRecorder()
    proto.push(START)
    proto.push('data: {"type":"message_delta","delta":{"__proto__":{"polluted":true},"stop_reason":"end_turn"},"usage":{"output_tokens":1}}\n\n')
    proto.push(event('message_stop', {}))
    const body = proto.finish()!.body
    expect(body.stop_reason).toBe('end_turn')
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype)
    expect(body.polluted).toBeUndefined()
  })

  test('the dialect records streams only', () => {
    expect(messagesDialect.recorder({ stream: true })).toBeInstanceOf(MessagesRecorder)
    expect(messagesDialect.recorder({ stream: false })).toBeUndefined()
    expect(messagesDialect.recorder({})).toBeUndefined()
  })
})
