import { describe, expect, test } from 'bun:test'
import { ApiError } from '../../../../src/errors'
import type { JsonObject } from '../../../../src/openai/validate'
import { responsesToChat } from '../../../../src/dialects/translate/responses-chat-request'
import { encodeReasoning } from '../../../../src/dialects/translate/responses-chat-reasoning'
import { flattenName } from '../../../../src/dialects/translate/responses-chat-tools'

// Responses → Chat Completions, one row per thing a Responses request can say (DESIGN §1.8).

const UPSTREAM = 'deepseek'
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const WEATHER = { type: 'function', name: 'get_weather', description: 'Weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true }
const CHAT_WEATHER = { type: 'function', function: { name: 'get_weather', description: 'Weather of a city.', parameters: WEATHER.parameters, strict: true } }
/** Codex's shape for an MCP server's tools. */
const BROWSER = {
  type: 'namespace',
  name: 'mcp__browser__',
  description: 'A browser the agent drives.',
  tools: [
    { type: 'function', name: 'navigate', description: 'Open a URL.', parameters: { type: 'object', properties: { url: { type: 'string' } } } },
    { type: 'function', name: 'click', parameters: { type: 'object', properties: { selector: { type: 'string' } } } },
  ],
}

interface Case {
  name: string
  body: JsonObject
  history?: unknown[]
  /** Fields the chat body must have (toMatchObject). */
  chat?: Record<string, unknown>
  /** The chat messages, exactly. */
  messages?: unknown[]
  dropped?: string[]
  input?: Record<string, unknown>[]
  /** Fields the chat body must not have. */
  absent?: string[]
  /** The refusal: the field named. */
  refused?: string
}

const cases: Case[] = [
  {
    name: 'string input: one user message, and one user message item kept',
    body: { model: 'deepseek-chat', input: 'Hello there' },
    chat: { model: 'deepseek-chat' },
    messages: [{ role: 'user', content: 'Hello there' }],
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] }],
    dropped: [],
    absent: ['stream', 'stream_options', 'tools', 'tool_choice', 'max_tokens', 'response_format'],
  },
  {
    name: 'instructions, system and developer items: system messages, instructions first',
    body: {
      model: 'm',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Answer in French.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'No emojis.' }] },
        { role: 'user', content: [{ type: 'input_text', text: 'Hi' }, { type: 'input_text', text: 'there' }] },
      ],
    },
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Answer in French.' },
      { role: 'system', content: 'No emojis.' },
      // Text alone goes as a string: DeepSeek refuses content arrays.
      { role: 'user', content: 'Hi\nthere' },
    ],
  },
  {
    name: 'images by URL and base64: content parts, detail kept',
    body: {
      model: 'm',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What differs?' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' },
            { type: 'input_image', image_url: PNG, detail: 'original' },
          ],
        },
      ],
    },
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What differs?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
          { type: 'image_url', image_url: { url: PNG } },
        ],
      },
    ],
  },
  {
    name: 'multi-turn with a function call round trip: ids kept, consecutive calls in one assistant message',
    body: {
      model: 'm',
      tools: [WEATHER],
      input: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Two cities: two calls.' }] },
        { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
        { type: 'function_call', id: 'fc_2', call_id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome"}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_paris', output: '18°C' },
        { type: 'function_call_output', call_id: 'call_rome', output: [{ type: 'input_text', text: '24°C' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Paris 18, ' }, { type: 'output_text', text: 'Rome 24.' }] },
        { role: 'user', content: 'Thanks' },
      ],
    },
    chat: { tools: [CHAT_WEATHER] },
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'Two cities: two calls.',
        tool_calls: [
          { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_paris', content: '18°C' },
      { role: 'tool', tool_call_id: 'call_rome', content: '24°C' },
      { role: 'assistant', content: 'Paris 18, Rome 24.' },
      { role: 'user', content: 'Thanks' },
    ],
  },
  {
    name: 'a call with no assistant text before it: content null',
    body: {
      model: 'm',
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
    },
    messages: [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ],
  },
  {
    name: 'our encrypted reasoning comes back as reasoning_content; reasoning before a user turn is left out',
    body: {
      model: 'm',
      input: [
        { type: 'reasoning', id: 'rs_0', summary: [], encrypted_content: encodeReasoning('Nothing to say.') },
        { role: 'user', content: 'Go' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encodeReasoning('The user wants the time.') },
        { type: 'function_call', call_id: 'call_t', name: 'now', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_t', output: '12:00' },
        // OpenAI's own encrypted reasoning says nothing readable: left out.
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAABopaque' },
        { role: 'assistant', content: 'Noon.' },
      ],
    },
    messages: [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, reasoning_content: 'The user wants the time.', tool_calls: [{ id: 'call_t', type: 'function', function: { name: 'now', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_t', content: '12:00' },
      { role: 'assistant', content: 'Noon.' },
    ],
  },
  {
    name: 'history from previous_response_id comes first, then this input; both kept',
    body: { model: 'm', previous_response_id: 'resp_prev', input: 'And tomorrow?' },
    history: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather today?' }] },
      { type: 'message', id: 'msg_a', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sunny.', annotations: [] }] },
    ],
    messages: [
      { role: 'user', content: 'Weather today?' },
      { role: 'assistant', content: 'Sunny.' },
      { role: 'user', content: 'And tomorrow?' },
    ],
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather today?' }] },
      { type: 'message', id: 'msg_a', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Sunny.', annotations: [] }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'And tomorrow?' }] },
    ],
  },
  {
    name: 'an item reference is resolved from the history',
    body: { model: 'm', previous_response_id: 'resp_prev', input: [{ type: 'item_reference', id: 'msg_q' }] },
    history: [{ type: 'message', id: 'msg_q', role: 'user', content: 'Again?' }],
    messages: [
      { role: 'user', content: 'Again?' },
      { role: 'user', content: 'Again?' },
    ],
  },
  {
    name: 'function tools, tool_choice by name, parallel_tool_calls',
    body: { model: 'm', input: 'x', tools: [WEATHER], tool_choice: { type: 'function', name: 'get_weather' }, parallel_tool_calls: false },
    chat: { tools: [CHAT_WEATHER], tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false },
    dropped: [],
  },
  {
    name: 'tool_choice auto, none, required pass as they are',
    body: { model: 'm', input: 'x', tools: [WEATHER], tool_choice: 'required' },
    chat: { tool_choice: 'required' },
  },
  {
    name: 'namespace tools flattened (Codex MCP shape); a namespaced call in history gets the same name',
    body: {
      model: 'm',
      tools: [BROWSER, { type: 'namespace', name: 'crm', description: '', tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }] }],
      input: [
        { role: 'user', content: 'Open example.com' },
        { type: 'function_call', call_id: 'call_n', namespace: 'mcp__browser__', name: 'navigate', arguments: '{"url":"https://example.com"}' },
        { type: 'function_call_output', call_id: 'call_n', output: 'ok' },
      ],
    },
    chat: {
      tools: [
        { type: 'function', function: { name: 'mcp__browser__navigate', description: 'A browser the agent drives.\n\nOpen a URL.', parameters: BROWSER.tools[0]!.parameters } },
        { type: 'function', function: { name: 'mcp__browser__click', parameters: BROWSER.tools[1]!.parameters } },
        { type: 'function', function: { name: 'crm__lookup', parameters: { type: 'object', properties: {} } } },
      ],
    },
    messages: [
      { role: 'user', content: 'Open example.com' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_n', type: 'function', function: { name: 'mcp__browser__navigate', arguments: '{"url":"https://example.com"}' } }] },
      { role: 'tool', tool_call_id: 'call_n', content: 'ok' },
    ],
  },
  {
    name: 'Codex defaults: web_search and custom tools dropped and named, functions kept, auto choice kept',
    body: { model: 'm', input: 'x', tool_choice: 'auto', tools: [WEATHER, { type: 'web_search' }, { type: 'custom', name: 'apply_patch', format: { type: 'text' } }, { type: 'local_shell' }] },
    chat: { tools: [CHAT_WEATHER], tool_choice: 'auto' },
    dropped: ['web_search', 'apply_patch', 'local_shell'],
  },
  {
    name: 'only hosted tools: no tools and no tool_choice sent',
    body: { model: 'm', input: 'x', tool_choice: 'auto', tools: [{ type: 'web_search_preview' }, { type: 'file_search', vector_store_ids: ['vs_1'] }, { type: 'code_interpreter', container: { type: 'auto' } }, { type: 'image_generation' }, { type: 'mcp', server_label: 'x' }, { type: 'computer_use_preview' }] },
    dropped: ['web_search_preview', 'file_search', 'code_interpreter', 'image_generation', 'mcp', 'computer_use_preview'],
    absent: ['tools', 'tool_choice', 'parallel_tool_calls'],
  },
  {
    name: 'allowed_tools: the allowed functions become the tool list',
    body: { model: 'm', input: 'x', tools: [WEATHER, { type: 'function', name: 'now' }], tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'now' }] } },
    chat: { tools: [{ type: 'function', function: { name: 'now' } }], tool_choice: 'required' },
  },
  { name: 'tool_choice requiring web_search: refused', body: { model: 'm', input: 'x', tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search_preview' } }, refused: 'tool_choice' },
  { name: 'tool_choice required with only hosted tools: refused', body: { model: 'm', input: 'x', tools: [{ type: 'web_search' }], tool_choice: 'required' }, refused: 'tool_choice' },
  { name: 'tool_choice naming a dropped custom tool: refused', body: { model: 'm', input: 'x', tools: [{ type: 'custom', name: 'apply_patch' }], tool_choice: { type: 'custom', name: 'apply_patch' } }, refused: 'tool_choice' },
  {
    name: 'text.format json_schema → response_format json_schema',
    body: { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } } }, strict: true }, verbosity: 'low' } },
    chat: { response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } } }, strict: true } } },
  },
  { name: 'text.format json_object → response_format json_object', body: { model: 'm', input: 'x', text: { format: { type: 'json_object' } } }, chat: { response_format: { type: 'json_object' } } },
  { name: 'text.format text: nothing sent', body: { model: 'm', input: 'x', text: { format: { type: 'text' } } }, absent: ['response_format'] },
  {
    name: 'sampling, output cap, reasoning effort, stream with usage',
    body: { model: 'm', input: 'x', temperature: 0.2, top_p: 0.9, max_output_tokens: 300, reasoning: { effort: 'high', summary: 'auto' }, stream: true },
    chat: { temperature: 0.2, top_p: 0.9, max_tokens: 300, reasoning_effort: 'high', stream: true, stream_options: { include_usage: true } },
    absent: ['max_output_tokens', 'max_completion_tokens', 'reasoning'],
  },
  {
    name: 'harmless fields left behind',
    body: { model: 'm', input: 'x', store: false, metadata: { a: '1' }, user: 'u', service_tier: 'auto', truncation: 'disabled', include: [], prompt_cache_key: 'k', safety_identifier: 's', text: { verbosity: 'high' }, top_logprobs: 2, max_tool_calls: 3, stream_options: { include_obfuscation: false } },
    absent: ['store', 'metadata', 'user', 'service_tier', 'truncation', 'include', 'prompt_cache_key', 'safety_identifier', 'text', 'top_logprobs', 'max_tool_calls', 'stream_options', 'input', 'instructions'],
  },
  { name: 'hosted tool records in history: left out', body: { model: 'm', input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } }, { role: 'user', content: 'x' }] }, messages: [{ role: 'user', content: 'x' }] },
  { name: 'background: refused', body: { model: 'm', input: 'x', background: true }, refused: 'background' },
  { name: 'conversation: refused', body: { model: 'm', input: 'x', conversation: 'conv_1' }, refused: 'conversation' },
  { name: 'prompt template: refused', body: { model: 'm', prompt: { id: 'pmpt_1' } }, refused: 'prompt' },
  { name: 'previous_response_id the proxy did not keep: refused', body: { model: 'm', input: 'x', previous_response_id: 'resp_other' }, refused: 'previous_response_id' },
  { name: 'logprobs: refused', body: { model: 'm', input: 'x', include: ['message.output_text.logprobs'] }, refused: 'include' },
  { name: 'input_file: refused', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, refused: 'input' },
  { name: 'audio input: refused', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }, refused: 'input' },
  { name: 'an image by file_id: refused', body: { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] }, refused: 'input' },
  { name: 'a compaction item: refused', body: { model: 'm', input: [{ type: 'compaction', encrypted_content: 'x' }] }, refused: 'input' },
  { name: 'an unknown item reference: refused', body: { model: 'm', input: [{ type: 'item_reference', id: 'msg_nowhere' }] }, refused: 'input' },
]

