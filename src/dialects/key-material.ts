import type { JsonObject } from '../openai/validate'

// What every dialect's cache keys are made of: a hash of the canonical JSON of the fields that decide the
// answer. The list below is of fields that do NOT decide it; anything else (including fields we have never
// heard of) splits the key, because a cache hit must never be a wrong answer.

const NOT_DECIDING = new Set([
  'stream',
  'stream_options',
  'user',
  'metadata',
  'store',
  'service_tier',
  'safety_identifier',
  'prompt_cache_key',
  // Embeddings are stored as floats and rendered in whichever encoding the client asks for.
  'encoding_format',
])

/** JSON with object keys sorted at every level, so field order never splits a key. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i])
    return `${out}]`
  }
  if (value && typeof value === 'object') {
    const object = value as JsonObject
    let out = '{'
    for (const key of Object.keys(object).sort()) {
      if (object[key] === undefined) continue
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(object[key])}`
    }
    return `${out}}`
  }
  return JSON.stringify(value ?? null)
}

export const sha256 = (text: string) => Bun.SHA256.hash(text, 'hex') as string
export const hash = (value: unknown) => sha256(canonicalJson(value))

/** The body's fields that decide the answer, but `without` (the one hashed on its own). */
export function deciding(body: JsonObject, without: string): JsonObject {
  const params: JsonObject = {}
  for (const [key, value] of Object.entries(body)) if (key !== without && !NOT_DECIDING.has(key)) params[key] = value
  return params
}

/** The plain text of a message's content, or undefined when it holds anything but text (images, audio). */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return undefined
  const parts: string[] = []
  for (const part of content) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined
    parts.push(part.text)
  }
  return parts.join('\n')
}

/** The text after a leading skip word, or undefined when it does not start with it. */
export function afterSkipWord(text: string, word: string): string | undefined {
  if (text.startsWith(word)) return text.slice(word.length)
  // "/skip_cache" typed alone, or followed by a newline instead of the space.
  const bare = word.trimEnd()
  if (bare && (text === bare || text.startsWith(`${bare}\n`))) return text.slice(bare.length).replace(/^\n/, '')
  return undefined
}
