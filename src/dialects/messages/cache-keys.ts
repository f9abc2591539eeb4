import type { CacheContext } from '../../config/load'
import type { JsonObject } from '../../openai/validate'
import { canonicalJson, deciding, sha256, textOf } from '../key-material'
import type { KeyMaterial } from '../types'

// What decides a Messages answer, and which part of it is the question matched by meaning: the last message,
// when it is the user's text. As for chat, every field but the ones that never decide an answer (stream,
// metadata, …: key-material.ts) is in the key — `system`, tools, `tool_choice`, `thinking`, sampling,
// `stop_sequences`, and `max_tokens` as capped, since an answer cut at 300 tokens does not answer a request
// for 4,000. Under the `last` context earlier turns do not count, only the system prompt: the `system` field,
// and `system` messages inside `messages` (Claude Code's, for models that are not Claude's).

export function messagesKeyMaterial(body: JsonObject, context: CacheContext, q: string | undefined): KeyMaterial {
  const params = deciding(body, 'messages')
  const messages = body.messages as JsonObject[]
  const last = messages[messages.length - 1]!
  const { content, ...lastShape } = last
  const earlier = context === 'full' ? messages.slice(0, -1) : messages.slice(0, -1).filter((m) => m.role === 'system')
  // The strings canonicalJson would make of { earlier, endpoint, last | lastShape, params, query }, with the
  // shared part serialised once.
  const head = `{"earlier":${canonicalJson(earlier)},"endpoint":"messages",`
  const tail = `,"params":${canonicalJson(params)}${q ? `,"query":${JSON.stringify(q)}` : ''}}`
  return {
    exact: sha256(`${head}"last":${canonicalJson(last)}${tail}`),
    partition: sha256(`${head}"lastShape":${canonicalJson(lastShape)}${tail}`),
    // A tool result, an image or a document in the question: only an exact hit is safe (textOf says none).
    semanticText: last.role === 'user' ? nonEmpty(textOf(content)) : undefined,
  }
}

const nonEmpty = (text: string | undefined) => (text ? text : undefined)
