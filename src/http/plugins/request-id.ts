import { Elysia } from 'elysia'
import type { RequestContexts } from '../request-contexts'

/** Echoes the client's x-request-id (or the one made for it) on every response, errors included. */
export function requestId(contexts: RequestContexts) {
  return new Elysia({ name: 'request-id' }).onRequest(({ request, set }) => {
    set.headers['x-request-id'] = contexts.of(request).id
  })
}
