import type { Hit } from '../cache/answer-cache'
import { JSON_CONTENT, ReplayTemplate, SSE_CONTENT, type ReplayForm } from '../openai/replay-template'
import type { JsonObject } from '../openai/validate'

// A cache hit as the client asked for it: a stream is replayed as real SSE, JSON is rebuilt whole, and
// embeddings come back in the encoding requested, whichever form the answer was first stored in.

export function cacheHeaders(hit: Hit): Record<string, string> {
  return {
    'x-cache': 'HIT',
    'x-cache-match': hit.match,
    ...(hit.similarity !== undefined ? { 'x-cache-similarity': hit.similarity.toFixed(4) } : {}),
    // The admin API's id: an owner can delete a wrong answer named in a screenshot.
    'x-cache-entry': String(hit.entry.id),
  }
}

export function renderHit(hit: Hit, request: JsonObject): Response {
  return respond(hit, ReplayTemplate.of(hit.entry.answer, replayForm(request)))
}

/** The form of answer a request asks for. */
export function replayForm(request: JsonObject): ReplayForm {
  return {
    stream: request.stream === true,
    includeUsage: (request.stream_options as JsonObject | undefined)?.include_usage === true,
    encoding: request.encoding_format,
  }
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
