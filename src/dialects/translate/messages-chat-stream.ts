import { callPiece, firstChoice, upstreamError } from './chat-chunks'
import { inputJson, messageShell, messagesUsage, reasoningOf, stopOf, toolUseId, type MessageAnswerContext } from './messages-chat-answer'
import { encodeThinkingSignature, thinkingWanted } from './messages-chat-thinking'
import { MessagesEventWriter } from './messages-events'

// A chat-only upstream's stream, chunk by chunk, as the Messages stream a `/v1/messages` client reads
// (DESIGN §1.8), written through messages-events.ts: `message_start` at the first chunk (the input tokens
// are not known yet: 0), then a block per kind of content — `reasoning_content` → a thinking block (its text
// streamed when the request asked for it; the signature, which carries the text back, before it closes),
// text → a text block, each tool call (keyed by its index) → a tool_use block — and, once the upstream's
// stream ended, `message_delta` with the stop reason and the whole usage, input included (Anthropic's SDK
// takes every count `message_delta` carries over its own), then `message_stop`. The blocks are those of the
// JSON translation of the same answer (messages-chat-answer.ts).
//
// A tool call's block opens as soon as its name is known, but its input is sent whole, as one
// `input_json_delta`, when the call is done: clients parse the concatenated pieces at the block's end and
// throw on broken JSON, which a chat model can produce — so the arguments are checked first (see
// `inputJson`). Pieces of a call that come after the next block began cannot be sent any more and are lost.
//
// A chat stream that ends without a finish reason was cut, and one whose upstream reports an error (an
// `error` chunk) failed: both end with an `error` event (`api_error`), never `message_stop`, which the SDKs
// throw on; a finish reason that says the upstream gave up (DeepSeek's `insufficient_system_resource`) ends
// with `overloaded_error`, as Anthropic's own overloads do.

type Json = Record<string, any>

interface Call {
  id: string
  name: string
  args: string
  opened: boolean
}

export class ChatToMessagesStream {
  private readonly writer = new MessagesEventWriter()
  private readonly wanted: 'text' | 'omitted' | 'none'
  private readonly calls = new Map<number, Call>()
  private started = false
  private ended = false
  /** The reasoning text so far, and whether its block was written (or, for `none`, the carrier). */
  private reasoning = ''
  private thinkingDone = false
  private call: Call | undefined
  private refused = false
  private finishReason: unknown
  private matched: unknown
  private usage: Json | undefined

  constructor(private readonly context: MessageAnswerContext) {
    this.wanted = thinkingWanted(context.request)
  }

  /** The SSE text for one parsed chat chunk (`chat.completion.chunk`); nothing once the stream ended. */
  push(chunk: Json): string {
    if (this.ended) return ''
    if (chunk?.error) return this.fail('api_error', upstreamError(chunk.error))
    let out = this.start(chunk?.model)
    if (chunk?.usage && typeof chunk.usage === 'object') this.usage = chunk.usage
    const { choice, delta } = firstChoice(chunk)
    const reasoning = reasoningOf(delta)
    if (reasoning) out += this.reasoningDelta(reasoning)
    if (typeof delta.content === 'string' && delta.content) out += this.textDelta(delta.content)
    if (typeof delta.refusal === 'string' && delta.refusal) {
      this.refused = true
      out += this.textDelta(delta.refusal)
    }
    for (const call of Array.isArray(delta.tool_calls) ? (delta.tool_calls as Json[]) : []) out += this.callDelta(call)
    if (choice?.finish_reason != null) this.finishReason = choice.finish_reason
    if (typeof choice?.stop_reason === 'string') this.matched = choice.stop_reason
    return out
  }

  /** The SSE text that ends the message, once the upstream's stream ended (with `[DONE]` or cut short). */
  end(): string {
    if (this.ended) return ''
    if (this.finishReason == null) return this.fail('api_error', 'The upstream ended the answer before it was finished.')
    const stop = stopOf(this.refused ? 'content_filter' : this.finishReason, this.matched, this.context.request)
    if (!stop) return this.fail('overloaded_error', `The upstream stopped the answer (finish reason '${String(this.finishReason)}').`)
    const out = this.start(undefined) + this.settleThinking() + this.closeCall()
    this.ended = true
    return out + this.writer.messageDelta(stop.reason, stop.sequence, messagesUsage(this.usage)) + this.writer.messageStop()
  }

  private start(model: unknown): string {
    if (this.started) return ''
    this.started = true
    return this.writer.messageStart(messageShell(this.context, model))
  }

  private fail(type: string, message: string): string {
    this.ended = true
    return this.writer.error(type, message)
  }

  private reasoningDelta(text: string): string {
    this.reasoning += text
    if (this.wanted !== 'text' || this.thinkingDone) return ''
    return this.closeCall() + this.writer.thinkingDelta(text)
  }

  /**
   * Ends the reasoning before other content: the open thinking block gets its signature and closes; for
   * `omitted` the block is written now, whole. For `none` the carrier waits for a tool call (see `callDelta`).
   */
  private settleThinking(): string {
    if (this.thinkingDone || !this.reasoning || this.wanted === 'none') return ''
    this.thinkingDone = true
    const out = this.writer.openBlock === 'thinking' ? '' : this.writer.openThinking()
    return out + this.writer.signatureDelta(encodeThinkingSignature(this.reasoning)) + this.writer.closeBlock()
  }

  private textDelta(text: string): string {
    return this.settleThinking() + this.closeCall() + this.writer.textDelta(text)
  }

  private callDelta(delta: Json): string {
    const { key, fn } = callPiece(delta)
    let out = ''
    let call = this.calls.get(key)
    if (!call) {
      out += this.settleThinking() + this.closeCall()
      if (this.wanted === 'none' && this.reasoning && !this.thinkingDone) {
        this.thinkingDone = true
        out += this.writer.openThinking() + this.writer.signatureDelta(encodeThinkingSignature(this.reasoning)) + this.writer.closeBlock()
      }
      call = { id: toolUseId(delta.id), name: '', args: '', opened: false }
      this.calls.set(key, call)
      this.call = call
    }
    if (!call.name && typeof fn.name === 'string') call.name = fn.name
    if (typeof fn.arguments === 'string') call.args += fn.arguments
    // The block opens once its name is known (some upstreams send it after the id).
    if (call === this.call && !call.opened && call.name) out += this.openCall(call)
    return out
  }

  private openCall(call: Call): string {
    call.opened = true
    return this.writer.openToolUse(call.id, call.name)
  }

  /** Sends the open call's input, whole and checked, and closes its block. */
  private closeCall(): string {
    const call = this.call
    if (!call) return ''
    this.call = undefined
    const out = call.opened ? '' : this.openCall(call)
    const json = inputJson(call.args)
    return out + (json === '{}' ? '' : this.writer.inputJsonDelta(json)) + this.writer.closeBlock()
  }
}
