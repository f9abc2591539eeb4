import type { CacheContext } from '../config/load'
import { cachedDialectOf } from '../dialects'
import { sha256 } from '../dialects/key-material'
import type { JsonObject } from '../openai/validate'

// Cache keys: what the request's dialect says decides its answer (dialects/*/cache-keys.ts, hashed as in
// dialects/key-material.ts), with the query string and the cache group of the calling key mixed in.

export type { CachedEndpoint } from '../openai/answer'
import type { CachedEndpoint } from '../openai/answer'
export { canonicalJson, textOf } from '../dialects/key-material'
import type { KeyMaterial } from '../dialects/types'

export interface CacheKeys extends KeyMaterial {
  /** The cache group the entry belongs to (the key that paid for it decides). */
  group?: string
}

/**
 * `query` is the request's query string (`?api-version=…`), which upstreams may read: it splits the keys.
 * An empty one adds nothing, so keys of requests without one are those earlier versions made. `group` is
 * the cache group of the calling key (`shared`, `private:<name>`, `group:<word>`).
 */
export function cacheKeys(endpoint: CachedEndpoint, body: JsonObject, context: CacheContext, query = '', group = 'shared'): CacheKeys {
  const q = query && query !== '?' ? query : undefined
  const keys = cachedDialectOf(endpoint).keyMaterial(body, context, q)
  if (group === 'shared') return { ...keys, group }
  // Another group's entries can be neither an exact nor a semantic hit: both keys carry the group. Shared
  // keys carry nothing, so entries made before groups existed are the shared group's.
  return { ...keys, group, exact: sha256(`${group}\n${keys.exact}`), partition: sha256(`${group}\n${keys.partition}`) }
}
