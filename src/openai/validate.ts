import { badRequest } from '../errors'
import type { Endpoint } from './endpoints'

// Checks only what the proxy relies on or what would otherwise cost an upstream call to learn; every
// other field is forwarded untouched, unknown ones included.

export type JsonObject = Record<string, unknown>

/** Deeper bodies are refused before parsing: recursion over them (canonical keys, JSON.stringify) would overflow the stack. */
export const MAX_JSON_DEPTH = 128

export function parseJsonObject(text: string): JsonObject {
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw badRequest(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`, null, 'invalid_json')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest(
      'We could not parse the JSON body of your request. The body must be a JSON object (Content-Type: application/json).',
      null,
      'invalid_json'
    )
  }
  if (!isObject(value)) throw badRequest('The request body must be a JSON object.', null, 'invalid_json')
  return value
}

/** Whether the brackets of `text` (outside strings) nest deeper than `limit`; a linear scan, no recursion. */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // Skip the string: to its closing quote, past escaped characters.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return false
}

export function validateBody(endpoint: Endpoint, body: JsonObject, maxN = Number.MAX_SAFE_INTEGER) {
  if (endpoint === 'responses') {
    optionalString(body, 'model')
  } else {
    requiredString(body, 'model')
  }
  optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')

  switch (endpoint) {
    case 'chat':
      validateMessages(body.messages)
      optionalTokenCount(body, 'max_tokens')
      optionalTokenCount(body, 'max_completion_tokens')
      optional(body, 'n', 'an integer of at least 1', isPositiveInteger)
      limitAnswers(body, 1, maxN)
      break
    case 'completions':
      if (body.prompt === undefined) throw missing('prompt')
      if (!isTextOrTokens(body.prompt))
        throw invalid('prompt', 'a string, an array of strings, an array of token ids or an array of token-id arrays')
      optionalTokenCount(body, 'max_tokens')
      optional(body, 'n', 'an integer of at least 1', isPositiveInteger)
      optional(body, 'best_of', 'an integer of at least 1', isPositiveInteger)
      limitAnswers(body, promptCount(body.prompt), maxN)
      break
    case 'embeddings':
      if (body.input === undefined) throw missing('input')
      if (!isTextOrTokens(body.input) || (Array.isArray(body.input) && body.input.length === 0))
        throw invalid('input', 'a string, a non-empty array of strings, an array of token ids or an array of token-id arrays')
      break
    case 'responses':
      optionalTokenCount(body, 'max_output_tokens')
      break
  }
}

/**
 * One counted request must not buy more than MAX_N answers: `max(n, best_of)` for each prompt. The field
 * named is the one to lower: `n` or `best_of` when it alone is over, else `prompt` (too many of them).
 */
function limitAnswers(body: JsonObject, prompts: number, maxN: number) {
  const n = typeof body.n === 'number' ? body.n : 1
  const bestOf = typeof body.best_of === 'number' ? body.best_of : 1
  const each = Math.max(n, bestOf)
  if (each * prompts <= maxN) return
  const param = each > maxN ? (bestOf > n ? 'best_of' : 'n') : 'prompt'
  const asked = param === 'prompt' ? `${prompts} prompts × ${each} answers` : `${param} = ${param === 'n' ? n : bestOf}`
  throw badRequest(
    `This proxy generates at most ${maxN} answer${maxN === 1 ? '' : 's'} per request (MAX_N); the request asks for ${asked}.`,
    param,
    'too_many_answers'
  )
}

/** How many prompts a completions request holds: a string or one token-id list is one. */
function promptCount(prompt: unknown): number {
  if (!Array.isArray(prompt) || prompt.length === 0 || isTokenIds(prompt)) return 1
  return prompt.length
}

function validateMessages(messages: unknown) {
  if (messages === undefined) throw missing('messages')
  if (!Array.isArray(messages)) throw invalid('messages', 'an array of message objects')
  if (messages.length === 0) throw badRequest("Invalid 'messages': empty array. Expected at least one message.", 'messages', 'empty_array')
  messages.forEach((message, i) => {
    const param = `messages[${i}]`
    if (!isObject(message)) throw invalid(param, 'an object with a role and content')
    if (typeof message.role !== 'string') throw invalid(`${param}.role`, 'a string such as "user"')
    const content = message.content
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content))
      throw invalid(`${param}.content`, 'a string or an array of content parts')
  })
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)
const isPositiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 1
const isTokenIds = (value: unknown) => Array.isArray(value) && value.every((t) => Number.isInteger(t))
const isTextOrTokens = (value: unknown) =>
  typeof value === 'string' ||
  (Array.isArray(value) && (value.every((v) => typeof v === 'string') || isTokenIds(value) || value.every(isTokenIds)))

const missing = (param: string) =>
  badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter')
const invalid = (param: string, expected: string) =>
  badRequest(`Invalid type for '${param}': expected ${expected}.`, param, 'invalid_type')

function requiredString(body: JsonObject, field: string) {
  if (body[field] === undefined) throw missing(field)
  if (typeof body[field] !== 'string' || body[field] === '') throw invalid(field, 'a non-empty string')
}

function optionalString(body: JsonObject, field: string) {
  optional(body, field, 'a string', (v) => typeof v === 'string')
}

function optionalTokenCount(body: JsonObject, field: string) {
  optional(body, field, 'an integer of at least 1', isPositiveInteger)
}

function optional(body: JsonObject, field: string, expected: string, ok: (value: unknown) => boolean) {
  const value = body[field]
  if (value !== undefined && value !== null && !ok(value)) throw invalid(field, expected)
}
