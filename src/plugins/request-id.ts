import { Elysia } from 'elysia'
import { requestInfo } from '../request-info'

/** Echoes the client's x-request-id (or the one made for it) on every response, errors included. */
export const requestId = new Elysia({ name: 'request-id' }).onRequest(({ request, set }) => {
  set.headers['x-request-id'] = requestInfo(request).id
})
