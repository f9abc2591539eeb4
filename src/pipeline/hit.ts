import type { Hit } from '../cache/answer-cache'
import { encodeEmbeddings } from '../openai/embeddings-encoding'
import { JSON_CONTENT, SSE_CONTENT, type ReplayForm, type ReplayTemplate } from '../openai/replay-template'
import { replayJson, replaySse } from '../openai/sse/replay'
import type { JsonObject } from '../openai/validate'

// A cache hit as the client asked for it: a stream is replayed as real SSE, JSON is rebuilt whole, and
// embeddings come back in the encoding requested, whichever form the answer was first stored in.

export function cacheHeaders(hit: Hit): Record<string, string> {
  return {
    'x-cache': 'HIT',
    'x-cache-match': hit.match,
    ...(hit.similarity !== undefined ? { 'x-cache-similarity': hit.similarity.toFixed(4) } : {}),
  }
}

export function renderHit(hit: Hit, request: JsonObject): Response {
  const answer = hit.entry.answer
  const headers = cacheHeaders(hit)
  if (request.stream === true && answer.endpoint !== 'embeddings') {
    const includeUsage = (request.stream_options as JsonObject | undefined)?.include_usage === true
    return new Response(replaySse(answer, { includeUsage }), {
      headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    })
  }
  const body = answer.endpoint === 'embeddings' ? encodeEmbeddings(answer.body, request.encoding_format) : replayJson(answer)
  // The same content type as OpenAI's own JSON answers (and a MISS passed through from it).
  return new Response(JSON.stringify(body), { headers: { ...headers, 'content-type': 'application/json' } })
}

/** The form of answer a request asks for, for an answer kept ready (replay-template.ts). */
export function replayForm(request: JsonObject): ReplayForm {
  return {
    stream: request.stream === true,
    includeUsage: (request.stream_options as JsonObject | undefined)?.include_usage === true,
    encoding: request.encoding_format,
  }
}

/** An exact hit from an answer kept ready: the bytes and headers renderHit makes, with a fresh id and time. */
export function respond(template: ReplayTemplate): Response {
  return new Response(template.render(), { headers: template.contentHeaders === SSE_CONTENT ? READY_SSE : READY_JSON })
}

// Made once: an exact hit's headers are the same for every answer of one content type.
const EXACT = cacheHeaders({ match: 'exact' } as Hit)
const READY_JSON = Object.freeze({ ...EXACT, ...JSON_CONTENT })
const READY_SSE = Object.freeze({ ...EXACT, ...SSE_CONTENT })
