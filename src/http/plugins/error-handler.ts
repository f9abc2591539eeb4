import { Elysia } from 'elysia'
import { ApiError, badRequest, internalError, notFound } from '../../errors'
import type { LogSink } from '../../log/sink'

/**
 * Every error leaves in OpenAI's envelope. Elysia's own errors would otherwise be rendered in its format
 * and could echo internals; unknown errors are logged by name only and answered with a generic 500.
 */
export function errorHandler(log: LogSink) {
  return new Elysia({ name: 'error-handler' }).onError({ as: 'global' }, ({ code, error }) => {
    if (error instanceof ApiError) return error.toResponse()
    if (code === 'NOT_FOUND') return notFound('Not found.').toResponse()
    if (code === 'PARSE' || code === 'VALIDATION') return badRequest('The request could not be read.', null, 'invalid_request').toResponse()
    log(`error unhandled: ${(error as Error)?.name ?? code}`)
    return internalError().toResponse()
  })
}
