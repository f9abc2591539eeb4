import { callPiece, firstChoice, upstreamError } from './chat-chunks'
import {
  endFields, functionCallItem, itemId, messageItem, responseObject, responsesUsage, type AnswerContext,
} from './responses-chat-answer'
import { reasoningItem, reasoningWanted } from './responses-chat-reasoning'
import { unflattenName } from './responses-chat-tools'
import { ResponsesEventWriter } from './responses-events'

// A chat-only upstream's stream, chunk by chunk, as the Responses stream a `/v1/responses` client reads
// (DESIGN §1.8): `reasoning_content` → a reasoning item (its summary streamed only when the request asked
// for one), text → an assistant message's output_text deltas, tool-call pieces (keyed by their index) →
// function_call items with their argument deltas, the usage chunk → the final usage, the finish reason →
// `response.completed`, or `response.incomplete` for `length` and `content_filter`. The final response is
// built by the same functions as the JSON translation, so both forms of one answer give the same object.
//
// A chat stream that ends without a finish reason was cut: it ends with `response.failed` (error code
// `server_error`), never `response.completed`. That is the event OpenAI itself sends for a response that
// failed while streaming, and the one every client reads as a failure: Codex retries the turn, the AI SDK
// reports finish reason `error`, and the OpenAI SDK's stream helper gives a final response with status
// `failed` and the error. (A bare `error` event would make the OpenAI SDK throw, but Codex skips it and
// then sees a stream closed without completion.)

type Json = Record<string, any>

type Item =
  | { kind: 'reasoning'; index: number; id: string; text: string; status?: string }
  | { kind: 'message'; index: number; id: string; text: string; refusal: string; status?: string }
  | { kind: 'call'; index: number; id: string; callId: string; name: string; args: string; status?: string }

export class ChatToResponsesStream {
  private readonly writer = new ResponsesEventWriter()
  private readonly items: Item[] = []
  private readonly calls = new Map<number, Extract<Item, { kind: 'call' }>>()
  private readonly reasoning: { summary: boolean; encrypted: boolean }
  private open: Item | undefined
  private started = false
  private model: unknown
  private finishReason: unknown
  private usage: Json | undefined
  private final: Json | undefined

  constructor(private readonly context: AnswerContext) {
    this.reasoning = reasoningWanted(context.request)
  }

  /** The SSE text for one parsed chat chunk (`chat.completion.chunk`); nothing once the response ended. */
  push(chunk: Json): string {
    if (this.final) return ''
    let out = this.start(chunk?.model)
    if (chunk?.error) return out + this.finish({ status: 'failed', error: { code: 'server_error', message: upstreamError(chunk.error) } }, 'incomplete')
    if (chunk?.usage && typeof chunk.usage === 'object') this.usage = chunk.usage
    const { choice, delta } = firstChoice(chunk)
    const reasoning = delta.reasoning_content ?? delta.reasoning
    if (typeof reasoning === 'string' && reasoning) out += this.reasoningDelta(reasoning)
    if (typeof delta.content === 'string' && delta.content) out += this.messageDelta('text', delta.content)
    if (typeof delta.refusal === 'string' && delta.refusal) out += this.messageDelta('refusal', delta.refusal)
    for (const call of Array.isArray(delta.tool_calls) ? (delta.tool_calls as Json[]) : []) out += this.callDelta(call)
    if (choice?.finish_reason != null) this.finishReason = choice.finish_reason
    return out
  }

  /** The SSE text that ends the response, once the upstream's stream ended (with `[DONE]` or cut short). */
  end(): string {
    if (this.final) return ''
    let out = this.start(undefined)
    const fields = endFields(this.finishReason)
    // A response always holds a message or a call, even when the upstream said nothing.
    if (fields.status !== 'failed' && !this.items.some((item) => item.kind !== 'reasoning')) out += this.messageDelta('text', '')
    return out + this.finish(fields, fields.status === 'completed' ? 'completed' : 'incomplete')
  }

