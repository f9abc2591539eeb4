import { unsupportedByUpstream } from '../../errors'
import type { JsonObject } from '../../openai/validate'
import { chatMessages } from './responses-chat-items'
import { chatTools, type ToolNames } from './responses-chat-tools'

// A Responses request as a Chat Completions request, for an upstream that speaks only chat (DESIGN §1.8).
// The chat body is built from the fields below alone, so any other field is left behind. Field by field:
//
// | Responses field                    | on a chat-only upstream                                                |
// |------------------------------------|------------------------------------------------------------------------|
// | model                              | model                                                                  |
// | instructions                       | the first system message                                               |
// | input (+ the kept history)         | messages (responses-chat-items.ts)                                     |
// | tools, tool_choice                 | functions; namespaces flattened; hosted/custom tools dropped (named)   |
// | text.format json_schema/json_object| response_format (text: nothing to send)                                |
// | max_output_tokens                  | max_tokens (what DeepSeek, Qwen, Ollama and vLLM all take)             |
// | temperature, top_p                 | the same                                                               |
// | parallel_tool_calls                | the same, when there are tools (OpenAI refuses it without)             |
// | reasoning.effort                   | reasoning_effort; reasoning.summary decides the answer's reasoning item|
// | stream                             | stream + stream_options.include_usage (the usage is the last event)    |
// | background: true                   | refused: the proxy would have to run and store the call itself         |
// | conversation                       | refused: conversations live in OpenAI's storage                        |
// | prompt                             | refused: prompt templates live in OpenAI's storage                     |
// | previous_response_id               | the kept history when the proxy made that response; else refused      |
// | include: message.output_text.logprobs | refused: the translated answer carries no log probabilities         |
// | include: reasoning.encrypted_content  | the reasoning text as an opaque field (responses-chat-reasoning.ts) |
// | include: any other                 | dropped: it asks for outputs of hosted tools, which are left out       |
// | text.verbosity, top_logprobs,      | dropped: hints with nothing to say to a chat upstream, or read back   |
// |   truncation, max_tool_calls       |   only from tools and outputs that do not exist here                  |
// | store, metadata, user,             | dropped: they concern the proxy (store: keeping the response) or      |
// |   safety_identifier, service_tier, |   OpenAI's account, not the answer                                    |
// |   prompt_cache_key, stream_options,|                                                                        |
// |   any unknown field                |                                                                        |

type Json = Record<string, any>

export interface ChatTranslation {
  /** The Chat Completions body to send. */
  chat: Json
  /** Tools left out because the upstream cannot run them (their type, or a custom tool's name): `x-dropped-tools`. */
  dropped: string[]
  /**
   * Every input item of the conversation up to this response, to keep with it: the history, then this
   * request's input (a string input as one user message item; item references resolved).
   */
  input: Json[]
  /** How to name the upstream's tool calls back (flattened namespace members). */
  tools: ToolNames
}

/**
 * `body` as a chat request for `upstream` (its configured name, for errors). `history` is what the proxy
 * kept of the conversation `previous_response_id` names — that response's `input` followed by its `output`
 * items — or undefined when the request continues nothing the proxy kept. Throws `unsupportedByUpstream`.
 */
export function responsesToChat(body: JsonObject, history: readonly unknown[] | undefined, upstream: string): ChatTranslation {
  refuseUnsupported(body, history, upstream)
  const input = resolveReferences([...((history ?? []) as Json[]), ...inputItems(body.input)], upstream)
  const tools = chatTools(body.tools, body.tool_choice, upstream)

  const messages: Json[] = []
  if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions })
  messages.push(...chatMessages(input, tools.names, upstream))

  const chat: Json = { model: body.model, messages }
  if (tools.tools.length > 0) {
    chat.tools = tools.tools
    if (tools.toolChoice !== undefined) chat.tool_choice = tools.toolChoice
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls
  }
  const format = responseFormat((body.text as Json | undefined)?.format)
  if (format) chat.response_format = format
  if (typeof body.max_output_tokens === 'number') chat.max_tokens = body.max_output_tokens
  for (const field of ['temperature', 'top_p'] as const) if (typeof body[field] === 'number') chat[field] = body[field]
  const effort = (body.reasoning as Json | undefined)?.effort
  if (typeof effort === 'string') chat.reasoning_effort = effort
  if (body.stream === true) {
    chat.stream = true
    chat.stream_options = { include_usage: true }
  }
  return { chat, dropped: tools.dropped, input, tools: tools.names }
}

function refuseUnsupported(body: JsonObject, history: readonly unknown[] | undefined, upstream: string) {
  if (body.background === true) {
    throw unsupportedByUpstream('background', upstream, 'background responses need an upstream that speaks the Responses API; send the request without it.')
  }
  if (body.conversation != null) {
    throw unsupportedByUpstream('conversation', upstream, 'conversations are kept by OpenAI; chain responses with previous_response_id instead.')
  }
  if (body.prompt != null) throw unsupportedByUpstream('prompt', upstream, 'prompt templates are kept by OpenAI; send the instructions and input themselves.')
  if (body.previous_response_id != null && history === undefined) {
    throw unsupportedByUpstream('previous_response_id', upstream, 'this proxy kept no response of that id for this key (it may have expired, or been made with store: false).')
  }
  if (Array.isArray(body.include) && body.include.includes('message.output_text.logprobs')) {
    throw unsupportedByUpstream('include', upstream, 'log probabilities are not translated from a chat upstream.')
  }
}

/** This request's own input as items: a string is one user message. */
function inputItems(input: unknown): Json[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }]
  return Array.isArray(input) ? (input as Json[]) : []
}

/** Items given by reference (`item_reference`) replaced by the item of that id earlier in the conversation. */
function resolveReferences(items: Json[], upstream: string): Json[] {
  if (!items.some((item) => item?.type === 'item_reference')) return items
  const byId = new Map(items.filter((item) => typeof item?.id === 'string' && item.type !== 'item_reference').map((item) => [item.id as string, item]))
  return items.map((item) => {
    if (item?.type !== 'item_reference') return item
    const found = byId.get(item.id)
    if (!found) {
      throw unsupportedByUpstream('input', upstream, `the item reference '${item.id}' names no item of this conversation the proxy kept.`)
    }
    return found
  })
}

function responseFormat(format: Json | undefined): Json | undefined {
  if (format?.type === 'json_object') return { type: 'json_object' }
  if (format?.type !== 'json_schema') return undefined
  const schema: Json = { name: format.name, schema: format.schema }
  if (typeof format.description === 'string') schema.description = format.description
  if (typeof format.strict === 'boolean') schema.strict = format.strict
  return { type: 'json_schema', json_schema: schema }
}
