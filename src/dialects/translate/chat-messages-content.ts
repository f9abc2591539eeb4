import { unsupportedByUpstream } from '../../errors'

// Chat messages as a Messages conversation, for an `anthropic` upstream (DESIGN §1.8):
// - system and developer messages → `system`, joined in order (Messages has one system prompt, no system
//   role in the conversation);
// - user text and images (a base64 data URL → a base64 source, an http(s) URL → a URL source), PDFs given
//   as `file_data` → document blocks;
// - assistant text (and a refusal's text) → text blocks; `tool_calls` → `tool_use` blocks, ids kept, the
//   arguments parsed into `input`; `reasoning_content` → left out: Anthropic takes back only thinking it
//   signed, and a chat client keeps no signature;
// - `tool` messages → `tool_result` blocks of a user message (consecutive ones together, first in it, as
//   Anthropic wants them);
// - consecutive messages of one role → one message (Messages alternates user and assistant); empty ones are
//   left out, and a final assistant message (a prefill) loses its trailing whitespace, which Anthropic refuses;
// - audio, files by id, legacy `function` messages → refused, naming `messages`.

type Json = Record<string, any>

export interface MessagesConversation {
  system: string
  messages: Json[]
}

const refused = (upstream: string, what: string) =>
  unsupportedByUpstream('messages', upstream, `${what} cannot be translated for an upstream that speaks Anthropic Messages.`)

const partsOf = (content: unknown): Json[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [])

function textOf(content: unknown, upstream: string, what: string): string {
  return partsOf(content)
    .map((part) => {
      if (part?.type === 'text') return String(part.text ?? '')
      if (part?.type === 'refusal') return String(part.refusal ?? '')
      throw refused(upstream, `a ${what} message part of type '${part?.type}'`)
    })
    .join('\n')
}

export function messagesConversation(chatMessages: readonly Json[], upstream: string): MessagesConversation {
  const system: string[] = []
  const messages: Json[] = []
  const add = (role: 'user' | 'assistant', blocks: Json[]) => {
    if (blocks.length === 0) return
    const last = messages[messages.length - 1]
    if (last?.role !== role) return void messages.push({ role, content: blocks })
    const all = [...last.content, ...blocks]
    last.content = [...all.filter((b) => b.type === 'tool_result'), ...all.filter((b) => b.type !== 'tool_result')]
  }
  for (const message of chatMessages) {
    const role = message?.role
    if (role === 'system' || role === 'developer') {
      const text = textOf(message.content, upstream, role)
      if (text) system.push(text)
    } else if (role === 'user') add('user', userBlocks(message.content, upstream))
    else if (role === 'assistant') add('assistant', assistantBlocks(message, upstream))
    else if (role === 'tool') add('user', [toolResult(message, upstream)])
    else throw refused(upstream, `a message with the role '${role}'`)
  }
  const last = messages[messages.length - 1]
  if (last?.role === 'assistant') {
    trimPrefill(last)
    // A prefill that was only whitespace is no message at all.
    if (last.content.length === 0) messages.pop()
  }
  return { system: system.join('\n\n'), messages }
}

function userBlocks(content: unknown, upstream: string): Json[] {
  const blocks: Json[] = []
  for (const part of partsOf(content)) {
    if (part?.type === 'text') {
      if (part.text) blocks.push({ type: 'text', text: String(part.text) })
    } else if (part?.type === 'image_url') blocks.push(imageBlock(part.image_url, upstream))
    else if (part?.type === 'file') blocks.push(documentBlock(part.file, upstream))
    else throw refused(upstream, `a user message part of type '${part?.type}'`)
  }
  return blocks
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s

function imageBlock(image: Json | string | undefined, upstream: string): Json {
  const url = typeof image === 'string' ? image : image?.url
  const data = typeof url === 'string' ? DATA_URL.exec(url) : null
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } }
  if (typeof url === 'string' && /^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } }
  throw unsupportedByUpstream('messages', upstream, 'an image must be an http(s) URL or a base64 data URL.')
}

/** A file given inline (`file_data`, a data URL) as a document: Anthropic reads PDFs and plain text. */
function documentBlock(file: Json | undefined, upstream: string): Json {
  const data = typeof file?.file_data === 'string' ? DATA_URL.exec(file.file_data) : null
  if (!data) throw unsupportedByUpstream('messages', upstream, 'a file given by file_id lives in OpenAI\'s storage; send it inline as file_data instead.')
  const block: Json = data[1] === 'text/plain'
    ? { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(data[2]!, 'base64').toString('utf8') } }
    : { type: 'document', source: { type: 'base64', media_type: data[1], data: data[2] } }
  if (typeof file?.filename === 'string' && file.filename) block.title = file.filename
  return block
}

function assistantBlocks(message: Json, upstream: string): Json[] {
  if (message.function_call) throw refused(upstream, 'a legacy function_call')
  const blocks: Json[] = []
  const text = message.content == null ? '' : textOf(message.content, upstream, 'assistant')
  const refusal = typeof message.refusal === 'string' ? message.refusal : ''
  if (text || refusal) blocks.push({ type: 'text', text: text || refusal })
  for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : []) {
    if (call?.type !== undefined && call.type !== 'function') throw refused(upstream, `a tool call of type '${call.type}'`)
    blocks.push({ type: 'tool_use', id: call.id, name: call.function?.name, input: inputOf(call.function?.arguments) })
  }
  return blocks
}

/** A call's arguments as Anthropic's `input`, always an object: what is not one JSON object (broken JSON) is `{}`. */
function inputOf(args: unknown): Json {
  if (typeof args !== 'string') return args && typeof args === 'object' && !Array.isArray(args) ? (args as Json) : {}
  try {
    const input = JSON.parse(args)
    return input && typeof input === 'object' && !Array.isArray(input) ? input : {}
  } catch {
    return {}
  }
}

function toolResult(message: Json, upstream: string): Json {
  const block: Json = { type: 'tool_result', tool_use_id: message.tool_call_id }
  const text = textOf(message.content, upstream, 'tool')
  if (text) block.content = text
  return block
}

function trimPrefill(message: Json) {
  const last = message.content[message.content.length - 1]
  if (last?.type !== 'text') return
  last.text = last.text.trimEnd()
  if (!last.text) message.content.pop()
}
