// What the fake upstream's Responses API answers (fake-responses.ts holds its routes and ids): input items,
// the output items (reasoning, a function call, a message), the response object in OpenAI's full shape, and
// the event sequence a real stream sends for it — every event OpenAI sends for these items, in its order,
// with `sequence_number`s, so that the OpenAI SDK's stream helper and the AI SDK accept it.

import { randomBytes } from 'node:crypto'

/** Ids in OpenAI's form (`resp_` and 48 hex digits): unique across fakes, as two accounts' ids are. */
export const newId = (prefix: string) => `${prefix}_${randomBytes(24).toString('hex')}`

/** Tokens per turn (a user message or a tool result) of the input, the chain's included; the chain's are cached. */
export const RESPONSE_TOKENS_PER_TURN = 10
/** Reasoning tokens of an answer to a request with `reasoning`. */
export const REASONING_TOKENS = 8

const encoder = new TextEncoder()

/** One event as OpenAI writes it: its type as the SSE event name, the whole event as data. */
export const sseEvent = (event: { type: string }) => encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)

/**
 * `input` as items, as `input_items` lists them: a string is one user message, a message's string content one
 * text part; each item gets an id.
 */
export function inputItems(input: unknown): any[] {
  const items: any[] = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : []
  return items.map((raw) => {
    const item = { ...raw }
    if (!item.type && item.role) item.type = 'message'
    if (item.type === 'message' && typeof item.content === 'string') {
      item.content = [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.content }]
    }
    const prefix = { function_call: 'fc', function_call_output: 'fco', reasoning: 'rs' }[item.type as string] ?? 'msg'
    const status = item.type === 'message' || item.type === 'function_call_output' ? { status: item.status ?? 'completed' } : {}
    return { id: item.id ?? newId(prefix), ...item, ...status }
  })
}

const isUserMessage = (item: any) => item?.type === 'message' && item.role === 'user'
const isTurn = (item: any) => isUserMessage(item) || item?.type === 'function_call_output'
const textOf = (item: any) =>
  (item.content ?? []).map((part: any) => (typeof part.text === 'string' ? part.text : `[${part.type}]`)).join(' ')
const toolOutputText = (output: unknown) =>
  typeof output === 'string' ? output : Array.isArray(output) ? output.map((part: any) => part?.text ?? '').join('') : JSON.stringify(output)

export interface Answer {
  output: any[]
  usage: object
  status: 'completed' | 'incomplete'
  incomplete?: { reason: string }
}

/**
 * The fake model's answer to `input` after `history` (the items of the chain or conversation before it):
 * `Echo: <the last user text>`, naming the earlier user texts it saw, so a test can tell the history was
 * used; `The tool said: …` after a tool result; a call of the first function tool when the weather is asked
 * about; a reasoning item first when the request has `reasoning` (its summary when one is asked for). The
 * text is cut at `max_output_tokens` words, as an incomplete response.
 */
export function answer(json: any, input: any[], history: any[]): Answer {
  const last = input.at(-1)
  const question = isUserMessage(last) ? textOf(last) : ''
  const output: any[] = []
  if (json.reasoning && json.reasoning.effort !== 'none') {
    const summary = json.reasoning.summary ? [{ type: 'summary_text', text: `Thinking about: ${question}` }] : []
    const encrypted = Array.isArray(json.include) && json.include.includes('reasoning.encrypted_content') ? { encrypted_content: `gAAAAfake${randomBytes(12).toString('hex')}` } : {}
    output.push({ id: newId('rs'), type: 'reasoning', summary, ...encrypted })
  }
  const tool = (json.tools ?? []).find((t: any) => t?.type === 'function')
  let status: Answer['status'] = 'completed'
  let words = 0
  if (tool && isUserMessage(last) && question.toLowerCase().includes('weather')) {
    const args = JSON.stringify({ city: 'Paris', unit: 'celsius' })
    output.push({ id: newId('fc'), type: 'function_call', status: 'completed', arguments: args, call_id: newId('call'), name: tool.name })
    words = 3
  } else {
    const earlier = [...history, ...input.slice(0, -1)].filter(isUserMessage).map(textOf)
    const full =
      last?.type === 'function_call_output'
        ? `The tool said: ${toolOutputText(last.output)}`
        : `Echo: ${question}${earlier.length ? ` (earlier: ${earlier.join(' | ')})` : ''}`
    const pieces = full.split(/(?<= )/)
    const cap = typeof json.max_output_tokens === 'number' ? json.max_output_tokens : Infinity
    if (pieces.length > cap) status = 'incomplete'
    const text = pieces.slice(0, cap).join('')
    words = Math.min(pieces.length, cap)
    output.push({ id: newId('msg'), type: 'message', status, content: [{ type: 'output_text', annotations: [], logprobs: [], text }], role: 'assistant' })
  }
  const reasoning = output[0]?.type === 'reasoning' ? REASONING_TOKENS : 0
  const turns = Math.max([...history, ...input].filter(isTurn).length, 1)
  const cached = history.filter(isTurn).length * RESPONSE_TOKENS_PER_TURN
  const inputTokens = turns * RESPONSE_TOKENS_PER_TURN
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: words + reasoning,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: inputTokens + words + reasoning,
  }
  return { output, usage, status, ...(status === 'incomplete' ? { incomplete: { reason: 'max_output_tokens' } } : {}) }
}

