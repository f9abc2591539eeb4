import type { StoredAnswer } from '../../openai/answer'

// Gives a stored answer back in the form the client asked for. JSON: the stored object with a fresh id and
// creation time. SSE: the chunks OpenAI would have sent — per choice a role chunk, the text in several small
// chunks, refusal, tool calls (head chunk with id and name, then the arguments in pieces), a finish chunk;
// then the usage chunk when the client asked for one; then `[DONE]`. Splitting is only ever at positions
// whose pieces concatenate back to the exact text, so recording a replay gives the same answer again.

type Json = Record<string, any>

const ID_PREFIX: Record<'chat' | 'completions', string> = { chat: 'chatcmpl-', completions: 'cmpl-' }
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A new answer id in OpenAI's style: `chatcmpl-` or `cmpl-` and 29 letters and digits. */
export function newAnswerId(endpoint: 'chat' | 'completions'): string {
  let id = ID_PREFIX[endpoint]
  while (id.length < ID_PREFIX[endpoint].length + 29) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      // 248 = 4 × 62: dropping the rest keeps every character equally likely.
      if (byte < 248 && id.length < ID_PREFIX[endpoint].length + 29) id += ID_ALPHABET[byte % 62]
    }
  }
  return id
}

/**
 * The body a non-streaming client gets: the stored object with a fresh `id` and `created` (in seconds).
 * Embeddings come back as stored (the same object, not a copy). The copy is shallow: do not mutate choices.
 */
export function replayJson(answer: StoredAnswer, now = Date.now(), stamp?: Stamp): any {
  if (answer.endpoint !== 'chat' && answer.endpoint !== 'completions') return answer.body
  return { ...answer.body, ...(stamp ?? freshStamp(answer.endpoint, now)) }
}

/** The `id` and `created` a replay carries; a template (replay-template.ts) puts placeholders there. */
export interface Stamp {
  id: string
  created: number | string
}

const freshStamp = (endpoint: 'chat' | 'completions', now: number): Stamp => ({ id: newAnswerId(endpoint), created: Math.floor(now / 1000) })

/** The stream OpenAI would have sent for this answer, as text. Embeddings have no stream form: throws. */
export function replaySse(answer: StoredAnswer, options: { includeUsage: boolean }, now = Date.now(), stamp?: Stamp): string {
  if (answer.endpoint !== 'chat' && answer.endpoint !== 'completions') throw new Error(`${answer.endpoint} answers cannot be replayed as a chat stream`)
  const body: Json = answer.body ?? {}
  const chat = answer.endpoint === 'chat'
  const { id, created } = stamp ?? freshStamp(answer.endpoint, now)

  const base: Json = {
    id,
    object: chat ? 'chat.completion.chunk' : 'text_completion',
    created,
    model: body.model,
  }
  if (chat && body.service_tier !== undefined) base.service_tier = body.service_tier
  if (body.system_fingerprint !== undefined) base.system_fingerprint = body.system_fingerprint
  const usage = options.includeUsage && body.usage != null ? body.usage : undefined

  const events: string[] = []
  const emit = (choices: Json[], extra?: Json) => {
    const chunk: Json = { ...base, choices }
    // With include_usage OpenAI puts `usage: null` on every chunk before the last.
    if (usage) chunk.usage = null
    events.push(`data: ${JSON.stringify(extra ? { ...chunk, ...extra } : chunk)}\n\n`)
  }

  const choices: Json[] = Array.isArray(body.choices) ? body.choices : []
  for (const choice of choices) {
    if (chat) chatChoiceChunks(choice, emit)
    else completionChoiceChunks(choice, emit)
  }
  if (usage) emit([], { usage })
  events.push('data: [DONE]\n\n')
  return events.join('')
}

type Emit = (choices: Json[]) => void

