import { createHash } from 'node:crypto'
import { unsupportedByUpstream } from '../../errors'

// The tools of a Responses request as a chat-only upstream can take them (DESIGN §1.8). Function tools pass as
// they are. A `namespace` tool only groups functions (Codex declares each MCP server and its sub-agent tools
// so): its members become plain functions under one flattened name each, and the names of their calls are
// mapped back. Every other kind is a tool the upstream cannot run (hosted search, code, computer, MCP, images)
// or one chat cannot declare (freeform `custom` tools): it is left out and named in `dropped`, so a client
// that sends them by default (Codex and `web_search`) works as installed; only a `tool_choice` that requires
// one is refused, since the answer could not honour it.

type Json = Record<string, any>

/** A flattened upstream name's origin: the namespace and the member's own name. */
export interface NamespacedName {
  namespace: string
  name: string
}

/** Upstream function names that stand for a namespace member; names not in it are the client's own. */
export type ToolNames = ReadonlyMap<string, NamespacedName>

export interface ChatTools {
  tools: Json[]
  toolChoice: unknown
  dropped: string[]
  names: ToolNames
}

/** Chat's rule for a function name (OpenAI refuses others; so do DeepSeek and vLLM). */
const NAME_RULE = /^[A-Za-z0-9_-]{1,64}$/

/**
 * The chat name of a namespace member. Codex's namespaces end in `__` (`mcp__browser__`), so joining them
 * bare gives the `mcp__browser__navigate` names models already know; other namespaces get the `__` joint.
 * A name outside chat's rule is made to fit and kept apart by a short hash of the original.
 */
export function flattenName(namespace: string, name: string): string {
  const joined = namespace.endsWith('__') ? `${namespace}${name}` : `${namespace}__${name}`
  if (NAME_RULE.test(joined)) return joined
  const hash = createHash('sha256').update(`${namespace}\u0000${name}`).digest('hex').slice(0, 8)
  return `${joined.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 55)}_${hash}`
}

/** The client's name of an upstream function name: a namespace member, or the name as it is. */
export function unflattenName(names: ToolNames, upstreamName: string): { name: string; namespace?: string } {
  const member = names.get(upstreamName)
  return member ? { name: member.name, namespace: member.namespace } : { name: upstreamName }
}

const functionTool = (tool: Json, name: string, prefix?: string): Json => {
  const description = [prefix, typeof tool.description === 'string' ? tool.description : undefined].filter(Boolean).join('\n\n')
  const fn: Json = { name }
  if (description) fn.description = description
  if (tool.parameters != null) fn.parameters = tool.parameters
  // Responses defaults `strict` to true, chat to false; sent only when the client chose, since several
  // chat-only upstreams take strict schemas on a beta endpoint alone.
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict
  return { type: 'function', function: fn }
}

const nameOfDropped = (tool: Json) => (tool.type === 'custom' && typeof tool.name === 'string' ? tool.name : String(tool.type))

/** The request's `tools` and `tool_choice` for a chat upstream; throws when the choice needs a left-out tool. */
export function chatTools(tools: unknown, toolChoice: unknown, upstream: string): ChatTools {
  const out: Json[] = []
  const dropped: string[] = []
  const names = new Map<string, NamespacedName>()
  const byName = new Map<string, Json>()
  const add = (tool: Json) => {
    out.push(tool)
    byName.set(tool.function.name, tool)
  }
  for (const tool of Array.isArray(tools) ? (tools as Json[]) : []) {
    if (tool?.type === 'function' && typeof tool.name === 'string') add(functionTool(tool, tool.name))
    else if (tool?.type === 'namespace' && typeof tool.name === 'string') {
      // The group's description is said once, on its first member: MCP servers describe themselves at length.
      let prefix = typeof tool.description === 'string' && tool.description ? tool.description : undefined
      for (const member of Array.isArray(tool.tools) ? (tool.tools as Json[]) : []) {
        if (member?.type !== 'function' || typeof member.name !== 'string') {
          dropped.push(flattenName(tool.name, nameOfDropped(member ?? {})))
          continue
        }
        const flat = flattenName(tool.name, member.name)
        names.set(flat, { namespace: tool.name, name: member.name })
        add(functionTool(member, flat, prefix))
        prefix = undefined
      }
    } else if (tool && typeof tool === 'object') dropped.push(nameOfDropped(tool))
  }
  return { tools: out, dropped: [...new Set(dropped)], names, toolChoice: chatToolChoice(toolChoice, out, byName, names, upstream) }
}

function chatToolChoice(choice: unknown, tools: Json[], byName: Map<string, Json>, names: ToolNames, upstream: string): unknown {
  if (choice === undefined || choice === null) return undefined
  if (choice === 'auto' || choice === 'none') return tools.length > 0 ? choice : undefined
  if (choice === 'required') {
    if (tools.length === 0) {
      throw unsupportedByUpstream('tool_choice', upstream, 'it requires a tool call, and every tool of the request is one this upstream cannot run.')
    }
    return 'required'
  }
  const c = choice as Json
  if (c.type === 'function' && typeof c.name === 'string') {
    const name = typeof c.namespace === 'string' ? flattenName(c.namespace, c.name) : memberName(c.name, byName, names)
    if (!byName.has(name)) throw unsupportedByUpstream('tool_choice', upstream, `it requires the tool '${c.name}', which is not a function tool of the request.`)
    return { type: 'function', function: { name } }
  }
  if (c.type === 'allowed_tools' && Array.isArray(c.tools)) {
    // Chat-only upstreams have no `allowed_tools`: the allowed functions become the whole tool list instead.
    const allowed = (c.tools as Json[]).filter((t) => t?.type === 'function' && typeof t.name === 'string').map((t) => memberName(t.name, byName, names))
    const kept = tools.filter((t) => allowed.includes(t.function.name))
    if (kept.length === 0 && c.mode === 'required') {
      throw unsupportedByUpstream('tool_choice', upstream, 'it allows only tools this upstream cannot run.')
    }
    tools.splice(0, tools.length, ...kept)
    return kept.length > 0 ? (c.mode === 'required' ? 'required' : 'auto') : undefined
  }
  const what = typeof c.type === 'string' ? (c.name ?? c.server_label ?? c.type) : JSON.stringify(choice)
  throw unsupportedByUpstream('tool_choice', upstream, `it requires the tool '${what}', which this upstream cannot run.`)
}

/** A tool choice's name: a plain function's, else the one namespace member of that name. */
function memberName(name: string, byName: Map<string, Json>, names: ToolNames): string {
  if (byName.has(name)) return name
  const members = [...names].filter(([, member]) => member.name === name)
  return members.length === 1 ? members[0]![0] : name
}
