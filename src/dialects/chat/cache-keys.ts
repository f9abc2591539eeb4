import type { CacheContext } from '../../config/load'
import type { JsonObject } from '../../openai/validate'
import { afterSkipWord, canonicalJson, deciding, hash, sha256, textOf } from '../key-material'
import type { KeyMaterial } from '../types'

// What decides a Chat Completions or Completions answer, and which part of it is the question matched by
// meaning: the last message (chat) or the prompt (completions).

const SYSTEM_ROLES = new Set(['system', 'developer'])

export function chatKeyMaterial(body: JsonObject, context: CacheContext, q: string | undefined): KeyMaterial {
  const params = deciding(body, 'messages')
  const messages = body.messages as JsonObject[]
  const last = messages[messages.length - 1]!
  const { content, ...lastShape } = last
  // Under `last`, earlier turns do not count (the original Proxy GPT behaviour): only the system prompt.
  const earlier = context === 'full' ? messages.slice(0, -1) : messages.slice(0, -1).filter((m) => SYSTEM_ROLES.has(m.role as string))
  // The same strings canonicalJson would make of { endpoint, params, earlier, last } and of
  // { …, lastShape } (keys in sorted order), with the shared part serialised once.
  const head = `{"earlier":${canonicalJson(earlier)},"endpoint":"chat",`
  const tail = `,"params":${canonicalJson(params)}${q ? `,"query":${JSON.stringify(q)}` : ''}}`
  return {
    exact: sha256(`${head}"last":${canonicalJson(last)}${tail}`),
    partition: sha256(`${head}"lastShape":${canonicalJson(lastShape)}${tail}`),
    semanticText: last.role === 'user' ? textOf(content) : undefined,
  }
}

export function completionsKeyMaterial(body: JsonObject, _context: CacheContext, q: string | undefined): KeyMaterial {
  const params = deciding(body, 'prompt')
  return {
    exact: hash({ endpoint: 'completions', params, prompt: body.prompt, query: q }),
    partition: hash({ endpoint: 'completions', params, query: q }),
    semanticText: typeof body.prompt === 'string' ? body.prompt : undefined,
  }
}

/** Strips a leading skip word from the last user message; true if it was there. */
export function removeChatSkipWord(body: JsonObject, word: string): boolean {
  const messages = body.messages as JsonObject[]
  const last = messages[messages.length - 1]
  if (!last || last.role !== 'user') return false
  if (typeof last.content === 'string') {
    const stripped = afterSkipWord(last.content, word)
    if (stripped === undefined) return false
    last.content = stripped
    return true
  }
  if (Array.isArray(last.content)) {
    const part = last.content.find((p: any) => p?.type === 'text' && typeof p.text === 'string')
    const stripped = part ? afterSkipWord(part.text, word) : undefined
    if (stripped === undefined) return false
    part.text = stripped
    return true
  }
  return false
}

/** Strips a leading skip word from a string prompt; true if it was there. */
export function removePromptSkipWord(body: JsonObject, word: string): boolean {
  if (typeof body.prompt !== 'string') return false
  const stripped = afterSkipWord(body.prompt, word)
  if (stripped === undefined) return false
  body.prompt = stripped
  return true
}
