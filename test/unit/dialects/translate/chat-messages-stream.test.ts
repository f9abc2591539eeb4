import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { messageToChat } from '../../../../src/dialects/translate/chat-messages-answer'
import { MessagesToChatStream } from '../../../../src/dialects/translate/chat-messages-stream'
import { ChatToResponsesStream } from '../../../../src/dialects/translate/responses-chat-stream'
import { contextFor } from './fixtures'

// Messages stream (Anthropic's events, parsed) → chat chunks, one row per kind of stream (DESIGN §1.8). The
// same events are read by the real `@anthropic-ai/sdk`, and the translated chunks by the real `openai`
// SDK's chat stream helper: its final completion must be the JSON translation of the SDK's final message.
// The chunks are also what the Responses translation takes (Responses → Messages goes through chat).

const CONTEXT = { id: 'chatcmpl-test0001', created: 1_767_225_600 }
const MODEL = 'claude-sonnet-4-5-20250929'
const start = (usage: Record<string, number> = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 400, output_tokens: 1 }) => ({
  type: 'message_start',
  message: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage },
})
const open = (index: number, content_block: Record<string, unknown>) => ({ type: 'content_block_start', index, content_block })
const d = (index: number, delta: Record<string, unknown>) => ({ type: 'content_block_delta', index, delta })
const stop = (index: number) => ({ type: 'content_block_stop', index })
const end = (stop_reason: string, usage: Record<string, number> = { output_tokens: 9 }) => [{ type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage }, { type: 'message_stop' }]

const TEXT_EVENTS = [
  start(), { type: 'ping' },
  open(0, { type: 'text', text: '' }), d(0, { type: 'text_delta', text: 'Bonjour' }), d(0, { type: 'text_delta', text: '! Ça va 😀?' }), stop(0),
  ...end('end_turn'),
]

/** Thinking, text, then two tool calls whose input comes in pieces (the first piece empty, as Anthropic sends). */
const TOOL_EVENTS = [
  start(),
  open(0, { type: 'thinking', thinking: '', signature: '' }), d(0, { type: 'thinking_delta', thinking: 'Use ' }), d(0, { type: 'thinking_delta', thinking: 'the tool.' }), d(0, { type: 'signature_delta', signature: 'ErUBCkYIBRgC' }), stop(0),
  open(1, { type: 'text', text: '' }), d(1, { type: 'text_delta', text: 'Checking.' }), stop(1),
  open(2, { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: {} }),
  d(2, { type: 'input_json_delta', partial_json: '' }), d(2, { type: 'input_json_delta', partial_json: '{"city":' }), d(2, { type: 'input_json_delta', partial_json: ' "Paris"}' }), stop(2),
  open(3, { type: 'tool_use', id: 'toolu_01B', name: 'get_weather', input: {} }), d(3, { type: 'input_json_delta', partial_json: '{"city": "Rome"}' }), stop(3),
  ...end('tool_use', { input_tokens: 12, cache_read_input_tokens: 400, output_tokens: 60 }),
]

const LENGTH_EVENTS = [start(), open(0, { type: 'text', text: '' }), d(0, { type: 'text_delta', text: 'Once upon' }), stop(0), ...end('max_tokens')]
const OVERLOADED_EVENTS = [start(), open(0, { type: 'text', text: '' }), d(0, { type: 'text_delta', text: 'Once' }), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]
const CUT_EVENTS = [start(), open(0, { type: 'text', text: '' }), d(0, { type: 'text_delta', text: 'Once' })]

/** The chat chunks of a Messages event sequence. */
function translate(events: object[], includeUsage = true) {
  const translator = new MessagesToChatStream({ ...CONTEXT, includeUsage })
  const chunks = events.flatMap((event) => translator.push(event))
  chunks.push(...translator.end())
  expect(translator.end()).toEqual([])
  return chunks
}

