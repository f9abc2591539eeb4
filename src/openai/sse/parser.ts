// An incremental server-sent-events parser, following the WHATWG event-stream rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// lines end in \n, \r\n or a lone \r; a blank line ends an event; `data:` lines are joined with \n; one space
// after the colon is dropped; `:` lines are comments; other fields (`event:`, `id:`, `retry:`) are read but
// do not change the data. Chunks may split anything — an event, a line, a \r\n pair, even a UTF-8 character —
// so bytes go through a streaming TextDecoder and the unfinished tail waits for the next push.

export interface SseEvent {
  /** The `event:` field, when the event had one. */
  event?: string
  /** The `data:` lines joined with \n. */
  data: string
}

export class SseParser {
  private readonly decoder = new TextDecoder()
  private buffer = ''
  private started = false
  /** The last chunk ended in \r: a \n opening the next one belongs to it. */
  private pendingCr = false
  private dataLines: string[] = []
  private eventName: string | undefined

  /** The data payloads of the events this chunk completed, in order. */
  push(chunk: Uint8Array | string): string[] {
    return this.pushEvents(chunk).map((event) => event.data)
  }

  /** Like `push`, with each event's `event:` name as well. */
  pushEvents(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })
    if (!this.started && text) {
      this.started = true
      // TextDecoder already drops a byte-order mark; a string source may still carry one.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (this.pendingCr && text) {
      this.pendingCr = false
      if (text.startsWith('\n')) text = text.slice(1)
    }
    const buffer = this.buffer + text
    const events: SseEvent[] = []
    const lineEnd = /\r\n|\r|\n/g
    let start = 0
    for (let match = lineEnd.exec(buffer); match; match = lineEnd.exec(buffer)) {
      // A \r at the very end may be the first half of a \r\n split across chunks: end the line now, and
      // drop a \n that opens the next chunk.
      if (match[0] === '\r' && match.index === buffer.length - 1) this.pendingCr = true
      this.line(buffer.slice(start, match.index), events)
      start = lineEnd.lastIndex
    }
    this.buffer = buffer.slice(start)
    return events
  }

  private line(line: string, events: SseEvent[]) {
    if (line === '') {
      // Dispatch. An event without any `data:` line (only comments, `event:` or `id:`) is dropped.
      if (this.dataLines.length > 0) {
        const event: SseEvent = { data: this.dataLines.join('\n') }
        if (this.eventName !== undefined) event.event = this.eventName
        events.push(event)
      }
      this.dataLines = []
      this.eventName = undefined
      return
    }
    if (line.startsWith(':')) return // comment, e.g. `: ping` keep-alives
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') this.dataLines.push(value)
    else if (field === 'event') this.eventName = value
    // `id:`, `retry:` and unknown fields are ignored.
  }
}
