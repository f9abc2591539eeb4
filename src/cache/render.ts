import type { JsonObject } from '../openai/validate'
import { replayJson, replaySse } from '../streaming/replay'
import type { StoredAnswer } from './answer'
import type { Hit } from './answer-cache'

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
  const body = answer.endpoint === 'embeddings' ? encodeEmbeddings(answer, request.encoding_format) : replayJson(answer)
  // The same content type as OpenAI's own JSON answers (and a MISS passed through from it).
  return new Response(JSON.stringify(body), { headers: { ...headers, 'content-type': 'application/json' } })
}

function encodeEmbeddings(answer: StoredAnswer, encoding: unknown): any {
  if (encoding !== 'base64') return answer.body
  return {
    ...answer.body,
    data: answer.body.data.map((item: any) => ({ ...item, embedding: toBase64(item.embedding) })),
  }
}

/** Embeddings arrive as floats or, for the SDKs' default, base64 of little-endian float32; stored as floats. */
export function embeddingsAsFloats(body: any): any {
  if (!Array.isArray(body?.data)) return body
  return {
    ...body,
    data: body.data.map((item: any) => (typeof item?.embedding === 'string' ? { ...item, embedding: fromBase64(item.embedding) } : item)),
  }
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

function fromBase64(text: string): number[] {
  const bytes = new Uint8Array(Buffer.from(text, 'base64')) // a copy: Buffer's pool offset may not be 4-aligned
  return Array.from(new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2))
}
