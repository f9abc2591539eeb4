// The answer as the cache keeps it: always the full non-streamed OpenAI object, whichever form the upstream
// sent it in, so one entry can be given back as JSON or replayed as a stream (src/openai/sse/replay.ts).
//
// - chat:        a `chat.completion` object: { id, object: 'chat.completion', created, model, choices:
//                [{ index, message: { role, content, refusal, tool_calls?, function_call?, annotations? },
//                logprobs, finish_reason }], usage?, service_tier?, system_fingerprint? }
// - completions: a `text_completion` object: { id, object: 'text_completion', created, model, choices:
//                [{ index, text, logprobs, finish_reason }], usage?, system_fingerprint? }
// - embeddings:  the `list` object: { object: 'list', data: [{ object: 'embedding', index, embedding:
//                number[] }], model, usage } — embeddings in float form, never base64.

export type CachedEndpoint = 'chat' | 'completions' | 'embeddings'

export interface StoredAnswer {
  endpoint: CachedEndpoint
  /** The full non-streamed OpenAI JSON object (see above). */
  body: any
}

export interface TokenUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/**
 * The token counts of a stored answer, or undefined when the upstream reported none. Embeddings report no
 * completion tokens: they count as 0.
 */
export function usageOf(answer: StoredAnswer): TokenUsage | undefined {
  const usage = answer.body?.usage
  if (!usage || typeof usage !== 'object') return undefined
  const prompt = count(usage.prompt_tokens)
  const completion = count(usage.completion_tokens) ?? 0
  if (prompt === undefined) return undefined
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: count(usage.total_tokens) ?? prompt + completion }
}

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
