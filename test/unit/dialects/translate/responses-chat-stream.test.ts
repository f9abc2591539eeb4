import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { JsonObject } from '../../../../src/openai/validate'
import { chatToResponse } from '../../../../src/dialects/translate/responses-chat-answer'
import { ChatToResponsesStream } from '../../../../src/dialects/translate/responses-chat-stream'
import { chatChunk, chunksOf, delta, record, sse, TEXT_STREAM, USAGE } from '../../../helpers/sse-fixtures'
import { contextFor } from './fixtures'

// Chat Completions stream → Responses stream, one row per kind of chat stream (DESIGN §1.8). Each translated
// stream is also read by the real `openai` SDK's stream helper, whose final response must be the JSON
// translation of the same answer.

const BROWSER = { type: 'namespace', name: 'mcp__browser__', description: 'Browser.', tools: [{ type: 'function', name: 'navigate', parameters: { type: 'object', properties: { url: { type: 'string' } } } }] }
const WEATHER = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }

const ds = { id: 'd1a2b3c4-0000-4000-8000-000000000000', object: 'chat.completion.chunk', created: 1_767_225_599, model: 'deepseek-reasoner', system_fingerprint: 'fp_ds' }
const dsChunk = (d: object, finish: string | null = null, extra: object = {}) => ({ ...ds, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], ...extra })
const DS_USAGE = { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80, prompt_cache_hit_tokens: 24, prompt_cache_miss_tokens: 6, completion_tokens_details: { reasoning_tokens: 40 } }

/** DeepSeek's reasoner: reasoning first, then the answer; the usage rides on the finishing chunk. */
const REASONING_STREAM = sse([
  dsChunk({ role: 'assistant', content: null, reasoning_content: '' }),
  dsChunk({ content: null, reasoning_content: 'Six times' }),
  dsChunk({ content: null, reasoning_content: ' seven.' }),
  dsChunk({ content: '4', reasoning_content: null }),
  dsChunk({ content: '2.', reasoning_content: null }),
  dsChunk({ content: '', reasoning_content: null }, 'stop', { usage: DS_USAGE }),
  '[DONE]',
])

