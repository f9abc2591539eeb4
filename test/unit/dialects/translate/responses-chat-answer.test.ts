import { describe, expect, test } from 'bun:test'
import type { JsonObject } from '../../../../src/openai/validate'
import { completion, contextFor } from './fixtures'
import { chatToResponse, itemId } from '../../../../src/dialects/translate/responses-chat-answer'
import { responsesToChat } from '../../../../src/dialects/translate/responses-chat-request'
import { reasoningTextOf } from '../../../../src/dialects/translate/responses-chat-reasoning'

// Chat Completions answer → Responses object, one row per thing a chat answer can say (DESIGN §1.8).

const BROWSER = { type: 'namespace', name: 'mcp__browser__', description: 'Browser.', tools: [{ type: 'function', name: 'navigate', parameters: { type: 'object', properties: {} } }] }

const ctx = contextFor({ model: 'fast', input: 'x' })
const msg = (index: number, c = ctx) => itemId('msg', c, index)

interface Case {
  name: string
  request?: JsonObject
  completion: any
  /** Fields the response must have (toMatchObject). */
  response: Record<string, unknown>
  /** The output items, exactly. */
  output?: unknown[]
}

const cases: Case[] = [
  {
    name: 'text: a completed message, usage in Responses names, cached tokens from prompt_tokens_details',
    completion: completion({ content: 'Hello!' }, 'stop', { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25, prompt_tokens_details: { cached_tokens: 16 } }),
    response: {
      id: 'resp_test0001',
      object: 'response',
      created_at: 1_767_225_600,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'deepseek-chat',
      usage: { input_tokens: 20, input_tokens_details: { cached_tokens: 16 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 25 },
    },
    output: [{ id: msg(0), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hello!' }] }],
  },
  {
    name: 'DeepSeek reasoning_content with reasoning.summary: a reasoning item first; DeepSeek cache and reasoning counts',
    request: { model: 'deepseek-reasoner', input: 'x', reasoning: { summary: 'auto' } },
    completion: completion({ content: '42.', reasoning_content: 'Think: 6 × 7.' }, 'stop', { prompt_tokens: 30, completion_tokens: 50, total_tokens: 80, prompt_cache_hit_tokens: 24, prompt_cache_miss_tokens: 6, completion_tokens_details: { reasoning_tokens: 40 } }),
    response: {
      reasoning: { effort: null, summary: 'auto' },
      usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 24 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 80 },
    },
    output: [
      { id: itemId('rs', contextFor({ model: 'deepseek-reasoner', input: 'x', reasoning: { summary: 'auto' } }), 0), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think: 6 × 7.' }] },
      { id: itemId('msg', contextFor({ model: 'deepseek-reasoner', input: 'x', reasoning: { summary: 'auto' } }), 1), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: '42.' }] },
    ],
  },
  {
    name: "Moonshot's cached_tokens: counted as cached",
    completion: completion({ content: 'ok' }, 'stop', { prompt_tokens: 40, completion_tokens: 2, total_tokens: 42, cached_tokens: 32 }),
    response: { usage: { input_tokens: 40, input_tokens_details: { cached_tokens: 32 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 42 } },
  },
  {
    name: 'DeepSeek reasoning_content without reasoning.summary: not given',
    completion: completion({ content: '42.', reasoning_content: 'Think: 6 × 7.' }),
    response: { status: 'completed' },
    output: [{ id: msg(0), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: '42.' }] }],
  },
  {
    name: 'tool calls: call ids kept, fc_ ids, namespace names mapped back, no empty message',
    request: { model: 'm', input: 'x', tools: [BROWSER, { type: 'function', name: 'get_weather' }] },
    completion: completion(
      {
        content: null,
        tool_calls: [
          { id: 'call_0_abc', type: 'function', function: { name: 'mcp__browser__navigate', arguments: '{"url":"https://example.com"}' } },
          { id: 'call_1_def', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      'tool_calls'
    ),
    response: { status: 'completed' },
    output: [
      { id: itemId('fc', contextFor({ model: 'm', input: 'x', tools: [BROWSER, { type: 'function', name: 'get_weather' }] }), 0), type: 'function_call', status: 'completed', arguments: '{"url":"https://example.com"}', call_id: 'call_0_abc', name: 'navigate', namespace: 'mcp__browser__' },
      { id: itemId('fc', contextFor({ model: 'm', input: 'x', tools: [BROWSER, { type: 'function', name: 'get_weather' }] }), 1), type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: 'call_1_def', name: 'get_weather' },
    ],
  },
  {
    name: 'text then a tool call: both items, in that order',
    completion: completion({ content: 'Let me check.', tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'now', arguments: '{}' } }] }, 'tool_calls'),
    response: { status: 'completed' },
    output: [
      { id: msg(0), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Let me check.' }] },
      { id: itemId('fc', ctx, 1), type: 'function_call', status: 'completed', arguments: '{}', call_id: 'call_x', name: 'now' },
    ],
  },
  {
    name: 'finish_reason length: incomplete, max_output_tokens, the message incomplete',
    request: { model: 'm', input: 'x', max_output_tokens: 5 },
    completion: completion({ content: 'Once upon a' }, 'length'),
    response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 5 },
    output: [{ id: itemId('msg', contextFor({ model: 'm', input: 'x', max_output_tokens: 5 }), 0), type: 'message', status: 'incomplete', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Once upon a' }] }],
  },
  { name: 'finish_reason content_filter: incomplete, content_filter', completion: completion({ content: '' }, 'content_filter'), response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } } },
  {
    name: "DeepSeek's insufficient_system_resource: failed, with an error",
    completion: completion({ content: 'Half an ans' }, 'insufficient_system_resource'),
    response: { status: 'failed', error: { code: 'server_error', message: expect.stringContaining('insufficient_system_resource') } },
  },
  {
    name: 'a refusal: a refusal part',
    completion: completion({ content: null, refusal: 'I cannot help with that.' }),
    response: { status: 'completed' },
    output: [{ id: msg(0), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] }],
  },
  {
    name: 'nothing said: one empty message; no usage: null',
    completion: completion({ content: null }, 'stop', null),
    response: { status: 'completed', usage: null },
    output: [{ id: msg(0), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: '' }] }],
  },
  {
    name: "the request's settings echoed as OpenAI's responses carry them",
    request: {
      model: 'fast', input: 'x', instructions: 'Be brief.', temperature: 0.3, top_p: 0.8, max_output_tokens: 100, store: false, parallel_tool_calls: false,
      tools: [{ type: 'function', name: 'now' }, { type: 'web_search' }], tool_choice: 'auto', text: { format: { type: 'json_object' } }, previous_response_id: 'resp_prev', metadata: { a: '1' },
    },
    completion: completion({ content: '{}' }),
    response: {
      instructions: 'Be brief.', temperature: 0.3, top_p: 0.8, max_output_tokens: 100, store: false, parallel_tool_calls: false,
      tools: [{ type: 'function', name: 'now' }, { type: 'web_search' }], tool_choice: 'auto', text: { format: { type: 'json_object' }, verbosity: 'medium' },
      previous_response_id: 'resp_prev', metadata: { a: '1' }, background: false, truncation: 'disabled', reasoning: { effort: null, summary: null },
    },
  },
  {
    name: 'cache writes (an anthropic upstream through chat) kept in input_tokens_details; reasoning tokens',
    completion: completion({ content: 'ok' }, 'stop', { prompt_tokens: 3000, completion_tokens: 9, total_tokens: 3009, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1800 }, completion_tokens_details: { reasoning_tokens: 4 } }),
    response: { usage: { input_tokens: 3000, input_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1800 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 3009 } },
  },
  {
    name: 'defaults echoed when the request said nothing',
    completion: completion({ content: 'ok' }),
    response: { instructions: null, temperature: 1, top_p: 1, max_output_tokens: null, store: true, parallel_tool_calls: true, tools: [], tool_choice: 'auto', text: { format: { type: 'text' }, verbosity: 'medium' }, previous_response_id: null, metadata: {} },
  },
]

