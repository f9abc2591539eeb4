import { unsupportedByUpstream } from '../../errors'
import type { JsonObject } from '../../openai/validate'
import { chatMessages } from './messages-chat-content'
import { chatTools } from './messages-chat-tools'

// A Messages request as a Chat Completions request, for an upstream that speaks only chat (DESIGN §1.8):
// Claude Code or the Anthropic SDKs in front of DeepSeek, Qwen, Ollama, OpenAI. The chat body is built from
// the fields below alone, so any other field is left behind. Field by field:
//
// | Messages field                     | on a chat-only upstream                                                 |
// |------------------------------------|-------------------------------------------------------------------------|
// | model                              | model                                                                   |
// | system (string or text blocks)     | the first system message (cache_control left behind)                    |
// | messages                           | messages (messages-chat-content.ts); a system-role message kept in place|
// | max_tokens                         | max_tokens (what DeepSeek, Qwen, Ollama and vLLM all take)              |
// | stop_sequences                     | stop                                                                    |
// | temperature, top_p                 | the same                                                                |
// | top_k                              | dropped: chat has no such field (OpenAI refuses unknown ones), and it   |
// |                                    |   only narrows sampling                                                 |
// | tools, tool_choice                 | functions; Anthropic-defined tools dropped and named (x-dropped-tools); |
// |                                    |   disable_parallel_tool_use → parallel_tool_calls: false               |
// | thinking                           | not sent: chat has no field every upstream takes (OpenAI refuses        |
// |                                    |   `thinking`, and `reasoning_effort` on a model that does not reason,   |
// |                                    |   while Claude Code asks for thinking whatever the model). Whether the  |
// |                                    |   model thinks is the model's (deepseek-reasoner; DeepSeek V4 by        |
// |                                    |   default); `thinking` decides whether the answer shows that reasoning  |
// |                                    |   as thinking blocks (messages-chat-thinking.ts)                        |
// | output_config.effort               | reasoning_effort (DeepSeek maps the two alike; Responses' effort too)   |
// | output_config.format, output_format| response_format json_schema                                             |
// | stream                             | stream + stream_options.include_usage (the usage is the last event)     |
// | mcp_servers                        | refused: Anthropic itself connects to those servers                     |
// | container                          | dropped: it serves code execution, a tool left out                      |
// | context_management                 | dropped: Anthropic's editing of the context on its side; the upstream   |
// |                                    |   gets the whole conversation                                           |
// | metadata, service_tier, speed,     | dropped: they concern Anthropic's account and serving, not the answer   |
// |   inference_geo, cache_control,    |                                                                         |
// |   any unknown field                |                                                                         |

type Json = Record<string, any>

export interface MessagesChatTranslation {
  /** The Chat Completions body to send. */
  chat: Json
  /** Tools left out because the upstream cannot run them (their type): `x-dropped-tools`. */
  dropped: string[]
}

/** `body` as a chat request for `upstream` (its configured name, for errors). Throws `unsupportedByUpstream`. */
export function messagesToChat(body: JsonObject, upstream: string): MessagesChatTranslation {
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) {
    throw unsupportedByUpstream('mcp_servers', upstream, 'Anthropic connects to MCP servers itself; declare their tools as tools of the request instead.')
  }
  const tools = chatTools(body.tools, body.tool_choice, upstream)
  const chat: Json = { model: body.model, messages: chatMessages(body.system, Array.isArray(body.messages) ? (body.messages as Json[]) : [], upstream) }
  if (tools.tools.length > 0) {
    chat.tools = tools.tools
    if (tools.toolChoice !== undefined) chat.tool_choice = tools.toolChoice
    if (tools.parallel !== undefined) chat.parallel_tool_calls = tools.parallel
  }
  if (typeof body.max_tokens === 'number') chat.max_tokens = body.max_tokens
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) chat.stop = body.stop_sequences
  for (const field of ['temperature', 'top_p'] as const) if (typeof body[field] === 'number') chat[field] = body[field]
  const output = (body.output_config && typeof body.output_config === 'object' ? body.output_config : {}) as Json
  if (typeof output.effort === 'string') chat.reasoning_effort = output.effort
  const format = responseFormat(output.format ?? body.output_format)
  if (format) chat.response_format = format
  if (body.stream === true) {
    chat.stream = true
    chat.stream_options = { include_usage: true }
  }
  return { chat, dropped: tools.dropped }
}

function responseFormat(format: unknown): Json | undefined {
  const f = format as Json | null | undefined
  if (f?.type !== 'json_schema' || !f.schema || typeof f.schema !== 'object') return undefined
  return { type: 'json_schema', json_schema: { name: 'output', schema: f.schema } }
}
