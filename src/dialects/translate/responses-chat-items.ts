import { unsupportedByUpstream } from '../../errors'
import { reasoningTextOf } from './responses-chat-reasoning'
import { flattenName, type ToolNames } from './responses-chat-tools'

// Responses input items as chat messages:
// - system and developer messages → system messages (chat-only upstreams know no `developer` role);
// - user messages → user messages: text alone as one string (DeepSeek refuses content arrays), with images
//   as content parts (`image_url`, a URL or a base64 data URL);
// - assistant messages → assistant messages; the function calls that follow one (or each other) join it as
//   its `tool_calls`, the call's `call_id` as the tool call's id; a namespaced call gets its flattened name;
// - function_call_output → a `tool` message answering that id;
// - reasoning → `reasoning_content` of the assistant message that follows it (DeepSeek's thinking mode needs
//   it back in a tool-call turn; other upstreams ignore the field);
// - custom tool calls and their outputs → tool calls whose arguments are `{"input": …}`, and tool messages;
// - records of hosted tools (web and file search, image generation, code interpreter, MCP listings, tool
//   search) → left out: the upstream could not have made them, and the answers that used them follow as text;
// - anything else (files, audio, compaction, client shell or computer calls) → refused, naming `input`.

type Json = Record<string, any>

const HOSTED_RECORDS = new Set([
  'web_search_call', 'file_search_call', 'image_generation_call', 'code_interpreter_call', 'mcp_list_tools',
  'mcp_call', 'mcp_approval_request', 'mcp_approval_response', 'tool_search_call', 'tool_search_output',
  'additional_tools', 'configuration_update',
])

export function chatMessages(items: readonly Json[], names: ToolNames, upstream: string): Json[] {
  const messages: Json[] = []
  /** The assistant message later calls may join: the last message while it is the assistant's. */
  let assistant: Json | undefined
  let reasoning: string | undefined
  const push = (message: Json) => {
    messages.push(message)
    assistant = message.role === 'assistant' ? message : undefined
    // Reasoning belongs to the assistant turn right after it, never to a later one.
    if (!assistant) reasoning = undefined
  }
  const openAssistant = (content: string | null): Json => {
    const message: Json = { role: 'assistant', content }
    if (reasoning) message.reasoning_content = reasoning
    reasoning = undefined
    push(message)
    return message
  }
  const call = (id: string, name: string, args: string) => {
    const message = assistant ?? openAssistant(null)
    ;(message.tool_calls ??= []).push({ id, type: 'function', function: { name, arguments: args } })
  }

  for (const item of items) {
    const type = item?.type ?? (typeof item?.role === 'string' ? 'message' : undefined)
    if (type === 'message') {
      if (item.role === 'assistant') openAssistant(assistantText(item.content, upstream))
      else if (item.role === 'user') push({ role: 'user', content: userContent(item.content, upstream) })
      else if (item.role === 'system' || item.role === 'developer') push({ role: 'system', content: plainText(item.content, upstream, item.role) })
      else throw refused(upstream, `a message with the role '${item.role}'`)
    } else if (type === 'function_call') {
      const name = typeof item.namespace === 'string' ? upstreamName(names, item.namespace, item.name) : item.name
      call(item.call_id, name, typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {}))
    } else if (type === 'custom_tool_call') {
      const name = typeof item.namespace === 'string' ? upstreamName(names, item.namespace, item.name) : item.name
      call(item.call_id, name, JSON.stringify({ input: item.input ?? '' }))
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      push({ role: 'tool', tool_call_id: item.call_id, content: toolOutput(item.output, upstream) })
    } else if (type === 'reasoning') {
      const text = reasoningTextOf(item)
      if (text) reasoning = reasoning ? `${reasoning}\n\n${text}` : text
    } else if (!HOSTED_RECORDS.has(type)) {
      throw refused(upstream, `an input item of type '${type}'`)
    }
  }
  return messages
}

const refused = (upstream: string, what: string) =>
  unsupportedByUpstream('input', upstream, `${what} cannot be translated for an upstream that speaks only Chat Completions.`)

/** The flattened name the request's tools gave a namespace member (the same join when it has no such tool). */
function upstreamName(names: ToolNames, namespace: string, name: string): string {
  for (const [flat, member] of names) if (member.namespace === namespace && member.name === name) return flat
  return flattenName(namespace, name)
}

const partsOf = (content: unknown): Json[] => (typeof content === 'string' ? [{ type: 'input_text', text: content }] : Array.isArray(content) ? content : [])

/** Text parts of any kind (input, output, refusal) as one string; `what` names the message in errors. */
function plainText(content: unknown, upstream: string, what: string): string {
  return partsOf(content)
    .map((part) => {
      if (part?.type === 'input_text' || part?.type === 'output_text' || part?.type === 'text') return String(part.text ?? '')
      if (part?.type === 'refusal') return String(part.refusal ?? '')
      throw refused(upstream, `a ${what} message part of type '${part?.type}'`)
    })
    .join('\n')
}

/** An assistant message's parts are one answer cut in pieces: joined as they are. */
const assistantText = (content: unknown, upstream: string) =>
  typeof content === 'string' ? content : partsOf(content).map((part) => plainText([part], upstream, 'assistant')).join('')

function userContent(content: unknown, upstream: string): string | Json[] {
  const parts = partsOf(content)
  if (!parts.some((part) => part?.type === 'input_image')) return plainText(parts, upstream, 'user')
  return parts.map((part) => {
    if (part?.type === 'input_text') return { type: 'text', text: String(part.text ?? '') }
    if (part?.type === 'input_image') return imagePart(part, upstream)
    throw refused(upstream, `a user message part of type '${part?.type}'`)
  })
}

function imagePart(part: Json, upstream: string): Json {
  if (typeof part.image_url !== 'string' || !part.image_url) {
    throw unsupportedByUpstream('input', upstream, 'an image given by file_id lives in OpenAI\'s file storage; send its URL or base64 data URL instead.')
  }
  const image: Json = { url: part.image_url }
  if (part.detail === 'low' || part.detail === 'high' || part.detail === 'auto') image.detail = part.detail
  return { type: 'image_url', image_url: image }
}

/** A tool's output: chat tool messages hold text only. */
function toolOutput(output: unknown, upstream: string): string {
  if (typeof output === 'string') return output
  return partsOf(output)
    .map((part) => {
      if (part?.type === 'input_text' || part?.type === 'output_text') return String(part.text ?? '')
      throw refused(upstream, `a function_call_output part of type '${part?.type}'`)
    })
    .join('')
}
