import type { StoredAnswer } from '../../openai/answer'
import { EventRecorder, eventJson } from '../event-recorder'

// Records a streamed answer as the non-streamed object the upstream would have returned, so the cache keeps
// one form (src/cache/answer.ts). Chunks are merged per choice index: text concatenated, tool calls merged by
// their own `index`, the last non-null finish_reason kept. Only a complete stream gives an answer — `[DONE]`
// seen, no error event, no unreadable event, at least one choice, every choice finished — because a cut
// stream stored would be served later as if it were the whole answer. Anything it cannot read just makes
// the recording incomplete.

type Json = Record<string, any>

interface ToolCallAcc {
  id?: string
  type?: string
  function?: { name?: string; arguments: string }
  custom?: { name?: string; input: string }
}

interface ChoiceAcc {
  index: number
  finishReason: string | null
  logprobs: Json | null
  // chat
  role?: string
  content: string
  sawContent: boolean
  refusal?: string
  /** Other string delta fields some providers send, e.g. DeepSeek's `reasoning_content`: concatenated. */
  extras: Map<string, string>
  toolCalls: Map<number, ToolCallAcc>
  functionCall?: { name?: string; arguments: string }
  annotations?: unknown[]
  // completions
  text: string
}

/** Delta fields merged below; `obfuscation` is padding OpenAI may add and is dropped. */
const KNOWN_DELTA_FIELDS = new Set(['role', 'content', 'refusal', 'tool_calls', 'function_call', 'annotations', 'obfuscation'])

export class StreamRecorder extends EventRecorder {
  private readonly choices = new Map<number, ChoiceAcc>()
  private done = false
  private usage: Json | undefined
  private id: string | undefined
  private model: string | undefined
  private created: number | undefined
  private systemFingerprint: string | undefined
  private serviceTier: string | undefined

  constructor(private readonly endpoint: 'chat' | 'completions') {
    super()
  }

  /** True once a chunk carrying a usage object was seen (`stream_options.include_usage`). */
  get sawUsage(): boolean {
    return this.usage !== undefined
  }


  protected override get over(): boolean {
    return this.done
  }

  /** The assembled answer if the stream was complete, else undefined. */
  override finish(): StoredAnswer | undefined {
    if (!this.done || this.failed || this.choices.size === 0) return undefined
    const accs = [...this.choices.values()].sort((a, b) => a.index - b.index)
    if (accs.some((acc) => acc.finishReason === null)) return undefined

    const chat = this.endpoint === 'chat'
    const body: Json = {
      id: this.id ?? '',
      object: chat ? 'chat.completion' : 'text_completion',
      created: this.created ?? Math.floor(Date.now() / 1000),
      model: this.model ?? '',
      choices: accs.map(chat ? chatChoice : completionChoice),
    }
    if (this.usage) body.usage = this.usage
    if (this.serviceTier !== undefined) body.service_tier = this.serviceTier
    if (this.systemFingerprint !== undefined) body.system_fingerprint = this.systemFingerprint
    return { endpoint: this.endpoint, body }
  }

  protected override event(data: string) {
    if (data.trim() === '[DONE]') {
      this.done = true
      return
    }
    const chunk = eventJson(data)
    if (!isObject(chunk) || chunk.error != null) return this.fail()

    // Azure's first chunk has an empty id and model: keep the first real ones.
    if (typeof chunk.id === 'string' && chunk.id && this.id === undefined) this.id = chunk.id
    if (typeof chunk.model === 'string' && chunk.model && this.model === undefined) this.model = chunk.model
    if (typeof chunk.created === 'number' && this.created === undefined) this.created = chunk.created
    if (typeof chunk.system_fingerprint === 'string') this.systemFingerprint = chunk.system_fingerprint
    if (typeof chunk.service_tier === 'string') this.serviceTier = chunk.service_tier
    // With include_usage OpenAI sends `usage: null` on every chunk and the real one on the last.
    if (isObject(chunk.usage)) this.usage = chunk.usage

    if (chunk.choices === undefined || chunk.choices === null) return
    if (!Array.isArray(chunk.choices)) return this.fail()
    for (const choice of chunk.choices) {
      if (!isObject(choice)) return this.fail()
      const index = choice.index ?? 0
      if (!Number.isInteger(index) || index < 0) return this.fail()
      const acc = this.choice(index)
      if (typeof choice.finish_reason === 'string') acc.finishReason = choice.finish_reason
      acc.logprobs = mergeLogprobs(acc.logprobs, choice.logprobs)
      if (this.endpoint === 'chat') {
        if (choice.delta != null && !this.delta(acc, choice.delta)) return this.fail()
      } else if (typeof choice.text === 'string') {
        acc.text += choice.text
      }
    }
  }