/** The response object in OpenAI's shape: what the request set, echoed, around the answer. */
export function responseObject(json: any, id: string, result: Answer, conversation?: string) {
  const createdAt = Math.floor(Date.now() / 1000)
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: result.status,
    background: json.background === true,
    completed_at: createdAt,
    ...(conversation ? { conversation: { id: conversation } } : {}),
    error: null,
    incomplete_details: result.incomplete ?? null,
    instructions: json.instructions ?? null,
    max_output_tokens: json.max_output_tokens ?? null,
    max_tool_calls: json.max_tool_calls ?? null,
    model: json.model,
    output: result.output,
    parallel_tool_calls: json.parallel_tool_calls ?? true,
    previous_response_id: json.previous_response_id ?? null,
    prompt_cache_key: json.prompt_cache_key ?? null,
    reasoning: { effort: json.reasoning?.effort ?? null, summary: json.reasoning?.summary ?? null },
    safety_identifier: json.safety_identifier ?? null,
    service_tier: 'default',
    store: json.store ?? true,
    temperature: json.temperature ?? 1,
    text: json.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: json.tool_choice ?? 'auto',
    tools: json.tools ?? [],
    top_logprobs: json.top_logprobs ?? 0,
    top_p: json.top_p ?? 1,
    truncation: json.truncation ?? 'disabled',
    usage: result.usage,
    user: json.user ?? null,
    metadata: json.metadata ?? {},
  }
}

/** An item as `response.output_item.added` shows it: nothing generated yet. */
function opening(item: any) {
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] }
  if (item.type === 'function_call') return { ...item, status: 'in_progress', arguments: '' }
  if (item.type === 'reasoning') return { ...item, summary: [] }
  return item
}

/** `text` in the pieces a model streams: word by word, or `parts` cuts for tool arguments. */
const wordsOf = (text: string) => text.split(/(?<= )/)
const cutsOf = (text: string, parts: number) =>
  Array.from({ length: parts }, (_, i) => text.slice(Math.floor((i * text.length) / parts), Math.floor(((i + 1) * text.length) / parts)))

/** The events of a stream of `response`, from `response.created` to `response.completed` (or `.incomplete`). */
export function responseEvents(response: any): Array<{ type: string; sequence_number: number }> {
  const events: Array<{ type: string; sequence_number: number }> = []
  const push = (type: string, fields: object) => void events.push({ type, sequence_number: events.length, ...fields })
  const start = { ...response, status: 'in_progress', completed_at: null, incomplete_details: null, output: [], usage: null }
  push('response.created', { response: start })
  push('response.in_progress', { response: start })
  response.output.forEach((item: any, output_index: number) => {
    push('response.output_item.added', { output_index, item: opening(item) })
    const at = { item_id: item.id, output_index }
    if (item.type === 'reasoning') {
      item.summary.forEach((part: any, summary_index: number) => {
        push('response.reasoning_summary_part.added', { ...at, summary_index, part: { type: 'summary_text', text: '' } })
        for (const delta of wordsOf(part.text)) push('response.reasoning_summary_text.delta', { ...at, summary_index, delta, obfuscation: 'x1' })
        push('response.reasoning_summary_text.done', { ...at, summary_index, text: part.text })
        push('response.reasoning_summary_part.done', { ...at, summary_index, part })
      })
    } else if (item.type === 'function_call') {
      for (const delta of cutsOf(item.arguments, 3)) push('response.function_call_arguments.delta', { ...at, delta, obfuscation: 'x2' })
      push('response.function_call_arguments.done', { ...at, arguments: item.arguments })
    } else if (item.type === 'message') {
      item.content.forEach((part: any, content_index: number) => {
        push('response.content_part.added', { ...at, content_index, part: { ...part, text: '' } })
        for (const delta of wordsOf(part.text)) push('response.output_text.delta', { ...at, content_index, delta, logprobs: [], obfuscation: 'x3' })
        push('response.output_text.done', { ...at, content_index, text: part.text, logprobs: [] })
        push('response.content_part.done', { ...at, content_index, part })
      })
    }
    push('response.output_item.done', { output_index, item })
  })
  push(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response })
  return events
}
