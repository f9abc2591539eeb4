import { afterAll, describe, expect, test } from 'bun:test'
import { messagesDialect } from '../../../../src/dialects/messages'
import { MessagesRecorder } from '../../../../src/dialects/messages/recorder'
import { replayJson, replaySse } from '../../../../src/dialects/messages/replay'
import type { StoredAnswer } from '../../../../src/openai/answer'
import { SseParser } from '../../../../src/openai/sse/parser'
import { INPUT, MESSAGE_ID, SIGNATURE, STORED, TEXT, TEXT_ONLY, THINKING } from './fixtures'
import { SdkBench } from './sdk'

const bench = new SdkBench()
afterAll(() => bench.stop())

const events = (sse: string) => new SseParser().pushEvents(sse).map((event) => ({ name: event.event, ...JSON.parse(event.data) }))
const ID = /^msg_01[A-Za-z0-9]{22}$/

const CITATION = { type: 'web_search_result_location', url: 'https://example.org/paris', title: 'Météo', encrypted_index: 'Eo8B', cited_text: 'Sunny, 24°C' }
/** Blocks without deltas, citations, a server tool, newer message fields (`stop_details`, `container`). */
const RICH: StoredAnswer = {
  endpoint: 'messages',
  body: {
    id: 'msg_01Rich00000000000000000',
    type: 'message',
    role: 'assistant',
    model: 'claude-opus-4-1',
    content: [
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj' },
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'weather paris' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', url: 'https://example.org/paris', title: 'Météo', encrypted_content: 'Eq0B', page_age: null }] },
      { type: 'text', text: 'It is sunny in Paris: 24°C.', citations: [CITATION] },
      { type: 'text', text: '', citations: null },
      { type: 'tool_use', id: 'toolu_02', name: 'noop', input: {} },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 5, cache_read_input_tokens: 0, output_tokens: 40, server_tool_use: { web_search_requests: 1 }, service_tier: 'standard' },
  },
}
const STOP_SEQUENCE: StoredAnswer = { endpoint: 'messages', body: { ...TEXT_ONLY.body, id: 'msg_01Stop', content: [{ type: 'text', text: '你好，世界！这是一个很长的中文句子，没有任何空格，需要被切成几段。' }], stop_reason: 'stop_sequence', stop_sequence: '###' } }
const ANSWERS = { STORED, TEXT_ONLY, RICH, STOP_SEQUENCE }

const withoutId = ({ id: _id, ...rest }: Record<string, any>) => rest

describe('replay as JSON', () => {
  test('the stored message with the id given', () => {
    expect(replayJson(STORED, 'msg_01New')).toEqual({ ...STORED.body, id: 'msg_01New' })
    expect(STORED.body.id).toBe(MESSAGE_ID) // untouched
  })

  test("the dialect's template gives a fresh msg_ id each time; the SDK reads it as the stored message", async () => {
    const template = messagesDialect.template(STORED, messagesDialect.replayForm({ stream: false }))
    expect(template.contentHeaders['content-type']).toBe('application/json')
    const [a, b] = [JSON.parse(template.render()), JSON.parse(template.render())]
    expect(a.id).toMatch(ID)
    expect(a.id).not.toBe(b.id)
    expect(withoutId(a)).toEqual(withoutId(STORED.body))
    const message = await bench.create(() => new Response(template.render(), { headers: template.contentHeaders }))
    expect(withoutId(JSON.parse(JSON.stringify(message)))).toEqual(withoutId(STORED.body))
  })
})

describe('replay as SSE', () => {
  test('the full event sequence, each named as its type', () => {
    const list = events(replaySse(STORED, 'msg_01X'))
    for (const e of list) expect(e.name).toBe(e.type)
    expect(list.map((e) => (e.type === 'content_block_delta' ? e.delta.type : e.type))).toEqual([
      'message_start',
      'content_block_start',
      ...Array(list.filter((e) => e.delta?.type === 'thinking_delta').length).fill('thinking_delta'),
      'signature_delta',
      'content_block_stop',
      'content_block_start',
      ...Array(list.filter((e) => e.delta?.type === 'text_delta').length).fill('text_delta'),
      'content_block_stop',
      'content_block_start',
      ...Array(list.filter((e) => e.delta?.type === 'input_json_delta').length).fill('input_json_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    // Text, thinking and input each in several pieces that concatenate back to them.
    const pieces = (type: string, field: string) => list.filter((e) => e.delta?.type === type).map((e) => e.delta[field])
    expect(pieces('thinking_delta', 'thinking').length).toBeGreaterThan(1)
    expect(pieces('thinking_delta', 'thinking').join('')).toBe(THINKING)
    expect(pieces('text_delta', 'text').length).toBeGreaterThan(1)
    expect(pieces('text_delta', 'text').join('')).toBe(TEXT)
    expect(pieces('input_json_delta', 'partial_json').length).toBeGreaterThan(1)
    expect(JSON.parse(pieces('input_json_delta', 'partial_json').join(''))).toEqual(INPUT)
    expect(pieces('signature_delta', 'signature')).toEqual([SIGNATURE])
  })

  test('usage: the input counts in message_start (nothing output yet), all of it in message_delta', () => {
    const list = events(replaySse(STORED, 'msg_01X'))
    expect(list[0].message).toEqual({ ...STORED.body, id: 'msg_01X', content: [], stop_reason: null, stop_sequence: null, usage: { ...STORED.body.usage, output_tokens: 0 } })
    const { service_tier: _tier, ...counts } = STORED.body.usage
    expect(list.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: counts })
  })

  test.each(Object.entries(ANSWERS))("the Anthropic SDK's MessageStream rebuilds %s exactly", async (_name, answer) => {
    const final = await bench.finalMessage(replaySse(answer, 'msg_01Replayed'))
    expect(final).toEqual({ ...answer.body, id: 'msg_01Replayed' })
  })

  test.each(Object.entries(ANSWERS))('recording the replay of %s gives the same message again', (_name, answer) => {
    const recorder = new MessagesRecorder()
    recorder.push(replaySse(answer, answer.body.id))
    expect(recorder.finish()).toEqual(answer)
  })

  test("the dialect's template: an event stream, a fresh id in message_start each time", async () => {
    const template = messagesDialect.template(RICH, messagesDialect.replayForm({ stream: true }))
    expect(template.contentHeaders).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
    const [a, b] = [events(template.render())[0].message.id, events(template.render())[0].message.id]
    expect(a).toMatch(ID)
    expect(a).not.toBe(b)
    expect(withoutId(await bench.finalMessage(template.render()))).toEqual(withoutId(RICH.body))
  })
})
