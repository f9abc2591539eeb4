import { afterAll, describe, expect, test } from 'bun:test'
import { APIError } from '@anthropic-ai/sdk'
import { MessagesEventWriter, newAnthropicId } from '../../../../src/dialects/translate/messages-events'
import { SseParser } from '../../../../src/openai/sse/parser'
import { SdkBench } from './sdk'

// The incremental writer of Anthropic Messages streams (dialects/translate/messages-events.ts): what a replay
// and a chat stream translated for a Messages client are both written with.

const SHELL = { id: 'msg_01WriterTest000000000000', model: 'deepseek-chat', usage: { input_tokens: 31, output_tokens: 0 } }

const parse = (sse: string) => new SseParser().pushEvents(sse).map((event) => ({ name: event.event, ...JSON.parse(event.data) }))

const bench = new SdkBench()
afterAll(() => bench.stop())

/** An answer written as a translation would: thinking, text, two tool calls, nothing closed by hand. */
function translated() {
  const w = new MessagesEventWriter()
  let sse = w.messageStart(SHELL) + w.ping()
  sse += w.thinkingDelta('The user asks ') + w.thinkingDelta('for the weather.') + w.signatureDelta('sig-1')
  sse += w.textDelta('Let me ') + w.textDelta('check.')
  sse += w.openToolUse('toolu_1', 'get_weather') + w.inputJsonDelta('{"city":') + w.inputJsonDelta('"Paris"}')
  sse += w.openToolUse('toolu_2', 'get_time') + w.inputJsonDelta('{}')
  sse += w.messageDelta('tool_use', null, { input_tokens: 31, output_tokens: 42 })
  return { w, sse: sse + w.messageStop() }
}

describe('MessagesEventWriter', () => {
  test('every event is `event: <type>` + data starting with that type', () => {
    const { sse } = translated()
    const blocks = sse.split('\n\n').filter(Boolean)
    expect(blocks.length).toBe(parse(sse).length)
    expect(blocks.every((block) => /^event: (\S+)\ndata: \{"type":"\1"/.test(block))).toBe(true)
  })

  test('blocks open and close in order, numbered from 0: opening the next or message_delta closes the last', () => {
    const events = parse(translated().sse)
    expect(events.map((e) => (e.type === 'content_block_delta' ? e.delta.type : e.type))).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'thinking_delta',
      'thinking_delta',
      'signature_delta',
      'content_block_stop',
      'content_block_start',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'content_block_start',
      'input_json_delta',
      'input_json_delta',
      'content_block_stop',
      'content_block_start',
      'input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    const starts = events.filter((e) => e.type === 'content_block_start')
    expect(starts.map((e) => e.index)).toEqual([0, 1, 2, 3])
    expect(starts.map((e) => e.content_block)).toEqual([
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
      { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
    ])
    expect(events.filter((e) => e.type === 'content_block_stop').map((e) => e.index)).toEqual([0, 1, 2, 3])
    expect(events[0].message).toEqual({ ...SHELL, type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null })
    expect(events.at(-2)).toEqual({ name: 'message_delta', type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 31, output_tokens: 42 } })
  })

  test("the Anthropic SDK's stream helper rebuilds the message from it", async () => {
    expect(await bench.finalMessage(translated().sse)).toEqual({
      ...SHELL,
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user asks for the weather.', signature: 'sig-1' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 31, output_tokens: 42 },
    })
  })

  test('the shell keeps its other fields; without id or usage it gets a fresh id and zero usage', () => {
    const w = new MessagesEventWriter()
    const [start] = parse(w.messageStart({ model: 'm', container: null, content: ['ignored'], stop_reason: 'end_turn' }))
    expect(start.message).toMatchObject({ model: 'm', container: null, content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } })
    expect(start.message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/)
  })

  test('open blocks take extra fields; a block streamed whole; message_delta fields beside the stop reason', () => {
    const w = new MessagesEventWriter()
    let sse = w.messageStart(SHELL)
    sse += w.block({ type: 'redacted_thinking', data: 'EmwKAhgB' })
    sse += w.openText({ citations: null }) + w.textDelta('') + w.closeBlock() + w.closeBlock()
    sse += w.openToolUse('srvtoolu_1', 'web_search', { type: 'server_tool_use' }) + w.inputJsonDelta('{"query":"x"}')
    sse += w.messageDelta('end_turn', null, { output_tokens: 3 }, { stop_details: null }) + w.messageStop()
    const events = parse(sse)
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_stop',
      'content_block_start',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(events[1].content_block).toEqual({ type: 'redacted_thinking', data: 'EmwKAhgB' })
    expect(events[3].content_block).toEqual({ type: 'text', text: '', citations: null })
    expect(events[5].content_block).toEqual({ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} })
    expect(events[8].delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null, stop_details: null })
  })

  test('openBlock names the open block', () => {
    const w = new MessagesEventWriter()
    w.messageStart(SHELL)
    expect(w.openBlock).toBeUndefined()
    w.thinkingDelta('hm')
    expect(w.openBlock).toBe('thinking')
    w.openToolUse('t', 'f')
    expect(w.openBlock).toBe('tool_use')
    w.messageDelta('tool_use', null, { output_tokens: 1 })
    expect(w.openBlock).toBeUndefined()
  })

  test('an error event ends a stream, before or after message_start; the SDK throws it as its own error', async () => {
    const early = new MessagesEventWriter()
    expect(parse(early.error('overloaded_error', 'Overloaded'))).toEqual([{ name: 'error', type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }])
    expect(() => early.messageStart(SHELL)).toThrow()

    const w = new MessagesEventWriter()
    const sse = w.messageStart(SHELL) + w.textDelta('Half an ans') + w.error('api_error', 'The upstream stream was cut.')
    expect(() => w.messageStop()).toThrow()
    const thrown = await bench.finalMessage(sse).catch((error) => error)
    expect(thrown).toBeInstanceOf(APIError)
    expect(thrown.type).toBe('api_error')
    expect(thrown.message).toContain('The upstream stream was cut.')
  })

  test('misuse throws instead of writing a stream the SDK would refuse', () => {
    expect(() => new MessagesEventWriter().textDelta('x')).toThrow(/before message_start/)
    const w = new MessagesEventWriter()
    w.messageStart(SHELL)
    expect(() => w.messageStart(SHELL)).toThrow()
    expect(() => w.inputJsonDelta('{}')).toThrow(/no tool call/)
    expect(() => w.signatureDelta('s')).toThrow(/no thinking block/)
    w.textDelta('x')
    expect(() => w.signatureDelta('s')).toThrow(/no thinking block/)
    expect(() => w.citationDelta({ type: 'char_location' })).not.toThrow()
    w.messageStop()
    expect(() => w.textDelta('more')).toThrow(/after the stream ended/)
  })

  test("ids in Anthropic's style", () => {
    expect(newAnthropicId('msg')).toMatch(/^msg_01[A-Za-z0-9]{22}$/)
    expect(newAnthropicId('toolu')).toMatch(/^toolu_01[A-Za-z0-9]{22}$/)
    expect(newAnthropicId('msg')).not.toBe(newAnthropicId('msg'))
  })
})