/** Two calls, a namespaced one first, their arguments cut mid-token. */
const TOOL_STREAM = sse([
  chatChunk([delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_nav', type: 'function', function: { name: 'mcp__browser__navigate', arguments: '' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"u' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'rl":"https://exa' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: 'mple.com"}' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] })]),
  chatChunk([delta({ tool_calls: [{ index: 1, function: { arguments: 'ty":"Paris"}' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  chatChunk([], { usage: { ...USAGE, completion_tokens: 40, total_tokens: 59 } }),
  '[DONE]',
])

const TEXT_THEN_CALL = sse([
  chatChunk([delta({ role: 'assistant', content: 'Let me ' })]),
  chatChunk([delta({ content: 'check.' })]),
  chatChunk([delta({ tool_calls: [{ index: 0, id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] })]),
  chatChunk([delta({}, 'tool_calls')]),
  chatChunk([], { usage: USAGE }),
  '[DONE]',
])

const LENGTH_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once upon' })]), chatChunk([delta({ content: ' a' })]), chatChunk([delta({}, 'length')]), chatChunk([], { usage: USAGE }), '[DONE]'])
const CUT_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once upon' })]), chatChunk([delta({ content: ' a' })])])
const ERROR_STREAM = sse([chatChunk([delta({ role: 'assistant', content: 'Once' })]), { error: { message: 'Model overloaded', type: 'server_error' } }])

const MESSAGE = ['response.output_item.added', 'response.content_part.added']
const MESSAGE_END = ['response.output_text.done', 'response.content_part.done', 'response.output_item.done']
const CALL_END = ['response.function_call_arguments.done', 'response.output_item.done']
const START = ['response.created', 'response.in_progress']
const times = (n: number, type: string) => Array.from({ length: n }, () => type)

interface Case {
  name: string
  request: JsonObject
  stream: Uint8Array
  events: string[]
  /** Whether the chat answer is whole (the final response must then be its JSON translation). */
  whole: boolean
  final: Record<string, unknown>
}

const cases: Case[] = [
  {
    name: 'text: output_text deltas, completed with the usage',
    request: { model: 'gpt-4o-mini', input: 'Say hi in French' },
    stream: TEXT_STREAM,
    events: [...START, ...MESSAGE, ...times(4, 'response.output_text.delta'), ...MESSAGE_END, 'response.completed'],
    whole: true,
    final: { status: 'completed', output_text: 'Bonjour! Ça va 😀?', usage: { input_tokens: 19, output_tokens: 10, total_tokens: 29 } },
  },
  {
    name: 'DeepSeek reasoning with reasoning.summary: summary deltas first',
    request: { model: 'deepseek-reasoner', input: '6 × 7?', reasoning: { summary: 'auto' } },
    stream: REASONING_STREAM,
    events: [
      ...START, 'response.output_item.added', 'response.reasoning_summary_part.added', ...times(2, 'response.reasoning_summary_text.delta'),
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.completed',
    ],
    whole: true,
    final: { status: 'completed', usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 24 }, output_tokens_details: { reasoning_tokens: 40 } } },
  },
  {
    name: 'DeepSeek reasoning without reasoning.summary: not sent',
    request: { model: 'deepseek-reasoner', input: '6 × 7?' },
    stream: REASONING_STREAM,
    events: [...START, ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.completed'],
    whole: true,
    final: { status: 'completed', output_text: '42.' },
  },
  {
    name: 'DeepSeek reasoning asked as encrypted content (Codex): a reasoning item without summary events',
    request: { model: 'deepseek-reasoner', input: '6 × 7?', include: ['reasoning.encrypted_content'], store: false },
    stream: REASONING_STREAM,
    events: [...START, 'response.output_item.added', 'response.output_item.done', ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.completed'],
    whole: true,
    final: { status: 'completed', store: false, output: [{ type: 'reasoning', summary: [], encrypted_content: expect.any(String) }, { type: 'message' }] },
  },
  {
    name: 'tool calls with arguments in pieces; a namespace member named back',
    request: { model: 'gpt-4o-mini', input: 'Open example.com, and the weather', tools: [BROWSER, WEATHER, { type: 'web_search' }] },
    stream: TOOL_STREAM,
    events: [
      ...START, 'response.output_item.added', ...times(3, 'response.function_call_arguments.delta'), ...CALL_END,
      'response.output_item.added', ...times(2, 'response.function_call_arguments.delta'), ...CALL_END, 'response.completed',
    ],
    whole: true,
    final: {
      status: 'completed',
      output: [
        { type: 'function_call', call_id: 'call_nav', name: 'navigate', namespace: 'mcp__browser__', arguments: '{"url":"https://example.com"}' },
        { type: 'function_call', call_id: 'call_w', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
    },
  },
  {
    name: 'text, then a call',
    request: { model: 'gpt-4o-mini', input: 'Weather in Rome?', tools: [WEATHER] },
    stream: TEXT_THEN_CALL,
    events: [...START, ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.output_item.added', 'response.function_call_arguments.delta', ...CALL_END, 'response.completed'],
    whole: true,
    final: { status: 'completed', output: [{ type: 'message' }, { type: 'function_call', call_id: 'call_w' }] },
  },
  {
    name: 'finish_reason length: response.incomplete',
    request: { model: 'gpt-4o-mini', input: 'A story', max_output_tokens: 3 },
    stream: LENGTH_STREAM,
    events: [...START, ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.incomplete'],
    whole: true,
    final: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] },
  },
  {
    name: 'a stream cut before its finish reason: response.failed, never completed',
    request: { model: 'gpt-4o-mini', input: 'A story' },
    stream: CUT_STREAM,
    events: [...START, ...MESSAGE, ...times(2, 'response.output_text.delta'), ...MESSAGE_END, 'response.failed'],
    whole: false,
    final: { status: 'failed', error: { code: 'server_error' }, output: [{ type: 'message', status: 'incomplete' }] },
  },
  {
    name: 'an error in the stream: response.failed naming it',
    request: { model: 'gpt-4o-mini', input: 'A story' },
    stream: ERROR_STREAM,
    events: [...START, ...MESSAGE, 'response.output_text.delta', ...MESSAGE_END, 'response.failed'],
    whole: false,
    final: { status: 'failed', error: { code: 'server_error', message: expect.stringContaining('Model overloaded') } },
  },
]

/** The translated stream of a chat SSE body, and the final response. */
function translate(c: Pick<Case, 'request' | 'stream'>) {
  const translator = new ChatToResponsesStream(contextFor(c.request))
  let text = ''
  for (const chunk of chunksOf(c.stream)) text += translator.push(chunk)
  text += translator.end()
  expect(translator.end()).toBe('')
  return { text, response: translator.response! }
}

function eventsOf(text: string): any[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [event, data] = block.split('\n')
      const parsed = JSON.parse(data!.slice('data: '.length))
      expect(event).toBe(`event: ${parsed.type}`)
      return parsed
    })
}

let server: ReturnType<typeof Bun.serve>
let answer = ''
beforeAll(() => {
  server = Bun.serve({ port: 0, fetch: () => new Response(answer, { headers: { 'content-type': 'text/event-stream' } }) })
})
afterAll(() => server.stop(true))

describe('ChatToResponsesStream', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', async (_name, c) => {
    const { text, response } = translate(c)
    const events = eventsOf(text)
    expect(events.map((e) => e.type)).toEqual(c.events)
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    expect(events.at(-1).response).toEqual(response)
    if (c.whole) expect(response).toEqual(chatToResponse(record('chat', c.stream).finish()!.body, contextFor(c.request)))

    answer = text
    const client = new OpenAI({ baseURL: `http://localhost:${server.port}/v1`, apiKey: 'sk-test', maxRetries: 0 })
    const final: any = await client.responses.stream(c.request as any).finalResponse()
    expect(final).toMatchObject(c.final)
    if (c.whole) expect(stripSdkFields(final)).toEqual(chatToResponse(record('chat', c.stream).finish()!.body, contextFor(c.request)))
  })

  test('pieces of a call that arrive after the next call began are not lost from the final response', () => {
    const stream = sse([
      chatChunk([delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'a', arguments: '{"x"' } }] })]),
      chatChunk([delta({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'b', arguments: '{}' } }] })]),
      chatChunk([delta({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })]),
      chatChunk([delta({}, 'tool_calls')]),
    ])
    const { response } = translate({ request: { model: 'm', input: 'x' }, stream })
    expect(response.output.map((item: any) => item.arguments)).toEqual(['{"x":1}', '{}'])
  })

  test('an upstream that says nothing at all: created, then failed', () => {
    const { text, response } = translate({ request: { model: 'm', input: 'x' }, stream: new Uint8Array() })
    expect(eventsOf(text).map((e) => e.type)).toEqual([...START, 'response.failed'])
    expect(response).toMatchObject({ status: 'failed', model: 'm', output: [] })
  })

  test('an empty answer still has its message', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', content: '' })]), chatChunk([delta({}, 'stop')]), '[DONE]'])
    const { response } = translate({ request: { model: 'm', input: 'x' }, stream })
    expect(response.output).toEqual(chatToResponse(record('chat', stream).finish()!.body, contextFor({ model: 'm', input: 'x' })).output)
    expect(response.output[0].content).toEqual([{ type: 'output_text', annotations: [], logprobs: [], text: '' }])
  })
})

/** What the SDK adds to a response it rebuilt: the convenience `output_text`, parsed output and arguments. */
function stripSdkFields(final: any) {
  const { output_text: _t, output_parsed: _p, ...rest } = final
  const content = (parts: any[] | undefined) => parts?.map(({ parsed: _q, ...part }: any) => part)
  return {
    ...rest,
    output: rest.output.map(({ parsed_arguments: _a, ...item }: any) => (item.content ? { ...item, content: content(item.content) } : item)),
  }
}
