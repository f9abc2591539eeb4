import { tokensOf } from '../../openai/usage'
import type { JsonObject } from '../../openai/validate'
import { newAnthropicId } from './messages-events'
import { thinkingBlock, thinkingWanted } from './messages-chat-thinking'

// A chat-only upstream's answer as the Anthropic message a `/v1/messages` client expects (DESIGN §1.8):
// content blocks (thinking, text, tool_use), the stop reason the finish reason means, the usage in
// Anthropic's names. The streamed translation (messages-chat-stream.ts) uses the same functions, so a stream
// and a JSON answer of the same completion give the same message.

type Json = Record<string, any>

/** What the answer needs to know of its request and of the message the proxy makes of it. */
export interface MessageAnswerContext {
  /** The message's id (`msg_…`). */
  id: string
  /** The client's Messages request: whether it asked for thinking, its stop sequences. */
  request: JsonObject
}

/** Stop reasons for chat finish reasons; one not here means the upstream gave up (DeepSeek's `insufficient_system_resource`). */
const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
}

/**
 * The stop reason and sequence of a finished choice, or undefined when its finish reason says the upstream
 * gave up. Chat says `stop` both for a natural end and for a stop sequence; which one only vLLM tells (the
 * choice's `stop_reason` is the matched string), so only then is the stop reason `stop_sequence`.
 */
export function stopOf(finishReason: unknown, matched: unknown, request: JsonObject): { reason: string; sequence: string | null } | undefined {
  const reason = typeof finishReason === 'string' ? STOP_REASONS[finishReason] : undefined
  if (!reason) return undefined
  const sequences = Array.isArray(request.stop_sequences) ? request.stop_sequences : []
  if (reason === 'end_turn' && typeof matched === 'string' && sequences.includes(matched)) return { reason: 'stop_sequence', sequence: matched }
  return { reason, sequence: null }
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0)

/**
 * Chat usage in Anthropic's names. Anthropic counts cache reads and writes apart from `input_tokens`; chat
 * counts them inside the prompt, as OpenAI (`prompt_tokens_details.cached_tokens`), DeepSeek
 * (`prompt_cache_hit_tokens`) or Moonshot (`cached_tokens`) report reads, and OpenRouter
 * (`prompt_tokens_details.cache_write_tokens`) writes: read as every usage is (`tokensOf`).
 */
export function messagesUsage(usage: Json | null | undefined): Json {
  const tokens = tokensOf(usage, 'openai')
  const cached = tokens?.cachedTokens ?? 0
  const written = tokens?.cacheWriteTokens ?? 0
  return {
    input_tokens: (tokens?.promptTokens ?? 0) - cached - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
    output_tokens: tokens?.completionTokens ?? count(usage?.completion_tokens),
  }
}

/**
 * A call's arguments as the JSON text of its `input`: Anthropic's input is always an object, and the SDKs
 * and Claude Code parse it whole at the block's end, so arguments that are not one JSON object (a model's
 * broken JSON) become `{}` — the client's tool then says what is missing — never a stream a client throws on.
 */
export function inputJson(args: unknown): string {
  if (args && typeof args === 'object' && !Array.isArray(args)) return JSON.stringify(args)
  if (typeof args !== 'string' || !args.trim()) return '{}'
  try {
    const input = JSON.parse(args)
    return input && typeof input === 'object' && !Array.isArray(input) ? JSON.stringify(input) : '{}'
  } catch {
    return '{}'
  }
}

export const toolUseId = (id: unknown) => (typeof id === 'string' && id ? id : newAnthropicId('toolu'))

/** The reasoning text of a chat message or delta: DeepSeek, Qwen and Moonshot say `reasoning_content`, Ollama and vLLM `reasoning`. */
export const reasoningOf = (message: Json): string => {
  const text = message.reasoning_content ?? message.reasoning
  return typeof text === 'string' ? text : ''
}

/** The message shell before any content: what `message_start` carries. */
export const messageShell = (context: MessageAnswerContext, model: unknown): Json => ({
  id: context.id,
  type: 'message',
  role: 'assistant',
  model: typeof model === 'string' && model ? model : context.request.model,
  content: [],
  stop_reason: null,
  stop_sequence: null,
  usage: messagesUsage(undefined),
})

/**
 * A finished chat completion (first choice) as an Anthropic message. A finish reason that says the upstream
 * gave up leaves `stop_reason` null: the answer is what it is, and the cache does not keep it.
 */
export function chatToMessage(completion: Json, context: MessageAnswerContext): Json {
  const choice: Json = Array.isArray(completion?.choices) && completion.choices[0] ? completion.choices[0] : {}
  const message: Json = choice.message ?? {}
  const wanted = thinkingWanted(context.request)
  const reasoning = reasoningOf(message)
  const content: Json[] = []
  if (reasoning && wanted !== 'none') content.push(thinkingBlock(reasoning, wanted))
  const text = typeof message.content === 'string' ? message.content : ''
  const refusal = typeof message.refusal === 'string' ? message.refusal : ''
  if (text || refusal) content.push({ type: 'text', text: text + refusal })
  const calls: Json[] = Array.isArray(message.tool_calls) ? message.tool_calls.filter((call: Json) => call?.function) : []
  if (calls.length > 0 && reasoning && wanted === 'none') content.push(thinkingBlock(reasoning, wanted))
  for (const call of calls) {
    content.push({ type: 'tool_use', id: toolUseId(call.id), name: String(call.function.name ?? ''), input: JSON.parse(inputJson(call.function.arguments)) })
  }
  // OpenAI finishes a refusal with `stop`: Anthropic says `refusal`. A JSON answer is whole even when the
  // upstream left the reason out.
  const finish = refusal ? 'content_filter' : (choice.finish_reason ?? (calls.length > 0 ? 'tool_calls' : 'stop'))
  const stop = stopOf(finish, choice.stop_reason, context.request)
  return {
    ...messageShell(context, completion?.model),
    content,
    stop_reason: stop?.reason ?? null,
    stop_sequence: stop?.sequence ?? null,
    usage: messagesUsage(completion?.usage),
  }
}
