import type { CacheContext } from '../config/load'
import type { JsonObject } from '../openai/validate'

// Cache keys: a hash of the canonical JSON of everything that decides the answer. The list below is of
// fields that do NOT decide it; anything else (including fields we have never heard of) splits the key,
// because a cache hit must never be a wrong answer.

export type { CachedEndpoint } from '../openai/answer'
import type { CachedEndpoint } from '../openai/answer'

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

export interface CacheKeys {
  /** Same key ⇒ same answer. */
  exact: string
  /** Entries that may answer each other by meaning: same everything but the last user message. */
  partition: string
  /** The text matched by meaning; absent when only exact hits are safe (tool results, images, embeddings). */
  semanticText?: string
  /** The cache group the entry belongs to (the key that paid for it decides). */
  group?: string
}

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

const sha256 = (text: string) => Bun.SHA256.hash(text, 'hex') as string
const hash = (value: unknown) => sha256(canonicalJson(value))

function deciding(body: JsonObject, without: string): JsonObject {
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

const SYSTEM_ROLES = new Set(['system', 'developer'])

/**
 * `query` is the request's query string (`?api-version=…`), which upstreams may read: it splits the keys.
 * An empty one adds nothing, so keys of requests without one are those earlier versions made. `group` is
 * the cache group of the calling key (`shared`, `private:<name>`, `group:<word>`).
 */
export function cacheKeys(endpoint: CachedEndpoint, body: JsonObject, context: CacheContext, query = '', group = 'shared'): CacheKeys {
  const keys = ungroupedKeys(endpoint, body, context, query)
  if (group === 'shared') return { ...keys, group }
  // Another group's entries can be neither an exact nor a semantic hit: both keys carry the group. Shared
  // keys carry nothing, so entries made before groups existed are the shared group's.
  return { ...keys, group, exact: sha256(`${group}\n${keys.exact}`), partition: sha256(`${group}\n${keys.partition}`) }
}

function ungroupedKeys(endpoint: CachedEndpoint, body: JsonObject, context: CacheContext, query: string): CacheKeys {
  const q = query && query !== '?' ? query : undefined
  switch (endpoint) {
    case 'embeddings':
      return { exact: hash(q ? { endpoint, params: deciding(body, ''), query: q } : { endpoint, ...deciding(body, '') }), partition: '' }
    case 'completions': {
      const params = deciding(body, 'prompt')
      return {
        exact: hash({ endpoint, params, prompt: body.prompt, query: q }),
        partition: hash({ endpoint, params, query: q }),
        semanticText: typeof body.prompt === 'string' ? body.prompt : undefined,
      }
    }
    case 'chat': {
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
  }
}
