import { createHash } from 'node:crypto'
import { tokensOf } from '../../openai/usage'
import type { JsonObject } from '../../openai/validate'
import { reasoningItem } from './responses-chat-reasoning'
import { unflattenName, type ToolNames } from './responses-chat-tools'

// A chat-only upstream's answer as the Responses object a client of `/v1/responses` expects (DESIGN §1.8):
// the output items (reasoning, message, function calls), the status the finish reason means, the usage in
// Responses' names, and the request's settings echoed as OpenAI's own responses carry them (SDKs read
// them back). The streamed translation (responses-chat-stream.ts) builds its items and final object with
// the same functions, so a stream and a JSON answer of the same completion give the same response.

type Json = Record<string, any>

/** What the answer needs to know of its request and of the response the proxy makes of it. */
export interface AnswerContext {
  /** The response's id (`resp_…`); the items' ids are derived from it. */
  id: string
  /** Unix seconds. */
  createdAt: number
  /** The client's Responses request, for the echoed settings and what it asked to see. */
  request: JsonObject
  /** From `responsesToChat`: the namespace members' flattened names. */
  tools: ToolNames
  /** Unix seconds now, for `completed_at` (the clock, injected in tests). */
  now?: () => number
}

/** An item id in OpenAI's style, the same for the same response and position: `msg_` and 48 hex digits. */
export const itemId = (prefix: 'msg' | 'fc' | 'rs' | 'call', context: AnswerContext, index: number) =>
  `${prefix}_${createHash('sha256').update(`${context.id}\u0000${prefix}\u0000${index}`).digest('hex').slice(0, 48)}`

/** What a chat finish reason means for the response; none at all means the answer did not finish. */
export function endOf(finishReason: unknown): { status: 'completed' | 'incomplete' | 'failed'; reason?: string } {
  if (finishReason === 'stop' || finishReason === 'tool_calls' || finishReason === 'function_call') return { status: 'completed' }
  if (finishReason === 'length') return { status: 'incomplete', reason: 'max_output_tokens' }
  if (finishReason === 'content_filter') return { status: 'incomplete', reason: 'content_filter' }
  // DeepSeek's `insufficient_system_resource` and any other: the upstream stopped without finishing.
  return { status: 'failed', reason: typeof finishReason === 'string' ? finishReason : undefined }
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0)

/**
 * Chat usage in Responses' names, read as every usage is (`tokensOf`: cached tokens as OpenAI, DeepSeek or
 * Moonshot report them, all inside the prompt). Cache writes (an anthropic upstream's, through chat) have no
 * name in Responses: they go in `input_tokens_details.cache_write_tokens`, as OpenRouter names them, so the
 * proxy's metering still prices them.
 */
export function responsesUsage(usage: Json | null | undefined): Json | null {
  if (!usage || typeof usage !== 'object') return null
  const tokens = tokensOf(usage, 'openai')
  const input = tokens?.promptTokens ?? 0
  const output = tokens?.completionTokens ?? count(usage.completion_tokens)
  const written = tokens?.cacheWriteTokens ? { cache_write_tokens: tokens.cacheWriteTokens } : {}
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: tokens?.cachedTokens ?? 0, ...written },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: tokens?.reasoningTokens ?? 0 },
    total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : input + output,
  }
}

/** The response object with the request's settings echoed; `fields` add the status, output, usage …. */
export function responseObject(context: AnswerContext, model: unknown, fields: Json): Json {
  const request = context.request as Json
  const reasoning = request.reasoning && typeof request.reasoning === 'object' ? request.reasoning : {}
  const completed = (fields.status ?? 'completed') === 'completed'
  return {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    // Set once the response completed (OpenAI's own field since 2025); null while in progress or cut.
    completed_at: completed ? (context.now?.() ?? Math.floor(Date.now() / 1000)) : null,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: typeof model === 'string' && model ? model : request.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium', ...request.text },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
    ...fields,
  }
}

/** The end of a response: its status and the detail that goes with it. */
export function endFields(finishReason: unknown): Json {
  const end = endOf(finishReason)
  if (end.status === 'incomplete') return { status: 'incomplete', incomplete_details: { reason: end.reason } }
  if (end.status === 'failed') {
    const why = end.reason ? `the upstream stopped the answer (finish reason '${end.reason}')` : 'the upstream ended the answer before it was finished'
    return { status: 'failed', error: { code: 'server_error', message: `The response failed: ${why}.` } }
  }
  return { status: 'completed' }
}

export function messageItem(id: string, text: string, refusal: string | undefined, status: string): Json {
  const content: Json[] = []
  if (text || !refusal) content.push({ type: 'output_text', annotations: [], logprobs: [], text })
  if (refusal) content.push({ type: 'refusal', refusal })
  return { id, type: 'message', status, content, role: 'assistant' }
}

export function functionCallItem(id: string, callId: string, upstreamName: string, args: string, status: string, names: ToolNames): Json {
  const { name, namespace } = unflattenName(names, upstreamName)
  const item: Json = { id, type: 'function_call', status, arguments: args, call_id: callId, name }
  if (namespace !== undefined) item.namespace = namespace
  return item
}

/** A finished chat completion (`chat.completion`, first choice) as a Responses object. */
export function chatToResponse(completion: Json, context: AnswerContext): Json {
  const choice: Json = Array.isArray(completion?.choices) && completion.choices[0] ? completion.choices[0] : {}
  const message: Json = choice.message ?? {}
  // A JSON answer is whole even when the upstream left the reason out.
  const end = endFields(choice.finish_reason ?? 'stop')
  const output: Json[] = []

  // DeepSeek, Qwen and Moonshot say `reasoning_content`; Ollama and newer vLLM say `reasoning`.
  const thought = message.reasoning_content ?? message.reasoning
  const reasoning = typeof thought === 'string' ? reasoningItem(itemId('rs', context, 0), thought, context.request) : undefined
  if (reasoning) output.push(reasoning)
  const text = typeof message.content === 'string' ? message.content : ''
  const refusal = typeof message.refusal === 'string' && message.refusal ? message.refusal : undefined
  const calls: Json[] = Array.isArray(message.tool_calls) ? message.tool_calls.filter((call: Json) => call?.function) : []
  if (text || refusal || calls.length === 0) output.push(messageItem(itemId('msg', context, output.length), text, refusal, 'completed'))
  for (const call of calls) {
    const index = output.length
    const callId = typeof call.id === 'string' && call.id ? call.id : itemId('call', context, index)
    const args = typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments ?? {})
    output.push(functionCallItem(itemId('fc', context, index), callId, String(call.function.name ?? ''), args, 'completed', context.tools))
  }
  // The item being written when the answer was cut is the incomplete one, as in OpenAI's own responses.
  const last = output[output.length - 1]
  if (end.status === 'incomplete' && last && 'status' in last) last.status = 'incomplete'

  return responseObject(context, completion?.model, { ...end, output, usage: responsesUsage(completion?.usage) })
}
