import { describe, expect, test } from 'bun:test'
import { ApiError } from '../../../../src/errors'
import type { JsonObject } from '../../../../src/openai/validate'
import { messagesToChat } from '../../../../src/dialects/translate/messages-chat-request'
import { encodeThinkingSignature } from '../../../../src/dialects/translate/messages-chat-thinking'

// Messages → Chat Completions, one row per thing a Messages request can say (DESIGN §1.8): Claude Code or an
// Anthropic SDK in front of a chat-only upstream.

const UPSTREAM = 'deepseek'
const PNG_DATA = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const WEATHER = { name: 'get_weather', description: 'Weather of a city.', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, cache_control: { type: 'ephemeral' } }
const CHAT_WEATHER = { type: 'function', function: { name: 'get_weather', description: 'Weather of a city.', parameters: WEATHER.input_schema } }
const user = (content: unknown) => ({ role: 'user', content })

interface Case {
  name: string
  body: JsonObject
  /** Fields the chat body must have (toMatchObject). */
  chat?: Record<string, unknown>
  /** The chat messages, exactly. */
  messages?: unknown[]
  dropped?: string[]
  /** Fields the chat body must not have. */
  absent?: string[]
  /** The refusal: the field named. */
  refused?: string
}

const cases: Case[] = [
  {
    name: 'a string message: one user message; nothing else set',
    body: { model: 'deepseek-chat', max_tokens: 1024, messages: [user('Hello there')] },
    chat: { model: 'deepseek-chat', max_tokens: 1024 },
    messages: [{ role: 'user', content: 'Hello there' }],
    dropped: [],
    absent: ['stream', 'stream_options', 'tools', 'tool_choice', 'stop', 'temperature', 'response_format', 'reasoning_effort'],
  },
  {
    name: 'system as text blocks (Claude Code): one system message, cache_control left behind',
    body: {
      model: 'm', max_tokens: 10,
      system: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [user([{ type: 'text', text: '<system-reminder>ctx</system-reminder>' }, { type: 'text', text: 'Fix the bug', cache_control: { type: 'ephemeral' } }])],
    },
    messages: [{ role: 'system', content: 'You are Claude Code.\n\nBe brief.' }, { role: 'user', content: '<system-reminder>ctx</system-reminder>\nFix the bug' }],
  },
  {
    name: 'a system-role message after the user\'s (Claude Code with a non-Claude model): a system message in place',
    body: { model: 'deepseek-chat', max_tokens: 10, system: 'Be brief.', messages: [user('Hi'), { role: 'system', content: 'Answer in French.' }] },
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'system', content: 'Answer in French.' }],
  },
  {
    name: 'images, base64 and URL: content parts',
    body: {
      model: 'm', max_tokens: 10,
      messages: [user([
        { type: 'text', text: 'What is in these?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_DATA } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ])],
    },
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_DATA}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      ],
    }],
  },
  {
    name: 'a plain-text document and a search result: their text',
    body: {
      model: 'm', max_tokens: 10,
      messages: [user([
        { type: 'document', title: 'notes.txt', source: { type: 'text', media_type: 'text/plain', data: 'Grass is green.' }, citations: { enabled: true } },
        { type: 'search_result', source: 'https://example.com', title: 'Sky', content: [{ type: 'text', text: 'The sky is blue.' }] },
        { type: 'text', text: 'Colours?' },
      ])],
    },
    messages: [{ role: 'user', content: 'notes.txt\n\nGrass is green.\nSky — https://example.com\nThe sky is blue.\nColours?' }],
  },
  {
    name: 'a tool round: tool_use → tool_calls (ids kept), tool_results → tool messages in order, then the text after them',
    body: {
      model: 'm', max_tokens: 10, tools: [WEATHER],
      messages: [
        user('Weather in Paris and Rome?'),
        { role: 'assistant', content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_weather', input: { city: 'Rome' } },
        ] },
        user([
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'Sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: [{ type: 'text', text: 'Rain' }, { type: 'text', text: '12°C' }] },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ]),
      ],
    },
    chat: { tools: [CHAT_WEATHER] },
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [
        { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ] },
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'toolu_01B', content: 'Rain\n12°C' },
      { role: 'user', content: 'Thanks, and tomorrow?' },
    ],
  },
  {
    name: 'a call alone: content null; an error result said in the text; a tool\'s image moved to a user message',
    body: {
      model: 'm', max_tokens: 10,
      messages: [
        user('Screenshot, then run it'),
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }, { type: 'tool_use', id: 'toolu_2', name: 'run', input: {} }] },
        user([
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_DATA } }] },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'command not found', is_error: true },
        ]),
      ],
    },
    messages: [
      { role: 'user', content: 'Screenshot, then run it' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'shot', arguments: '{}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'run', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '(an image: in the next message)' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: command not found' },
      { role: 'user', content: [{ type: 'text', text: 'The image result of the tool call toolu_1:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_DATA}` } }] },
    ],
  },
  {
    name: 'thinking blocks of the history → reasoning_content (ours from the signature, even omitted); redacted left out',
    body: {
      model: 'deepseek-reasoner', max_tokens: 10,
      messages: [
        user('6 × 7?'),
        { role: 'assistant', content: [
          { type: 'thinking', thinking: '', signature: encodeThinkingSignature('Six sevens.') },
          { type: 'redacted_thinking', data: 'EmwKAhgB…' },
          { type: 'tool_use', id: 'toolu_c', name: 'calc', input: { expr: '6*7' } },
        ] },
        user([{ type: 'tool_result', tool_use_id: 'toolu_c', content: '42' }]),
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Claude\'s own.', signature: 'ErUBCkYIBRgCIkC…' }, { type: 'text', text: '42.' }] },
      ],
    },
    messages: [
      { role: 'user', content: '6 × 7?' },
      { role: 'assistant', content: null, reasoning_content: 'Six sevens.', tool_calls: [{ id: 'toolu_c', type: 'function', function: { name: 'calc', arguments: '{"expr":"6*7"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_c', content: '42' },
      { role: 'assistant', content: '42.', reasoning_content: 'Claude\'s own.' },
    ],
  },
  {
    name: 'server tools and their records: dropped and named, left out of the history',
    body: {
      model: 'm', max_tokens: 10,
      tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search', max_uses: 5 }, { type: 'bash_20250124', name: 'bash' }],
      messages: [
        user('News?'),
        { role: 'assistant', content: [
          { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'news' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
          { type: 'text', text: 'Nothing new.', citations: [{ type: 'web_search_result_location', url: 'https://x' }] },
        ] },
        user('Thanks'),
      ],
    },
    chat: { tools: [CHAT_WEATHER] },
    dropped: ['web_search_20250305', 'bash_20250124'],
    messages: [{ role: 'user', content: 'News?' }, { role: 'assistant', content: 'Nothing new.' }, { role: 'user', content: 'Thanks' }],
  },
  { name: 'tool_choice auto', body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [WEATHER], tool_choice: { type: 'auto' } }, chat: { tool_choice: 'auto' }, absent: ['parallel_tool_calls'] },
  { name: 'tool_choice any → required', body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [WEATHER], tool_choice: { type: 'any' } }, chat: { tool_choice: 'required' } },
  { name: 'tool_choice none', body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [WEATHER], tool_choice: { type: 'none' } }, chat: { tool_choice: 'none' } },
  {
    name: 'tool_choice tool → that function; disable_parallel_tool_use → parallel_tool_calls false',
    body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } },
    chat: { tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false },
  },
  { name: 'tool_choice any with only server tools: refused', body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [{ type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'any' } }, refused: 'tool_choice' },
  { name: 'tool_choice naming a server tool: refused', body: { model: 'm', max_tokens: 1, messages: [user('x')], tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search' }], tool_choice: { type: 'tool', name: 'web_search' } }, refused: 'tool_choice' },
  {
    name: 'sampling, stops, stream: kept; top_k, metadata, thinking and the rest left behind',
    body: {
      model: 'm', max_tokens: 32000, messages: [user('x')], stop_sequences: ['END', '\n\nHuman:'], temperature: 0.2, top_p: 0.9, top_k: 40, stream: true,
      metadata: { user_id: 'u-1' }, thinking: { type: 'enabled', budget_tokens: 31999 }, service_tier: 'auto', container: 'c-1', context_management: { edits: [] },
    },
    chat: { max_tokens: 32000, stop: ['END', '\n\nHuman:'], temperature: 0.2, top_p: 0.9, stream: true, stream_options: { include_usage: true } },
    absent: ['top_k', 'metadata', 'thinking', 'service_tier', 'container', 'context_management', 'user'],
  },
  {
    name: 'output_config: effort → reasoning_effort, a JSON schema → response_format',
    body: { model: 'm', max_tokens: 1, messages: [user('x')], output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
    chat: { reasoning_effort: 'high', response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
  },
  { name: 'a PDF document: refused, naming messages', body: { model: 'm', max_tokens: 1, messages: [user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }])] }, refused: 'messages' },
  { name: 'an image by file id: refused', body: { model: 'm', max_tokens: 1, messages: [user([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }])] }, refused: 'messages' },
  { name: 'a container upload: refused', body: { model: 'm', max_tokens: 1, messages: [user([{ type: 'container_upload', file_id: 'file_1' }])] }, refused: 'messages' },
  { name: 'mcp_servers: refused', body: { model: 'm', max_tokens: 1, messages: [user('x')], mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] }, refused: 'mcp_servers' },
]

describe('messagesToChat', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    if (c.refused) {
      let error: unknown
      try {
        messagesToChat(c.body, UPSTREAM)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ApiError)
      expect((error as ApiError).status).toBe(400)
      expect((error as ApiError).toBody().error).toMatchObject({ code: 'unsupported_by_upstream', param: c.refused, message: expect.stringContaining(`'${UPSTREAM}'`) })
      return
    }
    const { chat, dropped } = messagesToChat(c.body, UPSTREAM)
    if (c.chat) expect(chat).toMatchObject(c.chat)
    if (c.messages) expect(chat.messages).toEqual(c.messages)
    if (c.dropped) expect(dropped).toEqual(c.dropped)
    for (const field of c.absent ?? []) expect(chat).not.toHaveProperty(field)
  })

  test('the body is not changed', () => {
    const body: JsonObject = { model: 'm', max_tokens: 5, system: [{ type: 'text', text: 'S' }], messages: [user([{ type: 'text', text: 'x' }])] }
    const copy = structuredClone(body)
    messagesToChat(body, UPSTREAM)
    expect(body).toEqual(copy)
  })
})
