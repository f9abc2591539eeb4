import type { CacheContext } from '../../config/load'
import type { JsonObject } from '../../openai/validate'
import { afterSkipWord, canonicalJson, deciding, sha256 } from '../key-material'
import type { KeyMaterial } from '../types'

// What decides a Responses answer, and which part of it is the question matched by meaning: the last input
// item, when it is the user's text. A request that continues a stored response or conversation
// (`previous_response_id`, `conversation`) carries history the proxy cannot see: it is matched exactly only,
// the ids in its key (and one in a conversation is not cached at all: answer.ts).

const SYSTEM_ROLES = new Set(['system', 'developer'])

/** The input as items: a string is one user message (OpenAI reads it so). */
function itemsOf(body: JsonObject): JsonObject[] {
  if (typeof body.input === 'string') return [{ role: 'user', content: body.input }]
  return Array.isArray(body.input) ? (body.input as JsonObject[]) : []
}

export function responsesKeyMaterial(body: JsonObject, context: CacheContext, q: string | undefined): KeyMaterial {
  const params = deciding(body, 'input')
  // `store` is echoed in the answer, and a stored response's id is only worth giving back to a client that
  // may chain on it when the upstream kept that response: an answer made with `store: false` answers only
  // requests that keep nothing either.
  delete params.store
  const items = itemsOf(body)
  const last = items[items.length - 1]
  const earlier = context === 'full' ? items.slice(0, -1) : items.slice(0, -1).filter((item) => SYSTEM_ROLES.has(item.role as string))
  const { content: _content, ...lastShape } = last ?? {}
  const head = `{"earlier":${canonicalJson(earlier)},"endpoint":"responses",`
  const tail = `,"params":${canonicalJson(params)}${q ? `,"query":${JSON.stringify(q)}` : ''},"stored":${body.store !== false}}`
  const continues = body.previous_response_id != null || body.conversation != null
  return {
    exact: sha256(`${head}"last":${canonicalJson(last ?? null)}${tail}`),
    partition: sha256(`${head}"lastShape":${canonicalJson(last ? lastShape : null)}${tail}`),
    semanticText: continues || !last || !isUserMessage(last) ? undefined : inputText(last.content),
  }
}

const isUserMessage = (item: JsonObject) => item.role === 'user' && (item.type === undefined || item.type === 'message')

/** The text of a message's content, or undefined when it holds anything but text (images, files, audio). */
function inputText(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (!Array.isArray(content) || content.length === 0) return undefined
  const parts: string[] = []
  for (const part of content) {
    if (part?.type !== 'input_text' || typeof part.text !== 'string') return undefined
    parts.push(part.text)
  }
  return parts.join('\n')
}

/** Strips a leading skip word from the last input item when it is the user's message; true if it was there. */
export function removeResponsesSkipWord(body: JsonObject, word: string): boolean {
  if (typeof body.input === 'string') {
    const stripped = afterSkipWord(body.input, word)
    if (stripped === undefined) return false
    body.input = stripped
    return true
  }
  const last = Array.isArray(body.input) ? (body.input[body.input.length - 1] as JsonObject | undefined) : undefined
  if (!last || typeof last !== 'object' || !isUserMessage(last)) return false
  if (typeof last.content === 'string') {
    const stripped = afterSkipWord(last.content, word)
    if (stripped === undefined) return false
    last.content = stripped
    return true
  }
  if (!Array.isArray(last.content)) return false
  const part = last.content.find((p: any) => p?.type === 'input_text' && typeof p.text === 'string')
  const stripped = part ? afterSkipWord(part.text, word) : undefined
  if (stripped === undefined) return false
  part.text = stripped
  return true
}
