import { tokensOf, type Tokens } from '../usage'
import { SseParser } from './parser'

// What a stream used, watched on its way to the client: the last usage object it carried (providers that
// send usage in every chunk, cumulative, or zeros before the last, are all read right by taking the last
// non-null one), and how many bytes of text arrived, for a stream cut before any usage came.

export class StreamMeter {
  private readonly parser = new SseParser()
  private last: Tokens | undefined
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
      const usage = tokensOf(event?.usage) ?? tokensOf(event?.response?.usage)
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
  return bytes
}
