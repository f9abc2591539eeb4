// An `anthropic` upstream's message as the chat completion a `/v1/chat/completions` client expects (DESIGN
// §1.8): text blocks → the content, tool_use blocks → `tool_calls` (arguments: the input's JSON), thinking
// → `reasoning_content` (chat clients always get it, as DeepSeek gives it), the stop reason as a finish
// reason, the usage in chat's names. Redacted thinking and server tools' blocks say nothing a chat client
// could read. The streamed translation (chat-messages-stream.ts) uses the same functions.

type Json = Record<string, any>

/** What the completion needs besides the message: its id (`chatcmpl-…`) and time (Unix seconds). */
export interface ChatAnswerContext {
  id: string
  created: number
}

const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A server tool's loop paused: the answer so far is whole as far as a chat client can tell.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

export const finishReasonOf = (stopReason: unknown): string => (typeof stopReason === 'string' && FINISH_REASONS[stopReason]) || 'stop'

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0)

/**
 * Anthropic usage in chat's names: the prompt is all the input, cache reads and writes included (Anthropic
 * counts them apart), the cache reads being chat's `cached_tokens`. Chat has no name for cache writes, which
 * Anthropic bills above input: they go in `prompt_tokens_details.cache_write_tokens`, as OpenRouter names
 * them, so the proxy's metering (and a client that knows the name) still sees them.
 */
export function chatUsage(usage: Json | null | undefined): Json {
  const cacheRead = count(usage?.cache_read_input_tokens)
  const cacheWrite = count(usage?.cache_creation_input_tokens)
  const prompt = count(usage?.input_tokens) + cacheRead + cacheWrite
  const completion = count(usage?.output_tokens)
  const details: Json = { cached_tokens: cacheRead, ...(cacheWrite ? { cache_write_tokens: cacheWrite } : {}) }
  const out: Json = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: details }
  const thinking = usage?.output_tokens_details?.thinking_tokens
  if (typeof thinking === 'number') out.completion_tokens_details = { reasoning_tokens: thinking }
  return out
}

export const toolCall = (block: Json, input: string) => ({ id: block.id, type: 'function', function: { name: block.name, arguments: input } })

/** A whole Anthropic message as a `chat.completion`. */
export function messageToChat(message: Json, context: ChatAnswerContext): Json {
  const blocks: Json[] = Array.isArray(message?.content) ? message.content : []
  const text = blocks.filter((b) => b?.type === 'text').map((b) => String(b.text ?? '')).join('')
  const thoughts = blocks.filter((b) => b?.type === 'thinking' && typeof b.thinking === 'string' && b.thinking).map((b) => b.thinking as string)
  const calls = blocks.filter((b) => b?.type === 'tool_use').map((b) => toolCall(b, JSON.stringify(b.input ?? {})))
  const reply: Json = { role: 'assistant', content: text || calls.length === 0 ? text : null, refusal: null }
  if (thoughts.length > 0) reply.reasoning_content = thoughts.join('\n\n')
  if (calls.length > 0) reply.tool_calls = calls
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: message?.model,
    choices: [{ index: 0, message: reply, logprobs: null, finish_reason: finishReasonOf(message?.stop_reason) }],
    usage: chatUsage(message?.usage),
  }
}
