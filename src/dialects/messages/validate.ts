import { invalid, isObject, isPositiveInteger, messageList, missing, optional, requiredString, type JsonObject } from '../../openai/validate'

// What an Anthropic Messages request must hold for the proxy to route, cap, count, cache and translate it.
// The rest (tool schemas, tool_choice, sampling, metadata, blocks' inner fields) is the upstream's to judge.
//
// `max_tokens` is required, as Anthropic requires it: the cap could set it, but then a request that works
// through the proxy would fail sent to Anthropic directly, and the client would learn that only later.
// A `system` message inside `messages` is accepted: Claude Code sends one after the user's when its model is
// not a Claude, and translation to chat takes it (DESIGN §1.8).

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024

const ROLES = new Set(['user', 'assistant', 'system'])

export function validateMessagesRequest(body: JsonObject) {
  requiredString(body, 'model')
  if (body.max_tokens == null) throw missing('max_tokens')
  if (!isPositiveInteger(body.max_tokens)) throw invalid('max_tokens', 'an integer of at least 1')
  validateMessages(body.messages)
  validateSystem(body.system)
  optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
  optional(body, 'tools', 'an array of tool objects', (v) => Array.isArray(v) && v.every(isObject))
  optional(body, 'stop_sequences', 'an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'))
  validateThinking(body.thinking)
}

function validateMessages(messages: unknown) {
  messageList(messages, (message, param) => {
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) throw invalid(`${param}.role`, '"user" or "assistant"')
    if (message.content === undefined) throw missing(`${param}.content`)
    validateContent(message.content, `${param}.content`)
  })
}

function validateContent(content: unknown, param: string) {
  if (typeof content === 'string') return
  if (!Array.isArray(content)) throw invalid(param, 'a string or an array of content blocks')
  content.forEach((block, i) => {
    if (!isObject(block)) throw invalid(`${param}[${i}]`, 'a content block object')
    if (typeof block.type !== 'string') throw invalid(`${param}[${i}].type`, 'a string such as "text"')
  })
}

function validateSystem(system: unknown) {
  if (system === undefined || system === null || typeof system === 'string') return
  if (!Array.isArray(system)) throw invalid('system', 'a string or an array of text blocks')
  system.forEach((block, i) => {
    if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string') throw invalid(`system[${i}]`, 'a text block ({"type": "text", "text": "…"})')
  })
}

/** `enabled` needs a budget the proxy can lower when it caps the output (see cap.ts); other types pass. */
function validateThinking(thinking: unknown) {
  if (thinking === undefined || thinking === null) return
  if (!isObject(thinking)) throw invalid('thinking', 'an object such as {"type": "enabled", "budget_tokens": 2048}')
  if (typeof thinking.type !== 'string') throw invalid('thinking.type', '"enabled", "disabled" or "adaptive"')
  if (thinking.type !== 'enabled') return
  if (thinking.budget_tokens === undefined) throw missing('thinking.budget_tokens')
  if (!Number.isInteger(thinking.budget_tokens) || (thinking.budget_tokens as number) < MIN_THINKING_BUDGET)
    throw invalid('thinking.budget_tokens', `an integer of at least ${MIN_THINKING_BUDGET}`)
}
