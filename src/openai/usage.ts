// Token counts as upstreams report them, in every shape (DESIGN §1.9):
// - chat and completions: `prompt_tokens` (all input), `completion_tokens`; OpenAI's cached part in
//   `prompt_tokens_details.cached_tokens` and reasoning in `completion_tokens_details.reasoning_tokens`;
//   DeepSeek's `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`; Moonshot's top-level `cached_tokens`;
//   OpenRouter's cache writes in `prompt_tokens_details.cache_write_tokens` (the proxy's translations of
//   Anthropic answers write them there too);
// - the Responses API (and the image and transcription models): `input_tokens` (all input), its cached part
//   in `input_tokens_details.cached_tokens`, `output_tokens`, `output_tokens_details.reasoning_tokens`;
// - Anthropic Messages: `input_tokens` is only what was neither read from nor written to the prompt cache;
//   `cache_read_input_tokens` and `cache_creation_input_tokens` come beside it, so the prompt is the three;
// - embeddings: the prompt only.

/**
 * What one answer used, in every provider's terms (DESIGN §1.9): the prompt counts ALL input tokens, the
 * part read from the provider's prompt cache and the part written to it included; the completion counts
 * every output token, reasoning included. The optional parts are absent when the upstream did not say (or said 0).
 */
export interface Tokens {
  promptTokens: number
  completionTokens: number
  /** Of the prompt: read from the provider's prompt cache (OpenAI cached_tokens, DeepSeek prompt_cache_hit_tokens, Anthropic cache_read_input_tokens). */
  cachedTokens?: number
  /** Of the prompt: written to the provider's prompt cache (Anthropic cache_creation_input_tokens). */
  cacheWriteTokens?: number
  /** Of the completion: reasoning (OpenAI reasoning_tokens, DeepSeek's, Anthropic thinking is output). */
  reasoningTokens?: number
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined)

type Fields = Record<string, any>

/**
 * Whose usage it is, where the caller knows (the answer's dialect): Anthropic's `input_tokens` leave the
 * cache's tokens out, OpenAI's include them. Unsaid, it is told from the fields.
 */
export type UsageShape = 'anthropic' | 'openai'

/** The counts of a usage object, or undefined when it holds none (no prompt count). */
export function tokensOf(usage: unknown, shape?: UsageShape): Tokens | undefined {
  if (!usage || typeof usage !== 'object' || Array.isArray(usage)) return undefined
  const u = usage as Fields
  const completion = count(u.completion_tokens) ?? count(u.output_tokens) ?? 0
  const reasoning = count(u.completion_tokens_details?.reasoning_tokens) ?? count(u.output_tokens_details?.reasoning_tokens) ?? count(u.output_tokens_details?.thinking_tokens)
  const read = count(u.cache_read_input_tokens)
  const written = count(u.cache_creation_input_tokens)
  // Anthropic's fields beside `input_tokens` (they are in every usage it sends, and in no Responses usage).
  // Beside `prompt_tokens` (LiteLLM's chat answers for Claude) they are parts of it, as OpenAI's are.
  const anthropic = shape ? shape === 'anthropic' : u.prompt_tokens == null && ('cache_read_input_tokens' in u || 'cache_creation_input_tokens' in u)
  if (anthropic) {
    const input = count(u.input_tokens)
    if (input === undefined) return undefined
    return tokens(input + (read ?? 0) + (written ?? 0), completion, read, written, reasoning)
  }
  const hit = count(u.prompt_cache_hit_tokens)
  const miss = count(u.prompt_cache_miss_tokens)
  const prompt = count(u.prompt_tokens) ?? count(u.input_tokens) ?? (hit !== undefined && miss !== undefined ? hit + miss : undefined)
  if (prompt === undefined) return undefined
  const details: Fields | undefined = u.prompt_tokens_details ?? u.input_tokens_details
  const cached = count(details?.cached_tokens) ?? hit ?? count(u.cached_tokens) ?? read
  return tokens(prompt, completion, cached, count(details?.cache_write_tokens) ?? written, reasoning)
}

/** Tokens with the parts that were reported, each within what holds it (a provider's odd count cannot make the rest negative). */
function tokens(prompt: number, completion: number, cached?: number, written?: number, reasoning?: number): Tokens {
  const out: Tokens = { promptTokens: prompt, completionTokens: completion }
  const read = Math.min(cached ?? 0, prompt)
  const write = Math.min(written ?? 0, prompt - read)
  const thought = Math.min(reasoning ?? 0, completion)
  if (read > 0) out.cachedTokens = read
  if (write > 0) out.cacheWriteTokens = write
  if (thought > 0) out.reasoningTokens = thought
  return out
}

/** The usage of a whole JSON answer (`usage`, or a Responses object's `response.usage`). */
export function tokensOfAnswer(text: string | undefined): Tokens | undefined {
  if (!text || !text.includes('"usage"')) return undefined
  try {
    const body = JSON.parse(text)
    // Anthropic's message says `type: 'message'`; OpenAI's objects say which `object` they are.
    const shape = body?.type === 'message' ? 'anthropic' : typeof body?.object === 'string' ? 'openai' : undefined
    return tokensOf(body?.usage, shape) ?? tokensOf(body?.response?.usage, 'openai')
  } catch {
    return undefined
  }
}
