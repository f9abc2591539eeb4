import type { Hit } from '../cache/probe'
import type { ReplayTemplate } from '../dialects/replay-template'
import { SSE_CONTENT, JSON_CONTENT } from '../dialects/replay-template'
import type { Gatekeeper } from '../limits/gatekeeper'
import { storedTokens } from '../openai/answer'
import type { ClientKey } from '../auth/client-key'
import type { RequestContext } from './context'

// A cache hit served: counted (free, with what it saved) and rendered from its template in the form the
// client asked for (a stream replayed as real SSE, JSON rebuilt whole), whichever form it was stored in.

export function cacheHeaders(hit: Hit): Record<string, string> {
  return {
    'x-cache': 'HIT',
    'x-cache-match': hit.match,
    ...(hit.similarity !== undefined ? { 'x-cache-similarity': hit.similarity.toFixed(4) } : {}),
    // The admin API's id: an owner can delete a wrong answer named in a screenshot.
    'x-cache-entry': String(hit.entry.id),
  }
}

/** A hit costs nothing: counted in the key's usage as saved. */
export async function serveHit(ctx: RequestContext, key: ClientKey, hit: Hit, template: ReplayTemplate, gatekeeper: Gatekeeper): Promise<Response> {
  ctx.cache = 'HIT'
  ctx.cacheMatch = hit.match
  // What the stored answer cost when it was made, its provider-cached part included, is what this hit saved.
  ctx.saved = storedTokens(hit.entry.answer)
  if (key.metered) await gatekeeper.recordHit(key, hit.entry.model, ctx.saved).catch(() => {})
  return respond(hit, template)
}

/** A hit rendered from its template (replay-template.ts): fresh id and time, the cache's headers. */
export function respond(hit: Hit, template: ReplayTemplate): Response {
  const headers =
    hit.match === 'exact'
      ? { ...(template.contentHeaders === SSE_CONTENT ? READY_SSE : READY_JSON), 'x-cache-entry': String(hit.entry.id) }
      : { ...cacheHeaders(hit), ...template.contentHeaders }
  return new Response(template.render(), { headers })
}

// Made once: an exact hit's headers are the same for every answer of one content type, but for its entry.
const EXACT = { 'x-cache': 'HIT', 'x-cache-match': 'exact' }
const READY_JSON = Object.freeze({ ...EXACT, ...JSON_CONTENT })
const READY_SSE = Object.freeze({ ...EXACT, ...SSE_CONTENT })
