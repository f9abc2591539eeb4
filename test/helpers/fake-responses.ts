// The fake upstream's Responses API, as OpenAI serves it: POST /v1/responses (JSON, or the event stream with
// `stream`), the routes of the ids it made (GET, DELETE, /input_items, /cancel) and conversations. It keeps
// what `store` keeps and remembers which upstream key made each id: like two OpenAI accounts, a response or
// a conversation made with one key is "not found" with another — what the proxy's id affinity must spare
// its clients.

import { answer, inputItems, newId, responseEvents, responseObject, sseEvent } from './fake-responses-output'

/** One request to a Responses route, with the fake's own ways to answer (its headers and faults apply). */
export interface ResponsesCall {
  method: string
  pathname: string
  query: URLSearchParams
  /** The upstream key the request came with. */
  bearer: string
  json: any
  /** A 200 JSON answer. */
  reply(body: object): Response
  /** An SSE answer, one write per event, with the fault's stream behaviour (split, delay, cut, late end). */
  stream(events: Uint8Array[]): Response
}

interface Kept {
  owner: string
  response: any
  input: any[]
  /** The items of the chain or conversation before this response. */
  history: any[]
}

interface Conversation {
  owner: string
  body: { id: string; object: 'conversation'; created_at: number; metadata: object }
  items: any[]
}

/** OpenAI's error envelope. */
const error = (status: number, message: string, param: string | null = null, code: string | null = null) =>
  Response.json({ error: { message, type: 'invalid_request_error', param, code } }, { status })

const list = (items: any[], query: URLSearchParams) => {
  // OpenAI lists newest first unless asked otherwise.
  const data = query.get('order') === 'asc' ? [...items] : [...items].reverse()
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false }
}

export class FakeResponses {
  private readonly responses = new Map<string, Kept>()
  private readonly conversations = new Map<string, Conversation>()

  /** The upstream key that made response or conversation `id`; undefined for an id the fake does not keep. */
  ownerOf(id: string): string | undefined {
    return (this.responses.get(id) ?? this.conversations.get(id))?.owner
  }

  handle(call: ResponsesCall): Response {
    const [, , group, id, sub, extra] = call.pathname.split('/')
    if (extra !== undefined) return error(404, `Unknown route ${call.method} ${call.pathname}`)
    if (group === 'conversations') return this.conversation(call, id, sub)
    if (id === undefined) return call.method === 'POST' ? this.create(call) : error(404, `Unknown route ${call.method} ${call.pathname}`)
    const kept = this.responses.get(id)
    if (!kept || kept.owner !== call.bearer) return error(404, `Response with id '${id}' not found.`)
    const route = `${call.method} ${sub ?? ''}`
    if (route === 'GET ') {
      return call.query.get('stream') === 'true' ? call.stream(responseEvents(kept.response).map(sseEvent)) : call.reply(kept.response)
    }
    if (route === 'DELETE ') {
      this.responses.delete(id)
      return call.reply({ id, object: 'response.deleted', deleted: true })
    }
    if (route === 'GET input_items') return call.reply(list(kept.input, call.query))
    if (route === 'POST cancel') {
      if (!kept.response.background) return error(400, 'Cannot cancel a synchronous response.')
      kept.response = { ...kept.response, status: 'cancelled' }
      return call.reply(kept.response)
    }
    return error(404, `Unknown route ${call.method} ${call.pathname}`)
  }

  private create(call: ResponsesCall): Response {
    const json = call.json ?? {}
    const previous = json.previous_response_id
    const conversationId = typeof json.conversation === 'string' ? json.conversation : json.conversation?.id
    if (previous && conversationId) return error(400, "Mutually exclusive parameters: 'previous_response_id' and 'conversation'.", 'conversation')
    let history: any[] = []
    if (previous) {
      const kept = this.responses.get(previous)
      if (!kept || kept.owner !== call.bearer) {
        return error(404, `Previous response with id '${previous}' not found.`, 'previous_response_id', 'previous_response_not_found')
      }
      history = [...kept.history, ...kept.input, ...kept.response.output]
    }
    const conversation = conversationId ? this.conversations.get(conversationId) : undefined
    if (conversationId) {
      if (!conversation || conversation.owner !== call.bearer) return error(404, `Conversation with id '${conversationId}' not found.`, 'conversation', 'conversation_not_found')
      history = [...conversation.items]
    }
    const input = inputItems(json.input)
    const response = responseObject(json, newId('resp'), answer(json, input, history), conversationId)
    if (json.store !== false) this.responses.set(response.id, { owner: call.bearer, response, input, history })
    conversation?.items.push(...input, ...response.output)
    if (json.stream) return call.stream(responseEvents(response).map(sseEvent))
    // A background response is answered queued; the fake has it done by the time anyone asks again.
    if (json.background) return call.reply({ ...response, status: 'queued', completed_at: null, output: [], usage: null })
    return call.reply(response)
  }

  private conversation(call: ResponsesCall, id: string | undefined, sub: string | undefined): Response {
    if (id === undefined) {
      if (call.method !== 'POST') return error(404, `Unknown route ${call.method} ${call.pathname}`)
      const body = { id: newId('conv'), object: 'conversation' as const, created_at: Math.floor(Date.now() / 1000), metadata: call.json?.metadata ?? {} }
      this.conversations.set(body.id, { owner: call.bearer, body, items: inputItems(call.json?.items) })
      return call.reply(body)
    }
    const conversation = this.conversations.get(id)
    if (!conversation || conversation.owner !== call.bearer) return error(404, `Conversation with id '${id}' not found.`)
    const route = `${call.method} ${sub ?? ''}`
    if (route === 'GET ') return call.reply(conversation.body)
    if (route === 'GET items') return call.reply(list(conversation.items, call.query))
    if (route === 'DELETE ') {
      this.conversations.delete(id)
      return call.reply({ id, object: 'conversation.deleted', deleted: true })
    }
    return error(404, `Unknown route ${call.method} ${call.pathname}`)
  }
}
