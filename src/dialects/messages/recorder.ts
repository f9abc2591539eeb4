import type { StoredAnswer } from '../../openai/answer'
import { EventRecorder, eventJson } from '../event-recorder'
import { completeMessage } from './answer'

// Records an Anthropic Messages stream as the message a non-streamed request would have had, the way the
// SDK's MessageStream rebuilds it: `message_start` gives the message with its input usage; each block starts
// whole (`content_block_start`) and grows by its deltas — text, citations, a tool call's input JSON (parsed
// when the block stops), thinking and its signature; `message_delta` sets the stop reason and the cumulative
// usage; `message_stop` says it is whole. Only then is there an answer: an `error` event, an unreadable event,
// a delta of a kind not known here (its content would be lost) or a stream that ends before `message_stop`
// gives nothing, because a cut answer stored would be served later as if it were whole. Events of unknown
// types carry no content (Anthropic may add some) and are skipped, as `ping` is.

type Json = Record<string, any>

const TOOL_TYPES = new Set(['tool_use', 'server_tool_use'])
/** Cumulative counts a `message_delta` may carry: each replaces the one before. */
const DELTA_USAGE = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'server_tool_use', 'output_tokens_details']

export class MessagesRecorder extends EventRecorder {
  private message: Json | undefined
  /** The input JSON of each tool block, by index, until the block stops. */
  private readonly inputs = new Map<number, string>()
  private stopped = false

  protected override get over(): boolean {
    return this.stopped
  }

  override finish(): StoredAnswer | undefined {
    if (this.failed || !this.stopped || !this.message) return undefined
    try {
      for (const index of [...this.inputs.keys()]) this.closeBlock(index)
    } catch {
      return undefined
    }
    // A block that never started (a gap in the indexes): spread turns the hole into undefined.
    if ([...this.message.content].includes(undefined)) return undefined
    return completeMessage(this.message)
  }

  protected override event(data: string) {
    const event = eventJson(data)
    if (!isObject(event) || typeof event.type !== 'string') return this.fail()
    if (event.type === 'error') return this.fail()
    if (event.type === 'message_start') {
      if (this.message || !isObject(event.message)) return this.fail()
      this.message = { ...event.message, content: [], usage: { ...event.message.usage } }
      return
    }
    const message = this.message
    if (!message) return event.type === 'ping' ? undefined : this.fail()
    switch (event.type) {
      case 'content_block_start': {
        if (!isIndex(event.index) || !isObject(event.content_block) || message.content[event.index] !== undefined) return this.fail()
        message.content[event.index] = { ...event.content_block }
        if (TOOL_TYPES.has(event.content_block.type)) this.inputs.set(event.index, '')
        return
      }
      case 'content_block_delta':
        return this.delta(message, event)
      case 'content_block_stop':
        if (!isIndex(event.index) || message.content[event.index] === undefined) return this.fail()
        return this.closeBlock(event.index)
      case 'message_delta': {
        if (!isObject(event.delta)) return this.fail()
        // Spread, not Object.assign: a `__proto__` key in the event must stay a key.
        this.message = { ...message, ...event.delta }
        const usage = isObject(event.usage) ? event.usage : {}
        for (const field of DELTA_USAGE) if (usage[field] != null) this.message.usage[field] = usage[field]
        return
      }
      case 'message_stop':
        this.stopped = true
        return
      default:
        return // ping, and event types added later: no content
    }
  }

  private delta(message: Json, event: Json) {
    const block = isIndex(event.index) ? message.content[event.index] : undefined
    const delta = event.delta
    if (!isObject(block) || !isObject(delta)) return this.fail()
    if (delta.type === 'text_delta' && block.type === 'text' && typeof delta.text === 'string') {
      block.text = (block.text ?? '') + delta.text
    } else if (delta.type === 'citations_delta' && block.type === 'text' && isObject(delta.citation)) {
      block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation]
    } else if (delta.type === 'input_json_delta' && this.inputs.has(event.index) && typeof delta.partial_json === 'string') {
      this.inputs.set(event.index, this.inputs.get(event.index)! + delta.partial_json)
    } else if (delta.type === 'thinking_delta' && block.type === 'thinking' && typeof delta.thinking === 'string') {
      block.thinking = (block.thinking ?? '') + delta.thinking
    } else if (delta.type === 'signature_delta' && block.type === 'thinking' && typeof delta.signature === 'string') {
      block.signature = delta.signature
    } else {
      this.fail()
    }
  }

  /** A tool block's input is its JSON once whole (none sent: the `input` it started with). Throws if unreadable. */
  private closeBlock(index: number) {
    const json = this.inputs.get(index)
    if (json === undefined) return
    this.inputs.delete(index)
    if (json !== '') this.message!.content[index].input = JSON.parse(json)
  }
}

const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
