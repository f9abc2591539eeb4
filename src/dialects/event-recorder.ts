import type { StoredAnswer } from '../openai/answer'
import { SseParser } from '../openai/sse/parser'
import type { AnswerRecorder } from './types'

// What every dialect's recorder does with the stream's bytes: it splits them into SSE events and hands each
// event's data to the dialect until the stream's last event; an `error` event, or anything that throws, makes
// the recording incomplete. What the events mean, and what makes the answer whole, is the dialect's.
//
// `push` never throws: it runs inside the stream tap, where a throw would cut the client's stream.

export abstract class EventRecorder implements AnswerRecorder {
  private readonly parser = new SseParser()
  protected failed = false

  push(chunk: Uint8Array | string): void {
    if (this.failed || this.over) return
    try {
      for (const event of this.parser.pushEvents(chunk)) {
        if (event.event === 'error') return this.fail()
        this.event(event.data)
        // Nothing after the last event counts, as in the SDKs.
        if (this.failed || this.over) return
      }
    } catch {
      this.fail()
    }
  }

  abstract finish(): StoredAnswer | undefined

  /** True once the stream's last event was read. */
  protected abstract get over(): boolean

  /** Takes one event's data in; calls `fail` on what it cannot keep faithfully. */
  protected abstract event(data: string): void

  protected fail() {
    this.failed = true
  }
}

/** An event's data as JSON; undefined when it is not JSON. */
export function eventJson(data: string): unknown {
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}
