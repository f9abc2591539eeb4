import { Elysia } from 'elysia'
import { ApiError, internalError } from '../errors'
import type { LogSink } from '../logging'

/**
 * Every error leaves in OpenAI's envelope. Elysia's own errors would otherwise be rendered in its format
 * and could echo internals; unknown errors are logged by name only and answered with a generic 500.
 */
export function errorHandler(log: LogSink) {
  return new Elysia({ name: 'error-handler' }).onError({ as: 'global' }, ({ code, error }) => {
    if (error instanceof ApiError) return error.toResponse()
    if (code === 'NOT_FOUND') return new ApiError(404, 'Not found.', 'invalid_request_error', 'not_found').toResponse()
    if (code === 'PARSE' || code === 'VALIDATION')
      return new ApiError(400, 'The request could not be read.', 'invalid_request_error', 'invalid_request').toResponse()
    log(`error unhandled: ${(error as Error)?.name ?? code}`)
    return internalError().toResponse()
  })
}
