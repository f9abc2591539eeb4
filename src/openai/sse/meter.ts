import { tokensOf, type Tokens } from '../usage'
import { SseParser } from './parser'

// What a stream used, watched on its way to the client: the last usage object it carried (providers that
// send usage in every chunk, cumulative, or zeros before the last, are all read right by taking the last
// non-null one), and how many bytes of text arrived, for a stream cut before any usage came. Chat's usage
// chunk, and Responses' terminal event (`response.completed`, `.incomplete`, `.failed`), carry it whole;
// Anthropic's stream carries it in two parts: `message_start` the input counts (the cache's included) with
// a provisional `output_tokens`, `message_delta` the final output — and, in newer versions of the API, the
// input counts again, cumulative — so those two are merged.

export class StreamMeter {
  private readonly parser = new SseParser()
  private last: Tokens | undefined
  /** An Anthropic stream's usage so far: message_start's, with message_delta's counts merged in. */
  private anthropic: Record<string, unknown> | undefined
  private textBytes = 0

  push(chunk: Uint8Array) {
    let events: string[]
    try {
      events = this.parser.push(chunk)
    } catch {
      return
    }
    for (const data of events) {
      if (data === '[DONE]' || !data.includes('{')) continue
      let event: any
      try {
        event = JSON.parse(data)
      } catch {
        continue // an unreadable event tells nothing about usage; the ones after it still may
      }
      const usage = this.anthropicUsage(event) ?? tokensOf(event?.usage) ?? tokensOf(event?.response?.usage, 'openai')
      if (usage) this.last = usage
      this.textBytes += textBytes(event)
    }
  }

  /** The last usage the stream reported, if any. */
  get usage(): Tokens | undefined {
    return this.last
  }

  /** Bytes of generated text (content, reasoning, tool-call arguments) received so far. */
  get receivedTextBytes(): number {
    return this.textBytes
  }

  /**
   * The usage of an Anthropic stream as it stands after `event`, or undefined for any other event. Counts
   * are cumulative, so the larger of two is the later: a provider that puts zeros in message_delta's input
   * fields (or a provisional output count in message_start) cannot undo the real one.
   */
  private anthropicUsage(event: any): Tokens | undefined {
    const usage = event?.type === 'message_start' ? event.message?.usage : event?.type === 'message_delta' ? event.usage : undefined
    if (!usage || typeof usage !== 'object') return undefined
    const merged: Record<string, unknown> = { ...this.anthropic }
    for (const [name, value] of Object.entries(usage)) {
      if (value === null || value === undefined) continue
      const before = merged[name]
      merged[name] = typeof value === 'number' && typeof before === 'number' ? Math.max(before, value) : value
    }
    this.anthropic = merged
    return tokensOf(merged, 'anthropic')
  }
}

function textBytes(event: any): number {
  let bytes = 0
  const add = (value: unknown) => {
    if (typeof value === 'string') bytes += Buffer.byteLength(value)
  }
  if (Array.isArray(event?.choices)) {
    for (const choice of event.choices) {
      add(choice?.text)
      const delta = choice?.delta
      if (delta && typeof delta === 'object') {
        add(delta.content)
        add(delta.reasoning_content)
        add(delta.refusal)
        if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) add(call?.function?.arguments)
      }
    }
  }
  // The Responses API: response.output_text.delta and the like carry a `delta` string.
  if (typeof event?.type === 'string') add(event.delta)
  // Anthropic: content_block_delta's text, thinking or tool input.
  if (event?.type === 'content_block_delta' && event.delta && typeof event.delta === 'object') {
    add(event.delta.text)
    add(event.delta.thinking)
    add(event.delta.partial_json)
  }
  return bytes
}
