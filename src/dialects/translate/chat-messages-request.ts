import { unsupportedByUpstream } from '../../errors'
import type { JsonObject } from '../../openai/validate'
import { messagesConversation } from './chat-messages-content'
import { messagesTools } from './chat-messages-tools'

// A Chat Completions request as a Messages request, for an `anthropic` upstream (DESIGN §1.8): a chat client
// using Claude models (khanon's classic), and Responses clients through chat. The Messages body is built
// from the fields below alone, so any other field is left behind. Field by field:
//
// | chat field                          | on an anthropic upstream                                               |
// |-------------------------------------|------------------------------------------------------------------------|
// | model                               | model                                                                  |
// | messages                            | system + messages (chat-messages-content.ts)                           |
// | max_completion_tokens, max_tokens   | max_tokens (the first set); neither: DEFAULT_MAX_TOKENS, since         |
// |                                     |   Anthropic requires it (the proxy's output cap sets it first anyway)  |
// | stop (a string or a list)           | stop_sequences                                                         |
// | temperature, top_p                  | the same; temperature above 1 as 1 (Anthropic's range is 0–1); left    |
// |                                     |   behind when thinking is on (Anthropic refuses them with it)          |
// | tools, tool_choice,                 | client tools; custom tools dropped and named (x-dropped-tools);        |
// |   parallel_tool_calls               |   disable_parallel_tool_use (chat-messages-tools.ts)                   |
// | response_format json_schema         | output_config.format (Anthropic's structured outputs)                  |
// | response_format json_object, text   | nothing: OpenAI's JSON mode already needs the prompt to ask for JSON   |
// | reasoning_effort                    | thinking with a budget for the effort (THINKING_BUDGETS), under        |
// |                                     |   max_tokens; off under Anthropic's 1,024 minimum, with a tool choice  |
// |                                     |   that forces a call, and inside a tool loop (its calls lost the       |
// |                                     |   signed thinking Anthropic would want back); `none`: off              |
// | stream                              | stream (Anthropic's streams always carry the usage)                    |
// | n above 1                           | refused: one answer per request                                        |
// | logprobs, top_logprobs              | refused: Anthropic gives no log probabilities                          |
// | audio, modalities with audio        | refused: Anthropic answers in text                                     |
// | web_search_options                  | refused: a search the upstream would have to run                       |
// | functions, function_call            | refused: the legacy form; send tools                                   |
// | frequency_penalty, presence_penalty,| dropped: sampling hints with no Anthropic equivalent                   |
// |   logit_bias, seed, prediction      |                                                                        |
// | user, metadata, store, service_tier,| dropped: they concern OpenAI's account and serving, not the answer     |
// |   safety_identifier, stream_options,|                                                                        |
// |   prompt_cache_key, verbosity, …    |                                                                        |

type Json = Record<string, any>

/** Anthropic requires `max_tokens`; when a chat request sets none (the proxy's cap normally does). */
export const DEFAULT_MAX_TOKENS = 4096

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024

/** The thinking budget for each `reasoning_effort`, before `max_tokens` bounds it. */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 24576, max: 32000 }

export interface ChatMessagesTranslation {
  /** The Messages body to send. */
  body: Json
  /** Tools left out because the upstream cannot take them (custom tools, by name): `x-dropped-tools`. */
  dropped: string[]
}

/** `chat` as a Messages request for `upstream` (its configured name, for errors). Throws `unsupportedByUpstream`. */
export function chatToMessages(chat: JsonObject, upstream: string): ChatMessagesTranslation {
  refuseUnsupported(chat, upstream)
  const chatMessages = Array.isArray(chat.messages) ? (chat.messages as Json[]) : []
  const conversation = messagesConversation(chatMessages, upstream)
  const tools = messagesTools(chat.tools, chat.tool_choice, chat.parallel_tool_calls, upstream)

  const maxTokens = [chat.max_completion_tokens, chat.max_tokens].find((n) => typeof n === 'number') as number | undefined
  const body: Json = { model: chat.model, max_tokens: maxTokens ?? DEFAULT_MAX_TOKENS }
  if (conversation.system) body.system = conversation.system
  body.messages = conversation.messages
  if (tools.tools.length > 0) {
    body.tools = tools.tools
    if (tools.toolChoice) body.tool_choice = tools.toolChoice
  }
  const stop = typeof chat.stop === 'string' ? [chat.stop] : Array.isArray(chat.stop) ? chat.stop.filter((s) => typeof s === 'string' && s) : []
  if (stop.length > 0) body.stop_sequences = stop
  const budget = thinkingBudget(chat.reasoning_effort, body.max_tokens, tools.toolChoice, chatMessages)
  if (budget !== undefined) body.thinking = { type: 'enabled', budget_tokens: budget }
  else {
    if (typeof chat.temperature === 'number') body.temperature = Math.min(chat.temperature, 1)
    if (typeof chat.top_p === 'number') body.top_p = chat.top_p
  }
  const format = chat.response_format as Json | undefined
  if (format?.type === 'json_schema' && format.json_schema?.schema && typeof format.json_schema.schema === 'object') {
    body.output_config = { format: { type: 'json_schema', schema: format.json_schema.schema } }
  }
  if (chat.stream === true) body.stream = true
  return { body, dropped: tools.dropped }
}

function refuseUnsupported(chat: JsonObject, upstream: string) {
  if (typeof chat.n === 'number' && chat.n > 1) throw unsupportedByUpstream('n', upstream, 'Anthropic gives one answer per request; send n requests instead.')
  if (chat.logprobs === true || (typeof chat.top_logprobs === 'number' && chat.top_logprobs > 0)) {
    throw unsupportedByUpstream(chat.logprobs === true ? 'logprobs' : 'top_logprobs', upstream, 'Anthropic gives no log probabilities.')
  }
  if (chat.audio != null || (Array.isArray(chat.modalities) && chat.modalities.includes('audio'))) {
    throw unsupportedByUpstream(chat.audio != null ? 'audio' : 'modalities', upstream, 'Anthropic answers in text only.')
  }
  if (chat.web_search_options != null) throw unsupportedByUpstream('web_search_options', upstream, 'web search is run by OpenAI\'s search models.')
  if (chat.functions != null || chat.function_call != null) {
    throw unsupportedByUpstream(chat.functions != null ? 'functions' : 'function_call', upstream, 'the legacy function-calling form is not translated; send tools and tool_choice.')
  }
}

/**
 * The thinking budget for the request's `reasoning_effort`, or undefined for no thinking. Anthropic wants the
 * budget under `max_tokens` and at least 1,024, refuses thinking with a tool choice that forces a call, and,
 * inside a tool loop, wants the assistant's signed thinking back — which a chat client cannot have kept.
 */
function thinkingBudget(effort: unknown, maxTokens: number, toolChoice: Json | undefined, chatMessages: readonly Json[]): number | undefined {
  if (typeof effort !== 'string' || !(effort in THINKING_BUDGETS)) return undefined
  if (toolChoice?.type === 'any' || toolChoice?.type === 'tool') return undefined
  const budget = Math.min(THINKING_BUDGETS[effort]!, maxTokens - 1)
  if (budget < MIN_THINKING_BUDGET) return undefined
  const lastUser = chatMessages.findLastIndex((message) => message?.role === 'user')
  const inToolLoop = chatMessages.slice(lastUser + 1).some((message) => message?.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
  return inToolLoop ? undefined : budget
}