  private choice(index: number): ChoiceAcc {
    let acc = this.choices.get(index)
    if (!acc) {
      acc = { index, finishReason: null, logprobs: null, content: '', sawContent: false, extras: new Map(), toolCalls: new Map(), text: '' }
      this.choices.set(index, acc)
    }
    return acc
  }

  /** Merges one chat delta; false when it holds something this recorder cannot keep faithfully. */
  private delta(acc: ChoiceAcc, delta: unknown): boolean {
    if (!isObject(delta)) return false
    if (typeof delta.role === 'string') acc.role = delta.role
    if (typeof delta.content === 'string') {
      acc.content += delta.content
      acc.sawContent = true
    }
    if (typeof delta.refusal === 'string') acc.refusal = (acc.refusal ?? '') + delta.refusal
    if (Array.isArray(delta.annotations)) acc.annotations = [...(acc.annotations ?? []), ...delta.annotations]
    if (isObject(delta.function_call)) {
      const call = (acc.functionCall ??= { arguments: '' })
      if (typeof delta.function_call.name === 'string' && delta.function_call.name) call.name = delta.function_call.name
      if (typeof delta.function_call.arguments === 'string') call.arguments += delta.function_call.arguments
    }
    if (delta.tool_calls != null) {
      if (!Array.isArray(delta.tool_calls)) return false
      for (const part of delta.tool_calls) if (!mergeToolCall(acc.toolCalls, part)) return false
    }
    for (const [field, value] of Object.entries(delta)) {
      if (KNOWN_DELTA_FIELDS.has(field) || value === null || value === undefined) continue
      // e.g. `audio`: an object we would have to understand to keep; better not cached than kept wrong.
      if (typeof value !== 'string') return false
      acc.extras.set(field, (acc.extras.get(field) ?? '') + value)
    }
    return true
  }
}

function mergeToolCall(calls: Map<number, ToolCallAcc>, part: unknown): boolean {
  if (!isObject(part)) return false
  let index: number
  if (Number.isInteger(part.index) && part.index >= 0) index = part.index
  else if (part.index !== undefined) return false
  // Some OpenAI-compatible providers leave out `index`: a new id starts a call, anything else continues one.
  else index = typeof part.id === 'string' && part.id ? calls.size : Math.max(0, calls.size - 1)

  let call = calls.get(index)
  if (!call) calls.set(index, (call = {}))
  if (typeof part.id === 'string' && part.id) call.id = part.id
  if (typeof part.type === 'string' && part.type) call.type = part.type
  if (isObject(part.function)) {
    const fn = (call.function ??= { arguments: '' })
    if (typeof part.function.name === 'string' && part.function.name) fn.name = part.function.name
    if (typeof part.function.arguments === 'string') fn.arguments += part.function.arguments
  }
  if (isObject(part.custom)) {
    const custom = (call.custom ??= { input: '' })
    if (typeof part.custom.name === 'string' && part.custom.name) custom.name = part.custom.name
    if (typeof part.custom.input === 'string') custom.input += part.custom.input
  }
  return true
}

/** Streamed log probabilities arrive a few tokens at a time: arrays are concatenated, other fields kept. */
function mergeLogprobs(acc: Json | null, next: unknown): Json | null {
  if (!isObject(next)) return acc
  const merged: Json = acc ?? {}
  for (const [key, value] of Object.entries(next)) {
    if (Array.isArray(value)) merged[key] = Array.isArray(merged[key]) ? [...merged[key], ...value] : [...value]
    else if (!(key in merged) || value !== null) merged[key] = value
  }
  return merged
}

function chatChoice(acc: ChoiceAcc): Json {
  const toolCalls = [...acc.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => toolCall(call))
  const calls = toolCalls.length > 0 || acc.functionCall !== undefined
  // OpenAI's own non-streamed answers: content null when the model only called tools or refused, "" when it
  // produced an empty text.
  let content: string | null = acc.content
  if (!acc.content && (calls || acc.refusal !== undefined || !acc.sawContent)) content = null

  const message: Json = { role: acc.role ?? 'assistant', content, refusal: acc.refusal ?? null }
  for (const [field, value] of acc.extras) message[field] = value
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  if (acc.functionCall) message.function_call = { name: acc.functionCall.name ?? '', arguments: acc.functionCall.arguments }
  if (acc.annotations) message.annotations = acc.annotations
  return { index: acc.index, message, logprobs: acc.logprobs, finish_reason: acc.finishReason }
}

function toolCall(call: ToolCallAcc): Json {
  const out: Json = { id: call.id ?? '', type: call.type ?? (call.custom && !call.function ? 'custom' : 'function') }
  if (call.function || !call.custom) out.function = { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' }
  if (call.custom) out.custom = { name: call.custom.name ?? '', input: call.custom.input }
  return out
}

function completionChoice(acc: ChoiceAcc): Json {
  return { index: acc.index, text: acc.text, logprobs: acc.logprobs, finish_reason: acc.finishReason }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
