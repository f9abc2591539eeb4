// Anthropic's Messages stream, written one event at a time (DESIGN §1.8 "Messages"): whoever produces a
// Messages stream — a cache hit replayed, a chat stream translated — says what happens (a block opens, text
// arrives, the message ends) and gets back the SSE text of the events Anthropic would have sent, each
// `event: <type>\ndata: <json>\n\n` (the `event:` line is not decoration: Anthropic's SDK skips events
// without one). The order is the one the SDK's `MessageStream` rebuilds a message from: `message_start`, then
// block by block `content_block_start` … `content_block_delta`s … `content_block_stop` (each with its
// `index`, counting from 0), then `message_delta` (stop reason, cumulative usage) and `message_stop`; an
// `error` event ends a stream that cannot finish. One block is open at a time, as upstream streams them:
// opening the next closes the last, and `message_delta` closes whatever is still open.

type Json = Record<string, any>

/** Where a stream stands: which block is open (none, or its `type`) and how many blocks were started. */
interface OpenBlock {
  type: string
  index: number
}

/** Block types whose input arrives as `input_json_delta` pieces (the SDK parses them into `input`). */
const TOOL_TYPES = new Set(['tool_use', 'server_tool_use'])

export class MessagesEventWriter {
  private started = false
  private ended = false
  private blocks = 0
  private open: OpenBlock | undefined

  /** The type of the open block (`text`, `tool_use`, `thinking`, …), or undefined when none is. */
  get openBlock(): string | undefined {
    return this.open?.type
  }

  /**
   * `message_start`. `shell` is the message as it stands before any content (`id`, `model`, `usage` with
   * the input counts; any other field kept); its `content`, `stop_reason` and `stop_sequence` are the
   * writer's: empty and null here, told by the blocks and by `messageDelta`.
   */
  messageStart(shell: Json): string {
    if (this.started) throw new Error('MessagesEventWriter: message_start twice')
    const { id, model, usage, content: _c, stop_reason: _r, stop_sequence: _s, type: _t, role: _o, ...rest } = shell
    this.started = true
    const message = {
      id: id ?? newMessageId(),
      type: 'message',
      role: 'assistant',
      model: model ?? '',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      ...rest,
      usage: usage ?? { input_tokens: 0, output_tokens: 0 },
    }
    return this.event('message_start', { message })
  }

  /** A keep-alive, as Anthropic sends one after `message_start`; clients ignore it. */
  ping(): string {
    return this.event('ping', {})
  }

  /** Opens a text block; `fields` go into its `content_block_start` (e.g. `citations: null`). */
  openText(fields: Json = {}): string {
    return this.openWith({ type: 'text', text: '', ...fields })
  }

  /** Text of the open text block (one is opened when another kind is open, or none). */
  textDelta(text: string): string {
    const out = this.open?.type === 'text' ? '' : this.openText()
    if (text === '') return out
    return out + this.delta({ type: 'text_delta', text })
  }

  /** A citation of the open text block's text. */
  citationDelta(citation: Json): string {
    this.expect('text', 'citationDelta')
    return this.delta({ type: 'citations_delta', citation })
  }

  /**
   * Opens a tool call (`input` comes as `inputJsonDelta` pieces). `fields` go into its
   * `content_block_start`: `type: 'server_tool_use'` for a server tool's call, `caller`, ….
   */
  openToolUse(id: string, name: string, fields: Json = {}): string {
    return this.openWith({ type: 'tool_use', id, name, input: {}, ...fields })
  }

  /** More of the open tool call's input JSON (the pieces concatenated are the whole JSON text). */
  inputJsonDelta(partialJson: string): string {
    if (!this.open || !TOOL_TYPES.has(this.open.type)) throw new Error('MessagesEventWriter: inputJsonDelta with no tool call open')
    return this.delta({ type: 'input_json_delta', partial_json: partialJson })
  }

  /** Opens a thinking block; its signature comes as `signatureDelta` before it closes. */
  openThinking(fields: Json = {}): string {
    return this.openWith({ type: 'thinking', thinking: '', signature: '', ...fields })
  }

  /** Thinking text of the open thinking block (one is opened when another kind is open, or none). */
  thinkingDelta(text: string): string {
    const out = this.open?.type === 'thinking' ? '' : this.openThinking()
    if (text === '') return out
    return out + this.delta({ type: 'thinking_delta', thinking: text })
  }

  /** The open thinking block's signature (whole: the SDK keeps the last one, it does not concatenate). */
  signatureDelta(signature: string): string {
    this.expect('thinking', 'signatureDelta')
    return this.delta({ type: 'signature_delta', signature })
  }

  /** A block streamed whole (`redacted_thinking`, a server tool's result, …): its start, then its stop. */
  block(block: Json): string {
    return this.openWith(block) + this.closeBlock()
  }

  /** `content_block_stop` of the open block (none open: nothing). */
  closeBlock(): string {
    const open = this.open
    if (!open) return ''
    this.open = undefined
    return this.event('content_block_stop', { index: open.index })
  }

  /**
   * `message_delta`, closing the open block first. `usage` is cumulative (`output_tokens` required; input
   * and cache counts when known: the SDK overwrites its own with them); `fields` go into the delta beside
   * the stop reason (`stop_details`, `container`).
   */
  messageDelta(stopReason: string | null, stopSequence: string | null, usage: Json, fields: Json = {}): string {
    const out = this.closeBlock()
    return out + this.event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: stopSequence, ...fields }, usage })
  }

  /** `message_stop`: the message is whole. Nothing may follow. */
  messageStop(): string {
    const out = this.closeBlock() + this.event('message_stop', {})
    this.ended = true
    return out
  }

  /**
   * An `error` event (`overloaded_error`, `api_error`, …): the stream cannot finish. Clients throw on it, so
   * a cut answer is never taken for a whole one. Nothing may follow; it may come before `message_start`.
   */
  error(type: string, message: string): string {
    if (this.ended) throw new Error('MessagesEventWriter: error after the stream ended')
    this.ended = true
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`
  }

  private openWith(contentBlock: Json): string {
    const out = this.closeBlock()
    this.open = { type: contentBlock.type, index: this.blocks++ }
    return out + this.event('content_block_start', { index: this.open.index, content_block: contentBlock })
  }

  private delta(delta: Json): string {
    return this.event('content_block_delta', { index: this.open!.index, delta })
  }

  private expect(type: string, what: string) {
    if (this.open?.type !== type) throw new Error(`MessagesEventWriter: ${what} with no ${type} block open`)
  }

  private event(type: string, fields: Json): string {
    if (!this.started) throw new Error(`MessagesEventWriter: ${type} before message_start`)
    if (this.ended) throw new Error(`MessagesEventWriter: ${type} after the stream ended`)
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`
  }
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** An id in Anthropic's style: `msg_01` / `toolu_01` and 22 letters and digits. */
export function newAnthropicId(prefix: 'msg' | 'toolu'): string {
  let id = ''
  while (id.length < 22) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      // 248 = 4 × 62: dropping the rest keeps every character equally likely.
      if (byte < 248 && id.length < 22) id += ID_ALPHABET[byte % 62]
    }
  }
  return `${prefix}_01${id}`
}

export const newMessageId = () => newAnthropicId('msg')
