import type { StoredAnswer } from '../../openai/answer'
import type { JsonObject } from '../../openai/validate'
import type { ReplayForm } from '../types'

// Responses answers as the cache sees them: which requests a stored response can answer, which response is
// whole, and what of a response belongs to the request that asked rather than to the answer.

/**
 * A background request is answered by a queued response that completes later, somewhere the cache cannot
 * see. A request in a `conversation` adds its turn to that conversation upstream, which a hit would not do,
 * and the conversation it reads changes with every turn while its id stays the same (unlike
 * `previous_response_id`, which names a history that never changes). Log probabilities and audio are not
 * kept faithfully. None of these is replayed.
 */
export function replayableResponses(body: JsonObject): boolean {
  if (body.background === true || body.conversation != null) return false
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0) return false
  const include = Array.isArray(body.include) ? body.include : []
  return !include.some((field) => typeof field === 'string' && /logprobs|audio/.test(field))
}

/** A response worth keeping: a `response` object that completed without an error. */
export function completeResponse(body: unknown): StoredAnswer | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined
  const response = body as JsonObject
  if (response.status !== 'completed' || response.error != null || !Array.isArray(response.output)) return undefined
  if (response.object !== undefined && response.object !== 'response') return undefined
  return { endpoint: 'responses', body: response }
}

export function completeAnswerText(text: string | undefined): StoredAnswer | undefined {
  try {
    return completeResponse(JSON.parse(text ?? ''))
  } catch {
    return undefined
  }
}

/**
 * Fields a response echoes from its request that do not decide it (key-material.ts): a hit shows the asking
 * request's own, not those of whoever asked first — one person's `user` or `metadata` is not another's.
 * The default is what OpenAI echoes when the request has none.
 */
const ECHOED: Readonly<Record<string, unknown>> = { metadata: {}, user: null, safety_identifier: null, prompt_cache_key: null }

export interface ResponsesReplayForm extends ReplayForm {
  /** The asking request's echoed fields (see ECHOED). */
  echo: JsonObject
}

export function responsesReplayForm(body: JsonObject): ResponsesReplayForm {
  const echo: JsonObject = {}
  for (const field of Object.keys(ECHOED)) if (body[field] !== undefined) echo[field] = body[field]
  return { stream: body.stream === true, includeUsage: false, echo }
}

/**
 * The stored response as the asking request's answer: its echoed fields replaced where the response has them
 * or the request sets them. Without a request (`echo` undefined) the response as stored.
 */
export function withEcho(response: JsonObject, echo: JsonObject | undefined): JsonObject {
  if (!echo) return response
  let out = response
  for (const [field, fallback] of Object.entries(ECHOED)) {
    if (!(field in response) && echo[field] === undefined) continue
    const value = echo[field] ?? fallback
    if (response[field] === value) continue
    if (out === response) out = { ...response }
    out[field] = value
  }
  return out
}
