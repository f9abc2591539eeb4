import { tokensOf, type Tokens } from './usage'

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
// - responses:   a `response` object with `status: 'completed'`, as the upstream made it (its own `id`, which
//                a hit keeps): { id, object: 'response', created_at, status, model, output: [message,
//                function_call, reasoning, … items], usage?: { input_tokens, input_tokens_details,
//                output_tokens, output_tokens_details, total_tokens }, and the request's echoed fields }.
// - messages:    an Anthropic `message` object with `stop_reason` set: { id, type: 'message', role:
//                'assistant', model, content: [text, tool_use, thinking, redacted_thinking, … blocks],
//                stop_reason, stop_sequence, usage: { input_tokens, cache_creation_input_tokens?,
//                cache_read_input_tokens?, output_tokens, … } }; a hit gets a fresh `msg_` id.

export type CachedEndpoint = 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages'

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
 * The tokens of a stored answer, or undefined when the upstream reported none: read as every usage is
 * (usage.ts `tokensOf`), so an Anthropic message's prompt is all the input the model read, the prompt cache's
 * reads and writes included, as OpenAI's `prompt_tokens` include its cached tokens.
 */
export function storedTokens(answer: StoredAnswer): Tokens | undefined {
  return tokensOf(answer.body?.usage, answer.endpoint === 'messages' ? 'anthropic' : 'openai')
}

/** The token counts of a stored answer in OpenAI's names (see storedTokens). */
export function usageOf(answer: StoredAnswer): TokenUsage | undefined {
  const tokens = storedTokens(answer)
  if (!tokens) return undefined
  const { promptTokens: prompt, completionTokens: completion } = tokens
  const total = answer.body.usage.total_tokens
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : prompt + completion }
}
