import { SseParser } from '../openai/sse/parser'
import type { IdOrigin } from '../state/types'
import type { Capture } from './relay'
import type { ResponsesState } from './responses-ids'

// A response made upstream is known only to the account of the key that made it (DESIGN §1.8 ids). The id
// is read off the answer as it passes — a JSON answer's `id`, a stream's first event (`response.created`)
// — and remembered with the upstream and key that made it, so a follow-up naming it goes to that key.

export function originCapture(state: ResponsesState, origin: () => IdOrigin | undefined): Capture {
  const parser = new SseParser()
  let learnt = false
  const remember = (id: unknown) => {
    const from = origin()
    if (learnt || typeof id !== 'string' || !from) return
    learnt = true
    void state.origins.remember(id, from, state.ttlMs).catch(() => {})
  }
  return {
    chunk(chunk) {
      if (learnt) return
      let events: string[]
      try {
        events = parser.push(chunk)
      } catch {
        learnt = true // unreadable: nothing to learn, and nothing more to parse
        return
      }
      for (const data of events) {
        const event = jsonOf(data)
        // Every event before the first that names the response is skipped; the first one that does says it.
        const id = event?.response?.id
        if (typeof id === 'string') return remember(id)
      }
    },
    async done(outcome, text) {
      if (outcome !== 'failed' && text !== undefined) remember(jsonOf(text)?.id)
    },
  }
}

function jsonOf(text: string): any {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
