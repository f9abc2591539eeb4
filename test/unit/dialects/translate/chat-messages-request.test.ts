import { describe, expect, test } from 'bun:test'
import { ApiError } from '../../../../src/errors'
import type { JsonObject } from '../../../../src/openai/validate'
import { chatToMessages, DEFAULT_MAX_TOKENS } from '../../../../src/dialects/translate/chat-messages-request'
import { responsesToChat } from '../../../../src/dialects/translate/responses-chat-request'

// Chat Completions → Messages, one row per thing a chat request can say (DESIGN §1.8): a chat client using
// an `anthropic` upstream's models.

const UPSTREAM = 'anthropic'
const PNG_DATA = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const PARAMS = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
const WEATHER = { type: 'function', function: { name: 'get_weather', description: 'Weather of a city.', parameters: PARAMS, strict: true } }
const TIME = { type: 'function', function: { name: 'get_time' } }
const ANTHROPIC_WEATHER = { name: 'get_weather', description: 'Weather of a city.', input_schema: PARAMS }
const text = (t: string) => ({ type: 'text', text: t })
const ask = (extra: Record<string, unknown> = {}): JsonObject => ({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], ...extra })
const call = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } })
const LOOP = [
  { role: 'user', content: 'Weather?' },
  { role: 'assistant', content: null, tool_calls: [call('toolu_1', 'get_weather', '{"city":"Paris"}')] },
  { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
]

interface Case {
  name: string
  body: JsonObject
  /** Fields the Messages body must have (toMatchObject). */
  expected?: Record<string, unknown>
  /** The Messages conversation, exactly. */
  messages?: unknown[]
  dropped?: string[]
  /** Fields the Messages body must not have. */
  absent?: string[]
  /** The refusal: the field named. */
  refused?: string
}

const cases: Case[] = [
  {
    name: 'a user message; max_tokens required by Anthropic: the default when the request sets none',
    body: ask(),
    expected: { model: 'claude-sonnet-4-5', max_tokens: DEFAULT_MAX_TOKENS },
    messages: [{ role: 'user', content: [text('Hi')] }],
    dropped: [],
    absent: ['system', 'stream', 'tools', 'tool_choice', 'thinking', 'stop_sequences', 'temperature', 'output_config'],
  },
  {
    name: 'system and developer messages → system, in order; max_completion_tokens before max_tokens',
    body: ask({
      max_completion_tokens: 500, max_tokens: 900,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: [text('Answer in French.')] }, { role: 'user', content: 'Hi' }, { role: 'system', content: 'No emojis.' }],
    }),
    expected: { system: 'Be brief.\n\nAnswer in French.\n\nNo emojis.', max_tokens: 500 },
    messages: [{ role: 'user', content: [text('Hi')] }],
  },
  {
    name: 'images: a data URL → base64, an http URL → url; a PDF as file_data → a document',
    body: ask({
      messages: [{ role: 'user', content: [
        text('Compare'),
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_DATA}`, detail: 'high' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
      ] }],
    }),
    messages: [{ role: 'user', content: [
      text('Compare'),
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_DATA } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
    ] }],
  },
  {
    name: 'a tool round: tool_calls → tool_use (ids kept, input parsed), tool messages → one user message of tool_results, the next user text after them',
    body: ask({
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        { role: 'assistant', content: 'Checking.', reasoning_content: 'Use the tool.', tool_calls: [call('call_a', 'get_weather', '{"city":"Paris"}'), call('call_b', 'get_weather', '{"city":"Ro')] },
        { role: 'tool', tool_call_id: 'call_a', content: 'Sunny' },
        { role: 'tool', tool_call_id: 'call_b', content: [text('Rain')] },
        { role: 'user', content: 'And tomorrow?' },
      ],
    }),
    expected: { tools: [ANTHROPIC_WEATHER] },
    messages: [
      { role: 'user', content: [text('Paris and Rome?')] },
      { role: 'assistant', content: [
        text('Checking.'),
        { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_b', name: 'get_weather', input: {} },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'call_a', content: 'Sunny' },
        { type: 'tool_result', tool_use_id: 'call_b', content: 'Rain' },
        text('And tomorrow?'),
      ] },
    ],
  },
  {
    name: 'alternation: consecutive messages of a role merged, empty ones left out, a prefill\'s trailing whitespace trimmed',
    body: ask({
      messages: [
        { role: 'user', content: 'One.' }, { role: 'user', content: '' }, { role: 'user', content: [text('Two.')] },
        { role: 'assistant', content: '' }, { role: 'assistant', content: 'Sure:' }, { role: 'user', content: 'Go' }, { role: 'assistant', content: 'Here it is \n' },
      ],
    }),
    messages: [
      { role: 'user', content: [text('One.'), text('Two.')] },
      { role: 'assistant', content: [text('Sure:')] },
      { role: 'user', content: [text('Go')] },
      { role: 'assistant', content: [text('Here it is')] },
    ],
  },
  { name: 'tool_choice auto', body: ask({ tools: [WEATHER], tool_choice: 'auto' }), expected: { tool_choice: { type: 'auto' } } },
  { name: 'tool_choice none', body: ask({ tools: [WEATHER], tool_choice: 'none' }), expected: { tool_choice: { type: 'none' } } },
  { name: 'tool_choice required → any', body: ask({ tools: [WEATHER], tool_choice: 'required' }), expected: { tool_choice: { type: 'any' } } },
  {
    name: 'tool_choice a function → tool; parallel_tool_calls false → disable_parallel_tool_use',
    body: ask({ tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false }),
    expected: { tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } },
  },
  { name: 'parallel_tool_calls false alone: auto without parallel calls', body: ask({ tools: [WEATHER], parallel_tool_calls: false }), expected: { tool_choice: { type: 'auto', disable_parallel_tool_use: true } } },
  {
    name: 'allowed_tools: the allowed functions only; a function with no parameters gets an empty object schema',
    body: ask({ tools: [WEATHER, TIME], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] } } }),
    expected: { tools: [{ name: 'get_time', input_schema: { type: 'object', properties: {} } }], tool_choice: { type: 'any' } },
  },
  {
    name: 'custom tools: dropped and named',
    body: ask({ tools: [WEATHER, { type: 'custom', custom: { name: 'apply_patch' } }] }),
    expected: { tools: [ANTHROPIC_WEATHER] },
    dropped: ['apply_patch'],
  },
  { name: 'tool_choice naming a custom tool: refused', body: ask({ tools: [WEATHER, { type: 'custom', custom: { name: 'apply_patch' } }], tool_choice: { type: 'custom', custom: { name: 'apply_patch' } } }), refused: 'tool_choice' },
  { name: 'tool_choice required with no function: refused', body: ask({ tools: [{ type: 'custom', custom: { name: 'apply_patch' } }], tool_choice: 'required' }), refused: 'tool_choice' },
  {
    name: 'stop as a string, sampling (temperature within Anthropic\'s 0–1), stream; OpenAI-only fields left behind',
    body: ask({
      stop: 'END', temperature: 1.5, top_p: 0.9, stream: true, stream_options: { include_usage: true }, seed: 7, presence_penalty: 0.5, frequency_penalty: 0,
      logit_bias: { 50256: -100 }, user: 'u-1', store: true, metadata: { a: 'b' }, service_tier: 'auto', prediction: { type: 'content', content: 'x' }, n: 1,
    }),
    expected: { stop_sequences: ['END'], temperature: 1, top_p: 0.9, stream: true },
    absent: ['stream_options', 'seed', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'store', 'metadata', 'service_tier', 'prediction', 'n'],
  },
  {
    name: 'reasoning_effort medium: thinking with its budget; temperature left behind (Anthropic refuses it with thinking)',
    body: ask({ reasoning_effort: 'medium', max_tokens: 16000, temperature: 0.3 }),
    expected: { thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 16000 },
    absent: ['temperature'],
  },
  { name: 'reasoning_effort high under a smaller max_tokens: the budget below it', body: ask({ reasoning_effort: 'high', max_tokens: 10000 }), expected: { thinking: { type: 'enabled', budget_tokens: 9999 } } },
  { name: 'reasoning_effort under a 300-token cap: no thinking (Anthropic\'s minimum is 1,024)', body: ask({ reasoning_effort: 'high', max_tokens: 300 }), absent: ['thinking'] },
  { name: 'reasoning_effort none: no thinking', body: ask({ reasoning_effort: 'none', max_tokens: 9000 }), absent: ['thinking'] },
  { name: 'reasoning_effort with a forced tool choice: no thinking', body: ask({ reasoning_effort: 'low', max_tokens: 9000, tools: [WEATHER], tool_choice: 'required' }), absent: ['thinking'] },
  { name: 'reasoning_effort inside a tool loop (its signed thinking is lost): no thinking', body: ask({ reasoning_effort: 'low', max_tokens: 9000, tools: [WEATHER], messages: LOOP }), absent: ['thinking'] },
  { name: 'reasoning_effort on a new user turn after a tool loop: thinking', body: ask({ reasoning_effort: 'low', max_tokens: 9000, tools: [WEATHER], messages: [...LOOP, { role: 'assistant', content: 'Sunny.' }, { role: 'user', content: 'Thanks' }] }), expected: { thinking: { type: 'enabled', budget_tokens: 2048 } } },
  {
    name: 'response_format json_schema → output_config.format',
    body: ask({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, strict: true } } }),
    expected: { output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } } },
  },
  { name: 'response_format json_object: nothing (the prompt asks for JSON)', body: ask({ response_format: { type: 'json_object' } }), absent: ['output_config'] },
  { name: 'n above 1: refused', body: ask({ n: 2 }), refused: 'n' },
  { name: 'logprobs: refused', body: ask({ logprobs: true }), refused: 'logprobs' },
  { name: 'top_logprobs: refused', body: ask({ top_logprobs: 3 }), refused: 'top_logprobs' },
  { name: 'audio output: refused', body: ask({ modalities: ['text', 'audio'] }), refused: 'modalities' },
  { name: 'web_search_options: refused', body: ask({ web_search_options: {} }), refused: 'web_search_options' },
  { name: 'legacy functions: refused', body: ask({ functions: [{ name: 'f' }] }), refused: 'functions' },
  { name: 'an audio input part: refused, naming messages', body: ask({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] }), refused: 'messages' },
  { name: 'a file by id: refused', body: ask({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }), refused: 'messages' },
  { name: 'an image that is neither a URL nor a data URL: refused', body: ask({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/x.png' } }] }] }), refused: 'messages' },
  { name: 'a legacy function message: refused', body: ask({ messages: [{ role: 'user', content: 'x' }, { role: 'function', name: 'f', content: '1' }] }), refused: 'messages' },
]

describe('chatToMessages', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    if (c.refused) {
      let error: unknown
      try {
        chatToMessages(c.body, UPSTREAM)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).status).toBe(400)
      expect((error as ApiError).code).toBe('unsupported_by_upstream')
      expect((error as ApiError).param).toBe(c.refused)
      expect((error as ApiError).message).toContain(`'${UPSTREAM}'`)
      return
    }
    const { body, dropped } = chatToMessages(c.body, UPSTREAM)
    if (c.expected) expect(body).toMatchObject(c.expected)
    if (c.messages) expect(body.messages).toEqual(c.messages)
    if (c.dropped) expect(dropped).toEqual(c.dropped)
    for (const field of c.absent ?? []) expect(body).not.toHaveProperty(field)
  })

  test('the body is not changed', () => {
    const body = ask({ tools: [WEATHER, TIME], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } }, messages: LOOP })
    const copy = structuredClone(body)
    chatToMessages(body, UPSTREAM)
    expect(body).toEqual(copy)
  })

  test('Responses → Messages goes through chat: a Responses request as responsesToChat gives it', () => {
    const responses: JsonObject = {
      model: 'claude-sonnet-4-5', instructions: 'Be brief.', max_output_tokens: 2000, reasoning: { effort: 'low' }, parallel_tool_calls: false, stream: true,
      tools: [{ type: 'function', name: 'get_weather', parameters: PARAMS }, { type: 'web_search' }],
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'Sunny' },
      ],
    }
    const { body } = chatToMessages(responsesToChat(responses, undefined, UPSTREAM).chat, UPSTREAM)
    expect(body).toEqual({
      model: 'claude-sonnet-4-5', max_tokens: 2000, system: 'Be brief.', stream: true,
      messages: [
        { role: 'user', content: [text('Weather in Paris?')] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny' }] },
      ],
      tools: [{ name: 'get_weather', input_schema: PARAMS }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    })
  })
})
