import type { Config } from '../config/load'
import { cachedDialectOf } from '../dialects'
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
  const dialect = cachedDialectOf(endpoint)
  const skipped = dialect.removeSkipWord(body, config.skipWord)
  if (!config.allowed || !dialect.replayable(body)) return OFF
  const control = `${headers.get('cache-control') ?? ''},${headers.get('pragma') ?? ''}`.toLowerCase()
  if (/(^|[\s,])no-store([\s,]|$)/.test(control)) return OFF
  if (skipped || /(^|[\s,])no-cache([\s,]|$)/.test(control)) return REFRESH
  return NORMAL
}

/** Strips a leading skip word from the question (the last user message, the prompt); true if it was there. */
export function removeSkipWord(endpoint: CachedEndpoint, body: JsonObject, word: string): boolean {
  return cachedDialectOf(endpoint).removeSkipWord(body, word)
}