function chatChoiceChunks(choice: Json, emit: Emit) {
  const index = choice.index ?? 0
  const message: Json = choice.message ?? {}
  // The log probabilities ride on the first chunk after the role chunk; the recorder concatenates them back.
  let logprobs = choice.logprobs ?? null
  const delta = (d: Json, finishReason: string | null = null) => {
    emit([{ index, delta: d, logprobs, finish_reason: finishReason }])
    logprobs = null
  }

  const content = typeof message.content === 'string' ? message.content : null
  emit([{ index, delta: { role: message.role ?? 'assistant', content: content === null ? null : '' }, logprobs: null, finish_reason: null }])

  // Provider extras such as `reasoning_content` come before the answer, as they do upstream.
  for (const [field, value] of Object.entries(message)) {
    if (typeof value !== 'string' || MESSAGE_FIELDS.has(field)) continue
    for (const piece of textPieces(value)) delta({ [field]: piece })
  }
  if (content) for (const piece of textPieces(content)) delta({ content: piece })
  if (typeof message.refusal === 'string' && message.refusal) {
    for (const piece of textPieces(message.refusal)) delta({ refusal: piece })
  }
  if (Array.isArray(message.annotations) && message.annotations.length > 0) delta({ annotations: message.annotations })

  const toolCalls: Json[] = Array.isArray(message.tool_calls) ? message.tool_calls : []
  toolCalls.forEach((call, i) => {
    if (call.custom && !call.function) {
      delta({ tool_calls: [{ index: i, id: call.id, type: call.type ?? 'custom', custom: { name: call.custom.name, input: '' } }] })
      for (const piece of codePieces(call.custom.input ?? '')) delta({ tool_calls: [{ index: i, custom: { input: piece } }] })
      return
    }
    const fn: Json = call.function ?? {}
    delta({ tool_calls: [{ index: i, id: call.id, type: call.type ?? 'function', function: { name: fn.name, arguments: '' } }] })
    for (const piece of codePieces(fn.arguments ?? '')) delta({ tool_calls: [{ index: i, function: { arguments: piece } }] })
  })

  if (message.function_call) {
    const fn: Json = message.function_call
    delta({ function_call: { name: fn.name, arguments: '' } })
    for (const piece of codePieces(fn.arguments ?? '')) delta({ function_call: { arguments: piece } })
  }

  delta({}, choice.finish_reason ?? 'stop')
}

/** Message fields replayed by name above; any other string field is a provider extra. */
const MESSAGE_FIELDS = new Set(['role', 'content', 'refusal', 'tool_calls', 'function_call', 'annotations'])

function completionChoiceChunks(choice: Json, emit: Emit) {
  const index = choice.index ?? 0
  let logprobs = choice.logprobs ?? null
  const text = typeof choice.text === 'string' ? choice.text : ''
  for (const piece of textPieces(text)) {
    emit([{ index, text: piece, logprobs, finish_reason: null }])
    logprobs = null
  }
  emit([{ index, text: '', logprobs, finish_reason: choice.finish_reason ?? 'stop' }])
}

const WORDS_PER_CHUNK = 3
const MAX_PIECE = 16

/**
 * Text in chunks of a few words, each word keeping the whitespace after it (leading whitespace is a piece of
 * its own), so the chunks concatenate to the exact text. Long runs without spaces — CJK text, URLs — are cut
 * every 16 code points. At least two chunks whenever there are at least two pieces.
 */
export function textPieces(text: string): string[] {
  const words: string[] = []
  for (const word of text.match(/^\s+|\S+\s*/g) ?? []) words.push(...codePieces(word, MAX_PIECE))
  const size = Math.max(1, Math.min(WORDS_PER_CHUNK, Math.ceil(words.length / 2)))
  const chunks: string[] = []
  for (let i = 0; i < words.length; i += size) chunks.push(words.slice(i, i + size).join(''))
  return chunks
}

/** A string cut every `size` code points (never inside a surrogate pair); at least two pieces when it can. */
function codePieces(text: string, size = Math.min(MAX_PIECE, Math.ceil([...text].length / 2))): string[] {
  const points = [...text]
  if (points.length <= size) return text ? [text] : []
  const pieces: string[] = []
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''))
  return pieces
}
