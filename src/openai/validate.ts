import { badRequest } from '../errors'

// A request body as JSON, and the checks every dialect's validation is made of (dialects/*/validate.ts):
// only what the proxy relies on or what would otherwise cost an upstream call to learn is checked; every
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

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)
export const isPositiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) >= 1
export const isTokenIds = (value: unknown) => Array.isArray(value) && value.every((t) => Number.isInteger(t))
export const isTextOrTokens = (value: unknown) =>
  typeof value === 'string' ||
  (Array.isArray(value) && (value.every((v) => typeof v === 'string') || isTokenIds(value) || value.every(isTokenIds)))

export const missing = (param: string) =>
  badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter')
export const invalid = (param: string, expected: string) =>
  badRequest(`Invalid type for '${param}': expected ${expected}.`, param, 'invalid_type')

export function requiredString(body: JsonObject, field: string) {
  if (body[field] === undefined) throw missing(field)
  if (typeof body[field] !== 'string' || body[field] === '') throw invalid(field, 'a non-empty string')
}

export function optionalString(body: JsonObject, field: string) {
  optional(body, field, 'a string', (v) => typeof v === 'string')
}

export function optionalTokenCount(body: JsonObject, field: string) {
  optional(body, field, 'an integer of at least 1', isPositiveInteger)
}

export function optional(body: JsonObject, field: string, expected: string, ok: (value: unknown) => boolean) {
  const value = body[field]
  if (value !== undefined && value !== null && !ok(value)) throw invalid(field, expected)
}

/**
 * `messages` as chat and Anthropic's Messages both require it: a non-empty array of objects. `each` checks
 * what the dialect requires of one message, named `messages[i]`.
 */
export function messageList(messages: unknown, each: (message: JsonObject, param: string) => void) {
  if (messages === undefined) throw missing('messages')
  if (!Array.isArray(messages)) throw invalid('messages', 'an array of message objects')
  if (messages.length === 0) throw badRequest("Invalid 'messages': empty array. Expected at least one message.", 'messages', 'empty_array')
  messages.forEach((message, i) => {
    const param = `messages[${i}]`
    if (!isObject(message)) throw invalid(param, 'an object with a role and content')
    each(message, param)
  })
}
