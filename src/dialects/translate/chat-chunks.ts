// A chat-only upstream's stream chunk (`chat.completion.chunk`) as both translated streams read it
// (responses-chat-stream.ts, messages-chat-stream.ts): only its first choice is translated, and an `error`
// chunk ends the translated stream with the upstream's own words.

type Json = Record<string, any>

/** The chunk's first choice (index 0; a choice without an index is that one) and its delta ({} without one). */
export function firstChoice(chunk: Json): { choice: Json | undefined; delta: Json } {
  const choice: Json | undefined = Array.isArray(chunk?.choices) ? chunk.choices.find((c: Json) => (c?.index ?? 0) === 0) : undefined
  return { choice, delta: choice?.delta ?? {} }
}

/** A piece of a streamed tool call: which call it belongs to (its `index`, 0 when absent) and its `function` part. */
export function callPiece(delta: Json): { key: number; fn: Json } {
  return { key: typeof delta.index === 'number' ? delta.index : 0, fn: delta.function ?? {} }
}

/** The message of an upstream's `error` chunk, for the error the client reads. */
export function upstreamError(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as Json).message : error
  return `The upstream failed while answering${typeof message === 'string' && message ? `: ${message}` : '.'}`
}
