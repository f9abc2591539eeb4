import { unsupportedByUpstream } from '../../errors'

// The tools of a Messages request as a chat-only upstream can take them (DESIGN §1.8). A client tool (no
// `type`, or `custom`) is a function: its `input_schema` the parameters. Every tool Anthropic defines —
// servers it runs (`web_search_20250305`, `web_fetch_…`, `code_execution_…`, MCP toolsets) and client tools
// whose schema only Anthropic knows (`bash_20250124`, `text_editor_…`, `computer_…`, `memory_…`) — is left
// out and named by its type in `dropped`, so a client that sends them by default works as installed; only a
// `tool_choice` that requires one is refused. `strict` is Anthropic's promise of its own decoder, not one a
// chat upstream makes the same way (several take strict schemas on a beta endpoint alone): left behind, as
// are `cache_control`, `defer_loading` and `input_examples`.

type Json = Record<string, any>

export interface ChatTools {
  tools: Json[]
  /** Chat's `tool_choice`, undefined when the request set none (or set it on no tool). */
  toolChoice: unknown
  /** False when the request's `tool_choice` said `disable_parallel_tool_use`. */
  parallel: boolean | undefined
  dropped: string[]
}

const isClientTool = (tool: Json) => (tool.type == null || tool.type === 'custom') && typeof tool.name === 'string'

export function chatTools(tools: unknown, toolChoice: unknown, upstream: string): ChatTools {
  const out: Json[] = []
  const dropped: string[] = []
  for (const tool of Array.isArray(tools) ? (tools as Json[]) : []) {
    if (!tool || typeof tool !== 'object') continue
    if (!isClientTool(tool)) {
      dropped.push(String(tool.type ?? tool.name))
      continue
    }
    const fn: Json = { name: tool.name }
    if (typeof tool.description === 'string' && tool.description) fn.description = tool.description
    fn.parameters = tool.input_schema ?? { type: 'object', properties: {} }
    out.push({ type: 'function', function: fn })
  }
  const choice = toolChoice && typeof toolChoice === 'object' ? (toolChoice as Json) : undefined
  return {
    tools: out,
    toolChoice: chatToolChoice(choice, out, upstream),
    parallel: choice?.disable_parallel_tool_use === true && out.length > 0 ? false : undefined,
    dropped: [...new Set(dropped)],
  }
}

function chatToolChoice(choice: Json | undefined, tools: Json[], upstream: string): unknown {
  if (!choice) return undefined
  if (choice.type === 'auto' || choice.type === 'none') return tools.length > 0 ? choice.type : undefined
  if (choice.type === 'any') {
    if (tools.length === 0) throw unsupportedByUpstream('tool_choice', upstream, 'it requires a tool call, and every tool of the request is one this upstream cannot run.')
    return 'required'
  }
  if (choice.type === 'tool' && typeof choice.name === 'string') {
    if (!tools.some((tool) => tool.function.name === choice.name)) {
      throw unsupportedByUpstream('tool_choice', upstream, `it requires the tool '${choice.name}', which this upstream cannot run (or the request does not declare).`)
    }
    return { type: 'function', function: { name: choice.name } }
  }
  throw unsupportedByUpstream('tool_choice', upstream, `a tool choice of type '${choice.type}' has no Chat Completions equivalent.`)
}
