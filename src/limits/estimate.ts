import type { Endpoint } from '../openai/endpoints'
import type { JsonObject } from '../openai/validate'

// What a request may cost at most, before it is sent: its prompt, and the output it may produce. It errs
// high: a budget reservation that is too big only delays a request; one too small lets a key overspend.
//
// Prompt tokens: half the UTF-8 bytes of the prompt's text (about 4 bytes make a token of English, and 3
// bytes make a character of Chinese, which is rarely more than 1.5 tokens), plus a few per message for the
// role and framing. Output: the capped output (max_tokens after the proxy's cap) times the answers asked.

export interface TokenEstimate {
  promptTokens: number
  completionTokens: number
}

/** When nothing caps the output (MAX_OUTPUT_TOKENS=0 and the client sends none): what is reserved. */
export const UNCAPPED_OUTPUT_TOKENS = 4096
const PER_MESSAGE = 8

export const tokensOfText = (bytes: number) => Math.ceil(bytes / 2)
const bytesOf = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value)))

export function estimateTokens(endpoint: Endpoint | 'messages', body: JsonObject): TokenEstimate {
  const answers = Math.max(numberOr(body.n, 1), numberOr(body.best_of, 1)) * promptCount(endpoint, body)
  switch (endpoint) {
    case 'chat': {
      const messages = Array.isArray(body.messages) ? body.messages : []
      const prompt = tokensOfText(bytesOf(body.messages) + bytesOf(body.tools) + bytesOf(body.response_format)) + PER_MESSAGE * messages.length
      return { promptTokens: prompt, completionTokens: cap(body.max_completion_tokens ?? body.max_tokens) * answers }
    }
    case 'completions':
      return { promptTokens: tokensOfText(bytesOf(body.prompt)) + PER_MESSAGE, completionTokens: cap(body.max_tokens) * answers }
    case 'embeddings':
      return { promptTokens: tokensOfText(bytesOf(body.input)) + PER_MESSAGE, completionTokens: 0 }
    case 'responses':
      return {
        promptTokens: tokensOfText(bytesOf(body.input) + bytesOf(body.instructions) + bytesOf(body.tools)) + PER_MESSAGE,
        completionTokens: cap(body.max_output_tokens),
      }
    // Anthropic Messages: the system prompt, the messages and the tools; thinking is output, within max_tokens.
    case 'messages': {
      const messages = Array.isArray(body.messages) ? body.messages : []
      const prompt = tokensOfText(bytesOf(body.system) + bytesOf(body.messages) + bytesOf(body.tools)) + PER_MESSAGE * (messages.length + 1)
      return { promptTokens: prompt, completionTokens: cap(body.max_tokens) }
    }
  }
}

/** The prompt of an Anthropic `count_tokens` request, estimated (DESIGN §1.8: where no upstream counts it). */
export const estimateInputTokens = (body: JsonObject) => estimateTokens('messages', body).promptTokens

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' && value >= 1 ? value : fallback)
const cap = (value: unknown) => (typeof value === 'number' && value > 0 ? value : UNCAPPED_OUTPUT_TOKENS)

function promptCount(endpoint: Endpoint | 'messages', body: JsonObject): number {
  if (endpoint !== 'completions' || !Array.isArray(body.prompt) || body.prompt.length === 0) return 1
  return body.prompt.every((t) => Number.isInteger(t)) ? 1 : body.prompt.length
}
