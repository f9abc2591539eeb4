import { describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { newItemId, ResponsesEventWriter } from '../../../../src/dialects/translate/responses-events'
import { SseParser } from '../../../../src/openai/sse/parser'
import { USAGE } from './fixtures'

// The incremental writer of Responses streams (dialects/translate/responses-events.ts): what a replay and a
// translated chat stream are both written with.

const SHELL = { id: 'resp_writer01', object: 'response', created_at: 1755443394, model: 'deepseek-chat', completed_at: null, error: null, incomplete_details: null }

const parse = (sse: string) => new SseParser().pushEvents(sse).map((event) => ({ name: event.event, ...JSON.parse(event.data) }))

/** The SDK's own stream helper (`responses.stream()`) fed `sse`: its final response, or what it threw. */
function sdkFinal(sse: string) {
  const client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://127.0.0.1:1/v1',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  })
  return client.responses.stream({ model: 'deepseek-chat', input: 'hi' }).finalResponse()
}

/** A chat-like answer written as a translation would: reasoning, text, two tool calls, nothing closed by hand. */
function translated() {
  const w = new ResponsesEventWriter()
  let sse = w.created(SHELL)
  sse += w.summaryDelta('The user asks ') + w.summaryDelta('for the weather.')
  sse += w.textDelta('Let me ') + w.textDelta('check.')
  sse += w.openFunctionCall('call_1', 'get_weather') + w.argumentsDelta('{"city":') + w.argumentsDelta('"Paris"}')
  sse += w.openFunctionCall('call_2', 'get_time', { namespace: 'clock' }) + w.argumentsDelta('{}')
  sse += w.completed(USAGE)
  return { w, sse }
}

describe('ResponsesEventWriter', () => {
  test('every event is `event: <type>` + data with its type and a sequence_number from 0', () => {
    const { sse } = translated()
    expect(sse.split('\n\n').filter(Boolean).every((block) => /^event: (\S+)\ndata: \{"type":"\1","sequence_number":\d+,/.test(block))).toBe(true)
    const events = parse(sse)
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
  })

  test('items open and close in order: opening the next or ending the response closes the last', () => {
    const events = parse(translated().sse)
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(events[0].response).toEqual({ ...SHELL, status: 'in_progress', output: [], usage: null })
    expect(events.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index)).toEqual([0, 1, 2, 3])
  })

  test('the completed response holds every item as closed, and the usage given', () => {
    const { w, sse } = translated()
    const completed = parse(sse).at(-1)!.response
    expect(completed).toMatchObject({ id: 'resp_writer01', status: 'completed', usage: USAGE, error: null })
    expect(completed.completed_at).toBeGreaterThan(SHELL.created_at)
    expect(completed.output).toEqual(w.output)
    const [reasoning, message, call1, call2] = w.output
    expect(reasoning).toEqual({ id: expect.stringMatching(/^rs_[0-9a-f]{48}$/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user asks for the weather.' }] })
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      status: 'completed',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Let me check.' }],
      role: 'assistant',
    })
    expect(call1).toEqual({ id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' })
    expect(call2).toMatchObject({ call_id: 'call_2', name: 'get_time', namespace: 'clock', arguments: '{}' })
  })

  test("the SDK's stream helper accepts a written stream and rebuilds the same response", async () => {
    const { w, sse } = translated()
    const final = await sdkFinal(sse)
    expect(final.output_text).toBe('Let me check.')
    expect(final.output.map(({ parsed_arguments: _p, ...item }: any) => (item.type === 'message' ? { ...item, content: item.content.map(({ parsed: _x, ...c }: any) => c) } : item))).toEqual(w.output)
    expect(final.usage).toEqual(USAGE as any)
    expect(final.status).toBe('completed')
  })

  test('the guard is real: the SDK refuses a stream that skips an event', async () => {
    const { sse } = translated()
    expect((await sdkFinal(sse)).status).toBe('completed')
    const broken = sse.split(/(?<=\n\n)/).filter((block) => !block.startsWith('event: response.content_part.added')).join('')
    await expect(sdkFinal(broken)).rejects.toThrow('missing content at index 0')
  })

  test('an empty message still has its text part; ids and fields can be given', () => {
    const w = new ResponsesEventWriter()
    w.created(SHELL)
    const events = parse(w.openMessage({ id: 'msg_given', phase: 'final_answer' }) + w.closeMessage())
    expect(events.map((e) => e.type)).toEqual(['response.output_item.added', 'response.content_part.added', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done'])
    expect(events.at(-1).item).toEqual({ id: 'msg_given', type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: '' }], role: 'assistant', phase: 'final_answer' })
  })

  test('refusal parts, annotations, several summary parts, whole items and `final` items', () => {
    const w = new ResponsesEventWriter()
    w.created(SHELL)
    let sse = w.textDelta('See ') + w.annotation({ type: 'url_citation', url: 'https://example.org' }) + w.refusalDelta('No.')
    sse += w.summaryDelta('one') + w.closeSummaryPart() + w.summaryDelta('two')
    sse += w.item({ id: 'ws_1', type: 'web_search_call', status: 'completed' })
    sse += w.openReasoning({ id: 'rs_given' }) + w.closeReasoning({ id: 'rs_given', type: 'reasoning', summary: [], encrypted_content: 'gAAA' })
    sse += w.incomplete('max_output_tokens')
    const events = parse(sse)
    expect(events.filter((e) => e.type === 'response.content_part.added').map((e) => [e.content_index, e.part.type])).toEqual([[0, 'output_text'], [1, 'refusal']])
    expect(events.find((e) => e.type === 'response.refusal.done')).toMatchObject({ refusal: 'No.', content_index: 1 })
    expect(events.find((e) => e.type === 'response.output_text.annotation.added')).toMatchObject({ annotation_index: 0, content_index: 0 })
    expect(events.filter((e) => e.type === 'response.reasoning_summary_part.done').map((e) => [e.summary_index, e.part.text])).toEqual([[0, 'one'], [1, 'two']])
    expect(events.find((e) => e.item?.type === 'web_search_call')!.item.status).toBe('in_progress')
    expect(w.output.map((item) => item.type)).toEqual(['message', 'reasoning', 'web_search_call', 'reasoning'])
    expect(w.output[3]).toEqual({ id: 'rs_given', type: 'reasoning', summary: [], encrypted_content: 'gAAA' })
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null } })
  })

  test('failed ends with the error; finish ends with the response given; the SDK reads both ends', async () => {
    const failed = new ResponsesEventWriter()
    const sse = failed.created(SHELL) + failed.textDelta('Hal') + failed.failed({ code: 'server_error', message: 'upstream cut' })
    expect((await sdkFinal(sse)).status).toBe('failed')
    const cut = new ResponsesEventWriter()
    expect((await sdkFinal(cut.created(SHELL) + cut.textDelta('Hal') + cut.incomplete('max_output_tokens'))).incomplete_details).toEqual({ reason: 'max_output_tokens' })
    const events = parse(sse)
    expect(events.at(-2).type).toBe('response.output_item.done')
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'upstream cut' } } })

    const w = new ResponsesEventWriter()
    const given = { ...SHELL, status: 'completed', output: [], usage: null }
    expect(parse(w.created(SHELL) + w.finish(given)).at(-1)).toMatchObject({ type: 'response.completed', response: given })
  })

  test('misuse is a programmer error: nothing before created(), nothing after the end, no arguments without a call', () => {
    expect(() => new ResponsesEventWriter().textDelta('x')).toThrow('created() must come first')
    const w = new ResponsesEventWriter()
    w.created(SHELL)
    expect(() => w.argumentsDelta('{}')).toThrow('no function call is open')
    w.completed()
    expect(() => w.textDelta('late')).toThrow('after the response ended')
  })

  test('empty deltas open what they must and send nothing else', () => {
    const w = new ResponsesEventWriter()
    w.created(SHELL)
    expect(parse(w.textDelta('')).map((e) => e.type)).toEqual(['response.output_item.added', 'response.content_part.added'])
    expect(w.textDelta('')).toBe('')
    w.openFunctionCall('c', 'f')
    expect(w.argumentsDelta('')).toBe('')
  })

  test('newItemId', () => {
    expect(newItemId('msg')).toMatch(/^msg_[0-9a-f]{48}$/)
    expect(new Set(Array.from({ length: 100 }, () => newItemId('fc'))).size).toBe(100)
  })
})
