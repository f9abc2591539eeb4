import { badRequest } from '../../errors'
import {
  invalid,
  isPositiveInteger,
  isTextOrTokens,
  isTokenIds,
  messageList,
  missing,
  optional,
  optionalTokenCount,
  requiredString,
  type JsonObject,
} from '../../openai/validate'

// What a Chat Completions or Completions request must hold for the proxy to cap, count and cache it.

export function validateChat(body: JsonObject, maxN: number) {
  requiredString(body, 'model')
  optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
  validateMessages(body.messages)
  optionalTokenCount(body, 'max_tokens')
  optionalTokenCount(body, 'max_completion_tokens')
  optional(body, 'n', 'an integer of at least 1', isPositiveInteger)
  limitAnswers(body, 1, maxN)
}

export function validateCompletions(body: JsonObject, maxN: number) {
  requiredString(body, 'model')
  optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
  if (body.prompt === undefined) throw missing('prompt')
  if (!isTextOrTokens(body.prompt)) throw invalid('prompt', 'a string, an array of strings, an array of token ids or an array of token-id arrays')
  optionalTokenCount(body, 'max_tokens')
  optional(body, 'n', 'an integer of at least 1', isPositiveInteger)
  optional(body, 'best_of', 'an integer of at least 1', isPositiveInteger)
  limitAnswers(body, promptCount(body.prompt), maxN)
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
  messageList(messages, (message, param) => {
    if (typeof message.role !== 'string') throw invalid(`${param}.role`, 'a string such as "user"')
    const content = message.content
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content))
      throw invalid(`${param}.content`, 'a string or an array of content parts')
  })
}
