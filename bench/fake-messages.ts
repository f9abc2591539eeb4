// The bench fake upstream's Anthropic Messages API (`POST /v1/messages`), for the matrix's native Messages
// cell (c-m): the message object as Anthropic answers it, or its event stream — `message_start`, the text
// block opened, a `ping`, one `text_delta` per word, the block closed, `message_delta` with the stop reason
// and the output tokens, `message_stop` — as the Anthropic SDK's `messages.stream()` reads it. It checks what
// Anthropic checks before anything else: the key (in `x-api-key`, as proxy-gpt's `anthropic` provider sends
// it, or as a Bearer token, as the Anthropic SDK 1.x sends it) and an `anthropic-version`. Ids as in
// fake-responses.ts: a placeholder in a text kept per question, filled in per response.

import { ID } from './fake-responses'

/** The version every Anthropic SDK sends, and the one the bench's Messages requests name. */
export const ANTHROPIC_VERSION = '2023-06-01'

/** The text of the last user message: a string, or its text blocks joined. */
export function messagesUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]
    if (message?.role !== 'user') continue
    if (typeof message.content === 'string') return message.content
    return (Array.isArray(message.content) ? message.content : []).map((block: any) => (block?.type === 'text' ? String(block.text) : '')).join('\n')
  }
  return ''
}

/** Anthropic's error envelope. */
export function anthropicError(status: number, type: string, message: string): Response {
  return Response.json({ type: 'error', error: { type, message } }, { status })
}

/** Why Anthropic would refuse these headers before reading the body, or undefined when it would not. */
export function anthropicRefusal(headers: Headers, key: string): Response | undefined {
  if (headers.get('x-api-key') !== key && headers.get('authorization') !== `Bearer ${key}`) return anthropicError(401, 'authentication_error', 'invalid x-api-key')
  if (!headers.get('anthropic-version')) return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required')
  return undefined
}

/** GET /v1/models as Anthropic answers it: what proxy-gpt's start-up check of an `anthropic` upstream reads. */
export function anthropicModels(ids: string[]): string {
  const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-09-29T00:00:00Z' }))
  return JSON.stringify({ data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null })
}

const INPUT_TOKENS = 12

function message(model: string, text: string, done: boolean) {
  const words = text.split(/(?<= )/).length
  return {
    id: `msg_${ID}`,
    type: 'message',
    role: 'assistant',
    model,
    content: done ? [{ type: 'text', text }] : [],
    stop_reason: done ? 'end_turn' : null,
    stop_sequence: null,
    usage: { input_tokens: INPUT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: done ? words : 1 },
  }
}

/** The JSON answer, with the placeholder for its id. */
export function messageJsonTemplate(model: string, text: string): string {
  return JSON.stringify(message(model, text, true))
}

/** The SSE events of the answer, one string each, with the placeholder for the id (in `message_start`). */
export function messageEventsTemplate(model: string, text: string): string[] {
  const event = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`
  const words = text.split(/(?<= )/)
  return [
    event('message_start', { message: message(model, text, false) }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
    ...words.map((word) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: words.length } }),
    event('message_stop', {}),
  ]
}
