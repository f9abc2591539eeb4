// What the fake Anthropic upstream (fake-anthropic.ts) answers a Messages request with, as Anthropic shapes it:
// the message (thinking, text or tool_use blocks, the stop reason, usage with the prompt cache's tokens) and
// the same message as its event stream. The words match the fake OpenAI upstream's (`Echo: …`, `The tool
// said: …`, a weather question calls the first tool), so tests of either dialect read alike.

const encoder = new TextEncoder()

/** Anthropic's smallest thinking budget; the fake refuses less, as Anthropic does. */
export const MIN_THINKING_BUDGET = 1024

/** Tokens the fake counts for an image, a document, and each offered tool (besides its words). */
const IMAGE_TOKENS = 100
const TOOL_TOKENS = 20

type Block = Record<string, any>

/** The content of a message as blocks (a string is one text block). */
const blocksOf = (content: unknown): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content.filter((b) => b && typeof b === 'object') : []

const words = (text: string) => text.split(/\s+/).filter(Boolean).length

/** The text of a tool_result's content (a string, or text blocks). */
const resultText = (content: unknown) =>
  blocksOf(content)
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n')

/** The last text block of the last user message: what the user asked, after any reminders sent before it. */
export function lastUserText(messages: unknown): string {
  const last = [...(Array.isArray(messages) ? messages : [])].reverse().find((m) => m?.role === 'user')
  const texts = blocksOf(last?.content).filter((b) => b.type === 'text')
  return String(texts.at(-1)?.text ?? '')
}

/** The tool_result blocks of the last turn (a system message after it aside), when the client returns tool results. */
function toolResults(json: any): Block[] {
  const last = [...(Array.isArray(json?.messages) ? json.messages : [])].reverse().find((m) => m?.role !== 'system')
  return last?.role === 'user' ? blocksOf(last.content).filter((b) => b.type === 'tool_result') : []
}

export function answerText(json: any): string {
  const results = toolResults(json)
  if (results.length > 0) return `The tool said: ${resultText(results.at(-1)!.content)}`
  return `Echo: ${lastUserText(json?.messages)}`
}

/** With tools offered and the weather asked about, the fake model calls the first tool that takes input. */
function toolUseFor(json: any, id: number): Block | undefined {
  const tool = Array.isArray(json?.tools) ? json.tools.find((t: any) => t?.input_schema && typeof t.name === 'string') : undefined
  if (!tool || toolResults(json).length > 0 || json?.tool_choice?.type === 'none') return undefined
  if (!lastUserText(json.messages).toLowerCase().includes('weather')) return undefined
  return { type: 'tool_use', id: `toolu_fake_${id}`, name: tool.name, input: { city: 'Paris', unit: 'celsius' } }
}

/** Thinking is shown when the request enables it (`enabled` with a budget, or `adaptive`). */
function thinkingFor(json: any): Block | undefined {
  const type = json?.thinking?.type
  if (type !== 'enabled' && type !== 'adaptive') return undefined
  const thinking = `Thinking about: ${lastUserText(json.messages)}`
  return { type: 'thinking', thinking, signature: `sig_${Buffer.from(thinking).toString('base64').slice(0, 24)}` }
}

/** The request's prompt as counted pieces, in the order Anthropic caches them: tools, system, messages. */
function promptPieces(json: any): Array<{ tokens: number; cached: boolean; piece: unknown }> {
  const pieces: Array<{ tokens: number; cached: boolean; piece: unknown }> = []
  for (const tool of Array.isArray(json?.tools) ? json.tools : []) {
    pieces.push({ tokens: TOOL_TOKENS + words(`${tool?.name ?? ''} ${tool?.description ?? ''}`), cached: !!tool?.cache_control, piece: tool })
  }
  for (const block of blocksOf(json?.system)) pieces.push({ tokens: words(String(block.text ?? '')), cached: !!block.cache_control, piece: block })
  for (const message of Array.isArray(json?.messages) ? json.messages : []) {
    for (const block of blocksOf(message?.content)) pieces.push({ tokens: blockTokens(block), cached: !!block.cache_control, piece: [message.role, block] })
  }
  return pieces
}

function blockTokens(block: Block): number {
  if (block.type === 'text') return words(String(block.text))
  if (block.type === 'image' || block.type === 'document') return IMAGE_TOKENS
  if (block.type === 'tool_use') return words(JSON.stringify(block.input ?? {})) + 2
  if (block.type === 'tool_result') return words(resultText(block.content)) + 2
  if (block.type === 'thinking') return words(String(block.thinking ?? ''))
  return 1
}

/** What count_tokens answers, and what a message's usage adds up to: every token of the prompt. */
export function fakeInputTokens(json: any): number {
  return promptPieces(json).reduce((sum, p) => sum + p.tokens, 0)
}

