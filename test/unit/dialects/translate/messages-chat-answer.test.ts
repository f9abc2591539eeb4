import { describe, expect, test } from 'bun:test'
import type { JsonObject } from '../../../../src/openai/validate'
import { chatToMessage } from '../../../../src/dialects/translate/messages-chat-answer'
import { messagesToChat } from '../../../../src/dialects/translate/messages-chat-request'
import { encodeThinkingSignature, isProxySignature } from '../../../../src/dialects/translate/messages-chat-thinking'
import { completion } from './fixtures'

// A chat-only upstream's JSON answer → the Anthropic message, one row per kind of answer (DESIGN §1.8).

const WEATHER = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }
const ask = (extra: Record<string, unknown> = {}): JsonObject => ({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: '6 × 7?' }], ...extra })
const THINKING = { thinking: { type: 'enabled', budget_tokens: 2048 } }
const DS_USAGE = { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80, prompt_cache_hit_tokens: 24, prompt_cache_miss_tokens: 6 }
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } })

interface Case {
  name: string
  request: JsonObject
  completion: Record<string, any>
  /** Fields the message must have (toMatchObject). */
  message: Record<string, unknown>
}

const cases: Case[] = [
  {
    name: 'text: end_turn; OpenAI\'s cached tokens read out of the input',
    request: ask(),
    completion: completion({ content: 'Bonjour!' }, 'stop', { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, prompt_tokens_details: { cached_tokens: 8 } }),
    message: {
      id: 'msg_test0001', type: 'message', role: 'assistant', model: 'deepseek-chat', content: [{ type: 'text', text: 'Bonjour!' }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 8, output_tokens: 5 },
    },
  },
  {
    name: 'cache writes a chat upstream reports (OpenRouter, or an anthropic upstream through chat) kept apart from the input',
    request: ask(),
    completion: completion({ content: 'Bonjour!' }, 'stop', { prompt_tokens: 3000, completion_tokens: 5, total_tokens: 3005, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1800 } }),
    message: { usage: { input_tokens: 200, cache_creation_input_tokens: 1800, cache_read_input_tokens: 1000, output_tokens: 5 } },
  },
  {
    name: 'DeepSeek reasoning, thinking enabled: a thinking block first, its signature carrying the text; DeepSeek\'s cache hits',
    request: ask(THINKING),
    completion: completion({ content: '42.', reasoning_content: 'Six sevens.' }, 'stop', DS_USAGE),
    message: {
      content: [{ type: 'thinking', thinking: 'Six sevens.', signature: encodeThinkingSignature('Six sevens.') }, { type: 'text', text: '42.' }],
      usage: { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 24, output_tokens: 50 },
    },
  },
  {
    name: 'thinking display omitted: the block with no text, the signature still carrying it',
    request: ask({ thinking: { type: 'adaptive', display: 'omitted' } }),
    completion: completion({ content: '42.', reasoning_content: 'Six sevens.' }),
    message: { content: [{ type: 'thinking', thinking: '', signature: encodeThinkingSignature('Six sevens.') }, { type: 'text', text: '42.' }] },
  },
  {
    name: 'reasoning the request did not ask for, no tool call: not shown',
    request: ask(),
    completion: completion({ content: '42.', reasoning: 'Six sevens.' }),
    message: { content: [{ type: 'text', text: '42.' }] },
  },
  {
    name: 'tool calls: tool_use blocks (ids kept, input parsed); unasked reasoning carried before the first call',
    request: ask({ tools: [WEATHER] }),
    completion: completion({ content: 'Checking.', reasoning_content: 'Use the tool.', tool_calls: [call('call_a', 'get_weather', '{"city":"Paris"}'), call('call_b', 'get_weather', '{"city":"Rome"}')] }, 'tool_calls'),
    message: {
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'thinking', thinking: '', signature: encodeThinkingSignature('Use the tool.') },
        { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
    },
  },
  {
    name: 'a call with broken arguments: input {}; a call with no id gets a toolu_ one',
    request: ask({ tools: [WEATHER] }),
    completion: completion({ content: null, tool_calls: [call('call_a', 'get_weather', '{"city":"Par'), { type: 'function', function: { name: 'get_weather', arguments: '[1]' } }] }, 'tool_calls'),
    message: { content: [{ type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} }, { type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'get_weather', input: {} }] },
  },
  { name: 'length: max_tokens', request: ask(), completion: completion({ content: 'Once upon' }, 'length'), message: { stop_reason: 'max_tokens' } },
  { name: 'content_filter: refusal', request: ask(), completion: completion({ content: '' }, 'content_filter'), message: { stop_reason: 'refusal', content: [] } },
  {
    name: 'an OpenAI refusal: its text, stop reason refusal',
    request: ask(),
    completion: completion({ content: null, refusal: 'I can\'t help with that.' }, 'stop'),
    message: { content: [{ type: 'text', text: 'I can\'t help with that.' }], stop_reason: 'refusal' },
  },
  {
    name: 'vLLM names the stop sequence it hit: stop_sequence',
    request: ask({ stop_sequences: ['END'] }),
    completion: { ...completion({ content: 'Done' }), choices: [{ index: 0, message: { role: 'assistant', content: 'Done' }, finish_reason: 'stop', stop_reason: 'END' }] },
    message: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
  },
  {
    name: 'the upstream gave up (DeepSeek\'s insufficient_system_resource): no stop reason',
    request: ask(),
    completion: completion({ content: 'Once' }, 'insufficient_system_resource'),
    message: { stop_reason: null, content: [{ type: 'text', text: 'Once' }] },
  },
  { name: 'no finish reason in a JSON answer: whole, end_turn', request: ask(), completion: completion({ content: 'Hi' }, null), message: { stop_reason: 'end_turn' } },
  {
    name: 'no usage: zeros; the request\'s model when the upstream names none',
    request: ask(),
    completion: { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] },
    message: { model: 'claude-sonnet-4-5', usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 } },
  },
]

describe('chatToMessage', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const message = chatToMessage(c.completion, { id: 'msg_test0001', request: c.request })
    expect(message).toMatchObject(c.message)
    if ('content' in c.message) expect(message.content).toHaveLength((c.message.content as unknown[]).length)
  })

  test('a tool round trip: the answer sent back gives DeepSeek its calls, ids and reasoning as they were', () => {
    const request = ask({ tools: [WEATHER] })
    const calls = [call('call_a', 'get_weather', '{"city":"Paris"}')]
    const upstream = completion({ content: null, reasoning_content: 'Use the tool.', tool_calls: calls }, 'tool_calls')
    const answer = chatToMessage(upstream, { id: 'msg_1', request })
    expect(isProxySignature(answer.content[0].signature)).toBe(true)
    // The next request, as Claude Code sends it: the answer as it was, then the tool's result.
    const next = { ...request, messages: [...(request.messages as unknown[]), { role: 'assistant', content: answer.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_a', content: 'Sunny' }] }] }
    const { chat } = messagesToChat(next, 'deepseek')
    expect(chat.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, reasoning_content: 'Use the tool.', tool_calls: calls },
      { role: 'tool', tool_call_id: 'call_a', content: 'Sunny' },
    ])
  })
})
