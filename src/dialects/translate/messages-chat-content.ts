import { unsupportedByUpstream } from '../../errors'
import { thinkingTextOf } from './messages-chat-thinking'

// A Messages conversation as chat messages (DESIGN §1.8):
// - `system` (a string or text blocks) → the first system message; a `system`-role message inside
//   `messages` (Claude Code sends one after the user's when the model is not a Claude) → a system message
//   where it stands;
// - user text → one string (DeepSeek refuses content arrays); with images → content parts (`image_url`,
//   a URL or a base64 data URL); plain-text documents and search results → their text;
// - `tool_result` blocks → `tool` messages answering their `tool_use_id`, in order, before the rest of that
//   user message (chat wants them right after the calls); `is_error` said in the text; images a tool gave
//   (chat tool messages hold text only) → the user message that follows, named;
// - assistant text → the message's content; `tool_use` → its `tool_calls` (ids kept, `input` as the
//   arguments' JSON); `thinking` → its `reasoning_content` (DeepSeek needs it back in a tool-call turn);
// - `redacted_thinking` (encrypted by Anthropic), server tool calls and their results (`server_tool_use`,
//   `web_search_tool_result`, …) → left out: no chat upstream could have made them, and the answer that used
//   them follows as text;
// - PDFs and other binary documents, images by `file_id`, container uploads → refused, naming `messages`:
//   the model could not read them, and leaving them out would change the question.
// `cache_control` and `citations` settings say nothing to a chat upstream and are left behind.

type Json = Record<string, any>

const LEFT_OUT = new Set([
  'redacted_thinking', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'mcp_tool_use', 'mcp_tool_result',
])

const refused = (upstream: string, what: string) =>
  unsupportedByUpstream('messages', upstream, `${what} cannot be translated for an upstream that speaks only Chat Completions.`)

const blocksOf = (content: unknown): Json[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [])

/** Text blocks as one string; `what` names the message in errors. */
export function plainText(content: unknown, upstream: string, what: string, joint = '\n'): string {
  return blocksOf(content)
    .map((block) => {
      if (block?.type === 'text') return String(block.text ?? '')
      throw refused(upstream, `a ${what} block of type '${block?.type}'`)
    })
    .join(joint)
}

export function chatMessages(system: unknown, messages: readonly Json[], upstream: string): Json[] {
  const out: Json[] = []
  // Claude Code's system prompt is several text blocks: paragraphs of one prompt.
  const instructions = system == null ? '' : plainText(system, upstream, 'system', '\n\n')
  if (instructions) out.push({ role: 'system', content: instructions })
  for (const message of messages) {
    if (message?.role === 'user') out.push(...userMessages(message.content, upstream))
    else if (message?.role === 'assistant') out.push(assistantMessage(message.content, upstream))
    else if (message?.role === 'system') out.push({ role: 'system', content: plainText(message.content, upstream, 'system message') })
    else throw refused(upstream, `a message with the role '${message?.role}'`)
  }
  return out
}

/** A user message: its tool results as tool messages, then what else it says (if anything) as one user message. */
function userMessages(content: unknown, upstream: string): Json[] {
  const out: Json[] = []
  const toolImages: Json[] = []
  const own: Json[] = []
  for (const block of blocksOf(content)) {
    if (block?.type !== 'tool_result') {
      own.push(...userParts(block, upstream))
      continue
    }
    const result = toolResult(block, upstream)
    out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: result.text })
    if (result.images.length > 0) toolImages.push({ type: 'text', text: `The image result of the tool call ${block.tool_use_id}:` }, ...result.images)
  }
  const parts = [...toolImages, ...own]
  if (parts.length > 0) out.push({ role: 'user', content: parts.every((part) => part.type === 'text') ? parts.map((part) => part.text).join('\n') : parts })
  return out
}

/** A user block as chat content parts. */
function userParts(block: Json, upstream: string): Json[] {
  if (block?.type === 'text') return [{ type: 'text', text: String(block.text ?? '') }]
  if (block?.type === 'image') return [imagePart(block, upstream)]
  if (block?.type === 'document') return documentParts(block, upstream)
  if (block?.type === 'search_result') {
    const heading = [block.title, block.source].filter((s) => typeof s === 'string' && s).join(' — ')
    return [{ type: 'text', text: [heading, plainText(block.content, upstream, 'search_result')].filter(Boolean).join('\n') }]
  }
  throw refused(upstream, `a user block of type '${block?.type}'`)
}

function imagePart(block: Json, upstream: string): Json {
  const source: Json = block.source ?? {}
  if (source.type === 'base64' && typeof source.data === 'string') {
    return { type: 'image_url', image_url: { url: `data:${source.media_type ?? 'image/png'};base64,${source.data}` } }
  }
  if (source.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } }
  throw unsupportedByUpstream('messages', upstream, `an image of source type '${source.type}' lives in Anthropic's storage; send it as base64 or a URL instead.`)
}

/** A document is text for a chat upstream only when it is text: PDFs and files are refused. */
function documentParts(block: Json, upstream: string): Json[] {
  const source: Json = block.source ?? {}
  const title = typeof block.title === 'string' && block.title ? `${block.title}\n\n` : ''
  if (source.type === 'text' && typeof source.data === 'string') return [{ type: 'text', text: title + source.data }]
  if (source.type === 'content') {
    const parts = blocksOf(source.content).map((inner) => (inner?.type === 'image' ? imagePart(inner, upstream) : { type: 'text', text: plainText([inner], upstream, 'document') }))
    return title ? [{ type: 'text', text: title.trimEnd() }, ...parts] : parts
  }
  throw unsupportedByUpstream('messages', upstream, `a document of source type '${source.type}' (PDF or file) cannot be read by an upstream that speaks only Chat Completions.`)
}

/** A tool result's text (with `is_error` said), and the images it holds, which a tool message cannot. */
function toolResult(block: Json, upstream: string): { text: string; images: Json[] } {
  const texts: string[] = []
  const images: Json[] = []
  for (const inner of blocksOf(block.content)) {
    if (inner?.type === 'image') images.push(imagePart(inner, upstream))
    else texts.push(...userParts(inner, upstream).map((part) => (part.type === 'text' ? part.text : '')))
  }
  let text = texts.join('\n')
  if (!text && images.length > 0) text = '(an image: in the next message)'
  return { text: block.is_error === true ? `Error: ${text}` : text, images }
}

function assistantMessage(content: unknown, upstream: string): Json {
  const texts: string[] = []
  const thoughts: string[] = []
  const calls: Json[] = []
  for (const block of blocksOf(content)) {
    if (block?.type === 'text') texts.push(String(block.text ?? ''))
    else if (block?.type === 'thinking') {
      const text = thinkingTextOf(block)
      if (text) thoughts.push(text)
    } else if (block?.type === 'tool_use') {
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } })
    } else if (!LEFT_OUT.has(block?.type)) throw refused(upstream, `an assistant block of type '${block?.type}'`)
  }
  // Text blocks are one answer cut in pieces (around citations): joined as they are.
  const text = texts.join('')
  const message: Json = { role: 'assistant', content: text || calls.length === 0 ? text : null }
  if (thoughts.length > 0) message.reasoning_content = thoughts.join('\n\n')
  if (calls.length > 0) message.tool_calls = calls
  return message
}