/**
 * The prompt cache as Anthropic reports it: the prompt up to its last `cache_control` breakpoint is written
 * the first time the fake sees that prefix (`cache_creation_input_tokens`) and read every time after
 * (`cache_read_input_tokens`); `input_tokens` is the rest. (Anthropic caches nothing under 1024 tokens; the
 * fake does, so short test prompts show both.)
 */
export function promptUsage(json: any, seenPrefixes: Set<string>) {
  const pieces = promptPieces(json)
  const total = pieces.reduce((sum, p) => sum + p.tokens, 0)
  const breakpoint = pieces.findLastIndex((p) => p.cached)
  if (breakpoint === -1) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }
  const prefix = pieces.slice(0, breakpoint + 1)
  const cached = prefix.reduce((sum, p) => sum + p.tokens, 0)
  const key = String(Bun.hash(JSON.stringify([json.model, prefix.map((p) => p.piece)])))
  const read = seenPrefixes.has(key)
  seenPrefixes.add(key)
  return { input_tokens: total - cached, cache_creation_input_tokens: read ? 0 : cached, cache_read_input_tokens: read ? cached : 0 }
}

/** The whole message the fake model answers `json` with (`id` numbers the message and its tool call). */
export function fakeMessage(json: any, id: number, seenPrefixes: Set<string>) {
  const thinking = thinkingFor(json)
  const call = toolUseFor(json, id)
  const thinkingTokens = thinking ? words(thinking.thinking) : 0
  const content: Block[] = thinking ? [thinking] : []
  let stopReason = 'end_turn'
  let stopSequence: string | null = null
  let outputTokens = thinkingTokens
  if (call) {
    content.push(call)
    stopReason = 'tool_use'
    outputTokens += words(JSON.stringify(call.input)) + 2
  } else {
    let text = answerText(json)
    // The earliest stop sequence in the answer ends it there, as the model would stop.
    const stops: string[] = Array.isArray(json.stop_sequences) ? json.stop_sequences : []
    const first = stops.map((s) => ({ s, at: text.indexOf(s) })).filter((hit) => hit.at !== -1).sort((a, b) => a.at - b.at)[0]
    if (first) [text, stopReason, stopSequence] = [text.slice(0, first.at), 'stop_sequence', first.s]
    // A word is a token: past max_tokens the answer is cut.
    const room = Math.max(0, Number(json.max_tokens) - thinkingTokens)
    if (words(text) > room) [text, stopReason, stopSequence] = [wordPieces(text).slice(0, room).join(''), 'max_tokens', null]
    content.push({ type: 'text', text })
    outputTokens += words(text)
  }
  return {
    id: `msg_fake_${id}`,
    type: 'message',
    role: 'assistant',
    model: json.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    usage: { ...promptUsage(json, seenPrefixes), output_tokens: outputTokens, service_tier: 'standard' },
  }
}

/** One SSE event as Anthropic sends it: its type named on the `event:` line and again in the data. */
export const sseEvent = (data: { type: string } & Record<string, unknown>) => encoder.encode(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`)

/** Text and thinking arrive a word at a time; a tool's input as JSON cut mid-token. */
const wordPieces = (text: string) => text.split(/(?<= )/).filter(Boolean)
const jsonPieces = (json: string) => ['', json.slice(0, 7), json.slice(7, 19), json.slice(19)].filter((p, i) => i === 0 || p !== '')

/** The stream of `message`: message_start, a ping, each block's start, deltas and stop, message_delta, message_stop. */
export function messageEvents(message: ReturnType<typeof fakeMessage>): Array<{ type: string } & Record<string, unknown>> {
  const { content, stop_reason, stop_sequence, usage } = message
  const events: Array<{ type: string } & Record<string, unknown>> = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } },
    { type: 'ping' },
  ]
  content.forEach((block, index) => {
    const delta = (d: object) => events.push({ type: 'content_block_delta', index, delta: d })
    if (block.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } })
      for (const piece of wordPieces(block.thinking)) delta({ type: 'thinking_delta', thinking: piece })
      delta({ type: 'signature_delta', signature: block.signature })
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } })
      for (const piece of jsonPieces(JSON.stringify(block.input))) delta({ type: 'input_json_delta', partial_json: piece })
    } else {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
      for (const piece of wordPieces(block.text)) delta({ type: 'text_delta', text: piece })
    }
    events.push({ type: 'content_block_stop', index })
  })
  events.push({ type: 'message_delta', delta: { stop_reason, stop_sequence }, usage: { output_tokens: usage.output_tokens } }, { type: 'message_stop' })
  return events
}

/** Anthropic's error envelope, with the type each status carries. */
export function anthropicError(status: number, message = `injected ${status}`) {
  const type =
    ({ 400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' } as Record<number, string>)[status] ??
    (status >= 500 ? 'api_error' : 'invalid_request_error')
  return { type: 'error', error: { type, message }, request_id: `req_fake_${status}` }
}
