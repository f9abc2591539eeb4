import { unsupportedByUpstream } from '../../errors'

// A chat request's tools as Anthropic Messages takes them (DESIGN §1.8): a function is a client tool, its
// `parameters` the `input_schema` (an object schema, as Anthropic requires: an empty one when the function
// takes none). Freeform `custom` tools declare no schema: left out and named in `dropped`; only a
// `tool_choice` that requires one is refused. `parallel_tool_calls: false` is Anthropic's
// `disable_parallel_tool_use`, which lives on the tool choice. `strict` is left behind: Anthropic takes it
// only on some models.

type Json = Record<string, any>

export interface MessagesTools {
  tools: Json[]
  toolChoice: Json | undefined
  dropped: string[]
}

export function messagesTools(tools: unknown, toolChoice: unknown, parallel: unknown, upstream: string): MessagesTools {
  const out: Json[] = []
  const dropped: string[] = []
  for (const tool of Array.isArray(tools) ? (tools as Json[]) : []) {
    if (tool?.type === 'function' && typeof tool.function?.name === 'string') {
      const fn: Json = tool.function
      const declared: Json = { name: fn.name }
      if (typeof fn.description === 'string' && fn.description) declared.description = fn.description
      declared.input_schema = fn.parameters && typeof fn.parameters === 'object' ? fn.parameters : { type: 'object', properties: {} }
      out.push(declared)
    } else if (tool && typeof tool === 'object') dropped.push(tool.type === 'custom' && typeof tool.custom?.name === 'string' ? tool.custom.name : String(tool.type))
  }
  let choice = messagesToolChoice(toolChoice, out, upstream)
  if (parallel === false && out.length > 0 && choice?.type !== 'none') choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true }
  return { tools: out, toolChoice: choice, dropped: [...new Set(dropped)] }
}

function messagesToolChoice(choice: unknown, tools: Json[], upstream: string): Json | undefined {
  if (choice === undefined || choice === null) return undefined
  if (choice === 'auto' || choice === 'none') return tools.length > 0 ? { type: choice } : undefined
  if (choice === 'required') {
    if (tools.length === 0) throw unsupportedByUpstream('tool_choice', upstream, 'it requires a tool call, and the request has no function tool this upstream can take.')
    return { type: 'any' }
  }
  const c = choice as Json
  if (c.type === 'function' && typeof c.function?.name === 'string') {
    if (!tools.some((tool) => tool.name === c.function.name)) {
      throw unsupportedByUpstream('tool_choice', upstream, `it requires the tool '${c.function.name}', which is not a function tool of the request.`)
    }
    return { type: 'tool', name: c.function.name }
  }
  if (c.type === 'allowed_tools' && Array.isArray(c.allowed_tools?.tools)) {
    // Messages has no `allowed_tools`: the allowed functions become the whole tool list instead.
    const allowed = (c.allowed_tools.tools as Json[]).map((t) => t?.function?.name).filter((name) => typeof name === 'string')
    tools.splice(0, tools.length, ...tools.filter((tool) => allowed.includes(tool.name)))
    const required = c.allowed_tools.mode === 'required'
    if (tools.length === 0 && required) throw unsupportedByUpstream('tool_choice', upstream, 'it allows only tools this upstream cannot take.')
    return tools.length > 0 ? { type: required ? 'any' : 'auto' } : undefined
  }
  const what = c.type === 'custom' ? c.custom?.name : c.type
  throw unsupportedByUpstream('tool_choice', upstream, `it requires the tool '${what}', which this upstream cannot take.`)
}
