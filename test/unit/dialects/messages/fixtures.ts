import type { StoredAnswer } from '../../../../src/openai/answer'

// One Anthropic answer in both forms: the stream as Anthropic sends it (a ping, thinking with its signature,
// text, a tool call whose input JSON is cut mid-token, usage split between message_start and message_delta)
// and the message a non-streamed request gets, which the cache keeps.

export const MESSAGE_ID = 'msg_01XFDUDYJgAACzvnptvVoYEL'
export const THINKING = 'The user wants the weather in Paris. I should call the tool.'
export const SIGNATURE = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds'
export const TEXT = "I'll check the weather in Paris for you — un instant."
export const INPUT = { location: 'Paris, France', unit: 'celsius' }

export const USAGE = { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 89, service_tier: 'standard' }

export const STORED: StoredAnswer = {
  endpoint: 'messages',
  body: {
    id: MESSAGE_ID,
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      { type: 'thinking', thinking: THINKING, signature: SIGNATURE },
      { type: 'text', text: TEXT },
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: INPUT },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: USAGE,
  },
}

export const TEXT_ONLY: StoredAnswer = {
  endpoint: 'messages',
  body: {
    id: 'msg_01TextOnly000000000000',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text: 'Echo: hi' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 8, output_tokens: 4 },
  },
}

const event = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`
const delta = (index: number, d: object) => event('content_block_delta', { index, delta: d })

const { content: _content, ...shell } = STORED.body
const json = JSON.stringify(INPUT)

export const UPSTREAM_EVENTS: string[] = [
  event('message_start', { message: { ...shell, content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 1 } } }),
  event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
  'event: ping\ndata: {"type": "ping"}\n\n',
  delta(0, { type: 'thinking_delta', thinking: THINKING.slice(0, 20) }),
  delta(0, { type: 'thinking_delta', thinking: THINKING.slice(20) }),
  delta(0, { type: 'signature_delta', signature: SIGNATURE }),
  event('content_block_stop', { index: 0 }),
  event('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }),
  delta(1, { type: 'text_delta', text: TEXT.slice(0, 9) }),
  delta(1, { type: 'text_delta', text: TEXT.slice(9) }),
  event('content_block_stop', { index: 1 }),
  event('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } }),
  delta(2, { type: 'input_json_delta', partial_json: '' }),
  delta(2, { type: 'input_json_delta', partial_json: json.slice(0, 15) }),
  delta(2, { type: 'input_json_delta', partial_json: json.slice(15, 16) }),
  delta(2, { type: 'input_json_delta', partial_json: json.slice(16) }),
  event('content_block_stop', { index: 2 }),
  event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }),
  event('message_stop', {}),
]

export const UPSTREAM_TEXT = UPSTREAM_EVENTS.join('')
export const UPSTREAM = new TextEncoder().encode(UPSTREAM_TEXT)
