import type { Config } from '../config/load'
import type { JsonObject } from '../openai/validate'
import type { CachedEndpoint } from './keys'

// What the cache may do for one request: look up, store, both or neither.

/** The cache settings a request is planned with. */
export type CacheSettings = Config['cache']

export interface CachePlan {
  lookup: boolean
  store: boolean
}

const OFF: CachePlan = { lookup: false, store: false }
const REFRESH: CachePlan = { lookup: false, store: true }
const NORMAL: CachePlan = { lookup: true, store: true }

export function planFor(endpoint: CachedEndpoint, body: JsonObject, headers: Headers, config: CacheSettings): CachePlan {
  // The skip word is removed whatever happens next: it is an instruction to the proxy, not to the model.
  const skipped = removeSkipWord(endpoint, body, config.skipWord)
  if (!config.allowed || !replayable(body)) return OFF
  const control = `${headers.get('cache-control') ?? ''},${headers.get('pragma') ?? ''}`.toLowerCase()
  if (/(^|[\s,])no-store([\s,]|$)/.test(control)) return OFF
  if (skipped || /(^|[\s,])no-cache([\s,]|$)/.test(control)) return REFRESH
  return NORMAL
}

/** Answers the cache cannot give back faithfully: log probabilities and audio are not kept. */
function replayable(body: JsonObject): boolean {
  if (body.logprobs === true || typeof body.logprobs === 'number' || body.top_logprobs != null) return false
  if (body.audio != null) return false
  return !(Array.isArray(body.modalities) && body.modalities.includes('audio'))
}

/** Strips a leading skip word from the last user message (or the prompt); true if it was there. */
export function removeSkipWord(endpoint: CachedEndpoint, body: JsonObject, word: string): boolean {
  const strip = (text: string): string | undefined => {
    if (text.startsWith(word)) return text.slice(word.length)
    // "/skip_cache" typed alone, or followed by a newline instead of the space.
    const bare = word.trimEnd()
    if (bare && (text === bare || text.startsWith(`${bare}\n`))) return text.slice(bare.length).replace(/^\n/, '')
    return undefined
  }

  if (endpoint === 'completions' && typeof body.prompt === 'string') {
    const stripped = strip(body.prompt)
    if (stripped === undefined) return false
    body.prompt = stripped
    return true
  }
  if (endpoint !== 'chat') return false
  const messages = body.messages as JsonObject[]
  const last = messages[messages.length - 1]
  if (!last || last.role !== 'user') return false
  if (typeof last.content === 'string') {
    const stripped = strip(last.content)
    if (stripped === undefined) return false
    last.content = stripped
    return true
  }
  if (Array.isArray(last.content)) {
    const part = last.content.find((p: any) => p?.type === 'text' && typeof p.text === 'string')
    const stripped = part ? strip(part.text) : undefined
    if (stripped === undefined) return false
    part.text = stripped
    return true
  }
  return false
}
