import type { StoredAnswer } from '../../openai/answer'
import { EventRecorder, eventJson } from '../event-recorder'
import { completeResponse } from './answer'

// Records a Responses stream as the response object a non-streamed request would have had. The stream's
// `response.completed` event carries that whole object, so nothing is rebuilt from the deltas; only its
// items are kept as they close (`response.output_item.done`), for servers whose final event leaves the
// output out. A stream that fails (`response.failed`, `response.incomplete`, an `error` event, an unreadable
// event) or ends before `response.completed` gives nothing: stored, a cut answer would be served later as if
// it were whole.

type Json = Record<string, any>

const FAILED = new Set(['error', 'response.failed', 'response.incomplete'])

export class ResponsesRecorder extends EventRecorder {
  private readonly items = new Map<number, Json>()
  private final: Json | undefined

  protected override get over(): boolean {
    return this.final !== undefined
  }

  override finish(): StoredAnswer | undefined {
    if (this.failed || !this.final) return undefined
    const body = { ...this.final }
    const streamed = [...this.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item)
    if (!Array.isArray(body.output) || (body.output.length === 0 && streamed.length > 0)) body.output = streamed
    return completeResponse(body)
  }

  protected override event(data: string) {
    // Some servers end with chat's `[DONE]`; it says nothing the terminal event did not.
    if (data.trim() === '[DONE]') return
    const event = eventJson(data)
    if (!isObject(event) || typeof event.type !== 'string' || FAILED.has(event.type)) return this.fail()
    if (event.type === 'response.output_item.done') {
      if (!Number.isInteger(event.output_index) || event.output_index < 0 || !isObject(event.item)) return this.fail()
      this.items.set(event.output_index, event.item)
    } else if (event.type === 'response.completed') {
      if (!isObject(event.response)) return this.fail()
      this.final = event.response
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
