import type { ClientKey } from '../auth/client-key'
import type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from '../state/types'

// The Responses API's ids (DESIGN §1.8). A response or conversation made upstream lives in the account of
// the key that made it, so everything that names it — `previous_response_id`, `conversation`, GET/DELETE
// /v1/responses/{id}, /input_items, /cancel, /v1/conversations/{id}… — goes to that key. A response the
// proxy made itself by translation is kept here and answered from here.

export interface ResponsesState {
  origins: ResponseOriginStore
  kept: KeptResponseStore
  /** RESPONSES_TTL: how long kept responses and the origins of ids are remembered. */
  ttlMs: number
}

/** `/responses/{id}`, `/responses/{id}/input_items`, `/responses/{id}/cancel`, `/conversations/{id}…`. */
const OBJECT_PATH = /^\/(responses|conversations)\/([^/?]+)(\/[^?]*)?(?:\?.*)?$/

export interface ObjectTarget {
  kind: 'responses' | 'conversations'
  id: string
  /** What follows the id: '', '/input_items', '/cancel', '/items/…'. */
  rest: string
}

export function objectTarget(path: string): ObjectTarget | undefined {
  const match = OBJECT_PATH.exec(path)
  if (!match) return undefined
  return { kind: match[1] as ObjectTarget['kind'], id: decodeURIComponent(match[2]!), rest: match[3] ?? '' }
}

/** The id a new request continues, whose account must answer it: its previous response or its conversation. */
export function continuedId(body: Record<string, unknown>): string | undefined {
  if (typeof body.previous_response_id === 'string') return body.previous_response_id
  const conversation = body.conversation
  if (typeof conversation === 'string') return conversation
  if (conversation && typeof conversation === 'object' && typeof (conversation as { id?: unknown }).id === 'string') return (conversation as { id: string }).id
  return undefined
}

/** Where an id was made, when this proxy saw it made; never fails a request (an unknown origin routes as usual). */
export async function originOf(state: ResponsesState, id: string): Promise<IdOrigin | undefined> {
  return state.origins.originOf(id).catch(() => undefined)
}

/** A kept response the calling key may read: its own cache group's (a hit may have handed it the id). */
export async function keptFor(state: ResponsesState, id: string, key: ClientKey): Promise<KeptResponse | undefined> {
  const kept = await state.kept.get(id).catch(() => undefined)
  return kept && kept.owner === key.cacheGroup ? kept : undefined
}

/**
 * A request for a kept response, answered here as OpenAI would: GET the response, GET its input items, DELETE
 * it; a kept response is never in progress, so there is nothing to cancel. Undefined for anything else.
 */
export async function answerKept(state: ResponsesState, method: string, target: ObjectTarget, kept: KeptResponse): Promise<Response | undefined> {
  if (target.kind !== 'responses') return undefined
  if (method === 'GET' && target.rest === '') return Response.json(kept.response)
  if (method === 'GET' && target.rest === '/input_items') return Response.json(inputItemsList(kept))
  if (method === 'DELETE' && target.rest === '') {
    await state.kept.delete(kept.id)
    return Response.json({ id: kept.id, object: 'response', deleted: true })
  }
  if (method === 'POST' && target.rest === '/cancel') {
    return Response.json(
      { error: { message: 'Only responses created with background set to true can be cancelled.', type: 'invalid_request_error', param: null, code: null } },
      { status: 400 }
    )
  }
  return undefined
}

/** OpenAI's list of a response's input items: newest first, each with an id. */
function inputItemsList(kept: KeptResponse) {
  const data = kept.input.map((item, i) => {
    const object = item && typeof item === 'object' ? (item as Record<string, unknown>) : { type: 'message', role: 'user', content: item }
    return { id: typeof object.id === 'string' ? object.id : `msg_${kept.id.replace(/^resp_/, '')}_${i}`, ...object }
  })
  data.reverse()
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false }
}