  /** The whole response, once `end()` (or an upstream error) ended it. */
  get response(): Json | undefined {
    return this.final
  }

  private start(model: unknown): string {
    if (this.started) return ''
    this.started = true
    this.model = model
    return this.writer.created(responseObject(this.context, model, { status: 'in_progress' }))
  }

  private reasoningDelta(text: string): string {
    if (!this.reasoning.summary && !this.reasoning.encrypted) return ''
    let out = ''
    if (this.open?.kind !== 'reasoning') {
      out += this.closeOpen('completed')
      const item: Item = { kind: 'reasoning', index: this.items.length, id: itemId('rs', this.context, this.items.length), text: '' }
      this.add(item)
      out += this.writer.openReasoning({ id: item.id })
    }
    ;(this.open as Extract<Item, { kind: 'reasoning' }>).text += text
    return this.reasoning.summary ? out + this.writer.summaryDelta(text) : out
  }

  private messageDelta(kind: 'text' | 'refusal', text: string): string {
    let out = ''
    if (this.open?.kind !== 'message') {
      out += this.closeOpen('completed')
      const item: Item = { kind: 'message', index: this.items.length, id: itemId('msg', this.context, this.items.length), text: '', refusal: '' }
      this.add(item)
      out += this.writer.openMessage({ id: item.id })
    }
    const message = this.open as Extract<Item, { kind: 'message' }>
    message[kind] += text
    return out + (kind === 'text' ? this.writer.textDelta(text) : this.writer.refusalDelta(text))
  }

  private callDelta(delta: Json): string {
    const { key, fn } = callPiece(delta)
    let out = ''
    let call = this.calls.get(key)
    if (!call) {
      out += this.closeOpen('completed')
      const index = this.items.length
      const callId = typeof delta.id === 'string' && delta.id ? delta.id : itemId('call', this.context, index)
      call = { kind: 'call', index, id: itemId('fc', this.context, index), callId, name: typeof fn.name === 'string' ? fn.name : '', args: '' }
      this.calls.set(key, call)
      this.add(call)
      const { name, namespace } = unflattenName(this.context.tools, call.name)
      out += this.writer.openFunctionCall(call.callId, name, namespace === undefined ? { id: call.id } : { id: call.id, namespace })
    } else if (!call.name && typeof fn.name === 'string') {
      // Some upstreams send the name after the id; the final item carries it.
      call.name = fn.name
    }
    const piece = typeof fn.arguments === 'string' ? fn.arguments : ''
    if (!piece) return out
    call.args += piece
    // Pieces of a call after the next one began cannot be streamed any more; the final item has them all.
    return this.open === call ? out + this.writer.argumentsDelta(piece) : out
  }

  private add(item: Item) {
    this.items.push(item)
    this.open = item
  }

  /** Closes the open item with its whole form, with `status` (the item being written when cut is incomplete). */
  private closeOpen(status: string): string {
    const item = this.open
    if (!item) return ''
    this.open = undefined
    item.status = status
    const built = this.built(item)
    if (item.kind === 'reasoning') return this.writer.closeReasoning(built)
    return item.kind === 'message' ? this.writer.closeMessage(built) : this.writer.closeFunctionCall(built)
  }

  private built(item: Item): Json {
    const status = item.status ?? 'completed'
    if (item.kind === 'reasoning') return reasoningItem(item.id, item.text, this.context.request)!
    if (item.kind === 'message') return messageItem(item.id, item.text, item.refusal || undefined, status)
    return functionCallItem(item.id, item.callId, item.name, item.args, status, this.context.tools)
  }

  private finish(fields: Json, lastStatus: string): string {
    const out = this.closeOpen(lastStatus)
    this.final = responseObject(this.context, this.model, { ...fields, output: this.items.map((item) => this.built(item)), usage: responsesUsage(this.usage) })
    return out + this.writer.finish(this.final)
  }
}