const anthropicSse = (events: object[]) => events.map((e: any) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('')
const chatSse = (chunks: object[]) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n'

let server: ReturnType<typeof Bun.serve>
let events: object[] = []
beforeAll(() => {
  server = Bun.serve({
    port: 0,
    fetch: (request) => {
      const body = new URL(request.url).pathname.endsWith('/messages') ? anthropicSse(events) : chatSse(translate(events))
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
})
afterAll(() => server.stop(true))

const anthropic = () => new Anthropic({ baseURL: `http://localhost:${server.port}`, apiKey: 'sk-ant-test', maxRetries: 0 })
const openai = () => new OpenAI({ baseURL: `http://localhost:${server.port}/v1`, apiKey: 'sk-test', maxRetries: 0 })
const ASK = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] }

describe('MessagesToChatStream', () => {
  test('text: the role chunk, content deltas, the finishing chunk, the usage chunk', () => {
    const chunks = translate(TEXT_EVENTS)
    expect(chunks.map((c) => c.choices[0]?.delta ?? 'usage')).toEqual([{ role: 'assistant', content: '' }, { content: 'Bonjour' }, { content: '! Ça va 😀?' }, {}, 'usage'])
    expect(chunks[3]).toEqual({ id: CONTEXT.id, object: 'chat.completion.chunk', created: CONTEXT.created, model: MODEL, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })
    expect(chunks[4]).toEqual({
      id: CONTEXT.id, object: 'chat.completion.chunk', created: CONTEXT.created, model: MODEL, choices: [],
      usage: { prompt_tokens: 412, completion_tokens: 9, total_tokens: 421, prompt_tokens_details: { cached_tokens: 400 } },
    })
  })

  test('no usage chunk when the client did not ask', () => {
    expect(translate(TEXT_EVENTS, false).filter((c) => c.usage)).toEqual([])
  })

  test('thinking → reasoning_content deltas; each tool_use → a tool call of its own index, its input pieces the arguments', () => {
    const deltas = translate(TOOL_EVENTS).map((c) => c.choices[0]?.delta)
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Use ' },
      { reasoning_content: 'the tool.' },
      { content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"city": "Rome"}' } }] },
      {},
      undefined,
    ])
  })

  test.each([
    ['text', TEXT_EVENTS],
    ['thinking, text and two tool calls', TOOL_EVENTS],
    ['max_tokens', LENGTH_EVENTS],
  ] as const)('%s: the OpenAI SDK\'s final completion is the JSON translation of the Anthropic SDK\'s final message', async (_name, sequence) => {
    events = [...sequence]
    const message = await anthropic().messages.stream(ASK).finalMessage()
    const expected = messageToChat(message, CONTEXT)
    const completion = await openai().chat.completions.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], stream_options: { include_usage: true } }).finalChatCompletion()
    expect(completion).toMatchObject({ id: CONTEXT.id, created: CONTEXT.created, model: MODEL, usage: expected.usage })
    const choice = completion.choices[0]!
    expect(choice.finish_reason).toBe(expected.choices[0].finish_reason)
    expect(choice.message.content).toBe(expected.choices[0].message.content)
    // The stream hands on Anthropic's own JSON text, the JSON answer its input restringified: the same calls.
    const calls = (tool_calls: any[] | undefined) => tool_calls?.map((c) => ({ id: c.id, type: c.type, name: c.function.name, input: JSON.parse(c.function.arguments) }))
    expect(calls(choice.message.tool_calls)).toEqual(calls(expected.choices[0].message.tool_calls))
  })

  test.each([
    ['an overloaded_error event', OVERLOADED_EVENTS, /Overloaded/],
    ['a stream cut before message_stop', CUT_EVENTS, /before it was finished/],
  ] as const)('%s: an error chunk, never a finish reason; the OpenAI SDK throws', async (_name, sequence, message) => {
    const chunks = translate([...sequence])
    expect(chunks.some((c) => c.choices?.some((choice: any) => choice.finish_reason))).toBe(false)
    expect(chunks.at(-1)!.error).toMatchObject({ message: expect.stringMatching(message) })
    events = [...sequence]
    await expect(openai().chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).finalChatCompletion()).rejects.toThrow(message)
  })

  test('Responses → Messages: the chunks are what ChatToResponsesStream takes', () => {
    const responses = new ChatToResponsesStream(contextFor({ model: 'claude-sonnet-4-5', input: 'Weather?', reasoning: { summary: 'auto' }, tools: [{ type: 'function', name: 'get_weather' }] }))
    for (const chunk of translate(TOOL_EVENTS)) responses.push(chunk)
    responses.end()
    expect(responses.response).toMatchObject({
      status: 'completed',
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Use the tool.' }] },
        { type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'toolu_01A', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { type: 'function_call', call_id: 'toolu_01B', name: 'get_weather', arguments: '{"city": "Rome"}' },
      ],
      usage: { input_tokens: 412, input_tokens_details: { cached_tokens: 400 }, output_tokens: 60 },
    })
    const failed = new ChatToResponsesStream(contextFor({ model: 'claude-sonnet-4-5', input: 'x' }))
    for (const chunk of translate(OVERLOADED_EVENTS)) failed.push(chunk)
    failed.end()
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: expect.stringContaining('Overloaded') } })
  })
})