describe('chatToResponse', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const response = chatToResponse(c.completion, c.request ? contextFor(c.request) : ctx)
    expect(response).toMatchObject(c.response)
    if (c.output) expect(response.output).toEqual(c.output)
  })

  test('reasoning asked as encrypted content (Codex): an item without summary whose content comes back as reasoning_content', () => {
    const request = { model: 'm', input: 'x', include: ['reasoning.encrypted_content'], store: false }
    const response = chatToResponse(completion({ content: null, reasoning_content: 'Call the clock.', tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'now', arguments: '{}' } }] }, 'tool_calls'), contextFor(request))
    const [reasoning, call] = response.output
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [] })
    expect(reasoning.encrypted_content).not.toContain('Call the clock')
    expect(reasoningTextOf(reasoning)).toBe('Call the clock.')
    // The next turn, as Codex sends it: every item back, and the tool's output.
    const next = responsesToChat({ model: 'm', input: [{ role: 'user', content: 'x' }, ...response.output, { type: 'function_call_output', call_id: 'call_c', output: '12:00' }] }, undefined, 'deepseek')
    expect(next.chat.messages[1]).toEqual({ role: 'assistant', content: null, reasoning_content: 'Call the clock.', tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'now', arguments: '{}' } }] })
  })

  test('item ids are fixed by the response id and position, and differ between responses', () => {
    const a = chatToResponse(completion({ content: 'x' }), ctx)
    expect(chatToResponse(completion({ content: 'x' }), ctx).output[0].id).toBe(a.output[0].id)
    expect(a.output[0].id).toMatch(/^msg_[0-9a-f]{48}$/)
    expect(chatToResponse(completion({ content: 'x' }), { ...ctx, id: 'resp_other' }).output[0].id).not.toBe(a.output[0].id)
  })

  test('completed_at: when it completed (the injected clock); null for a cut answer', () => {
    expect(chatToResponse(completion({ content: 'x' }), ctx)).toMatchObject({ status: 'completed', created_at: 1_767_225_600, completed_at: 1_767_225_605 })
    expect(chatToResponse(completion({ content: 'Once upon a' }, 'length'), ctx)).toMatchObject({ status: 'incomplete', completed_at: null })
  })

  test('a tool call without an id gets a call_ id', () => {
    const response = chatToResponse(completion({ content: null, tool_calls: [{ type: 'function', function: { name: 'now', arguments: '{}' } }] }, 'tool_calls'), ctx)
    expect(response.output[0].call_id).toMatch(/^call_[0-9a-f]{48}$/)
  })
})