describe('responsesToChat', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const run = () => responsesToChat(structuredClone(c.body), c.history, UPSTREAM)
    if (c.refused) {
      let error: unknown
      try {
        run()
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
    const { chat, dropped, input } = run()
    if (c.chat) expect(chat).toMatchObject(c.chat)
    if (c.messages) expect(chat.messages).toEqual(c.messages)
    if (c.dropped) expect(dropped).toEqual(c.dropped)
    if (c.input) expect(input).toEqual(c.input)
    for (const field of c.absent ?? []) expect(chat).not.toHaveProperty(field)
  })

  test('the request is not changed', () => {
    const body = { model: 'm', input: 'x', tools: [BROWSER, { type: 'web_search' }], stream: true }
    const before = structuredClone(body)
    responsesToChat(body, undefined, UPSTREAM)
    expect(body).toEqual(before)
  })

  test('namespace members are named back from their flattened names', () => {
    const { tools } = responsesToChat({ model: 'm', input: 'x', tools: [BROWSER] }, undefined, UPSTREAM)
    expect(tools.get('mcp__browser__navigate')).toEqual({ namespace: 'mcp__browser__', name: 'navigate' })
    expect(tools.get('get_weather')).toBeUndefined()
  })

  test("flattened names keep chat's 64-character rule", () => {
    expect(flattenName('crm', 'lookup')).toBe('crm__lookup')
    expect(flattenName('mcp__browser__', 'navigate')).toBe('mcp__browser__navigate')
    const long = flattenName(`mcp__${'a'.repeat(60)}__`, 'do.thing')
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(flattenName(`mcp__${'a'.repeat(60)}__`, 'do.other')).not.toBe(long)
  })
})
