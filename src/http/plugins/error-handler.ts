import { Elysia } from 'elysia'
import { dialectOf } from '../../dialects'
import { ApiError, badRequest, internalError, notFound } from '../../errors'
import type { LogSink } from '../../log/sink'
import { apiGroupOf, endpointOf, requestTarget, upstreamPath } from '../../openai/endpoints'

/**
 * Every error leaves in the envelope of the dialect its path speaks (OpenAI's unless a dialect says
 * otherwise). Elysia's own errors would otherwise be rendered in its format and could echo internals;
 * unknown errors are logged by name only and answered with a generic 500.
 */
export function errorHandler(log: LogSink) {
  return new Elysia({ name: 'error-handler' }).onError({ as: 'global' }, ({ code, error, request }) => {
    const render = (apiError: ApiError) => {
      const path = upstreamPath(requestTarget(request.url))
      // Anthropic's paths (/messages, /messages/count_tokens) answer in Anthropic's envelope, whatever the method.
      const endpoint = apiGroupOf(path) === 'messages' ? 'messages' : endpointOf(request.method, path)
      return endpoint ? dialectOf(endpoint).errorResponse(apiError) : apiError.toResponse()
    }
    if (error instanceof ApiError) return render(error)
    if (code === 'NOT_FOUND') return render(notFound('Not found.'))
    if (code === 'PARSE' || code === 'VALIDATION') return render(badRequest('The request could not be read.', null, 'invalid_request'))
    log(`error unhandled: ${(error as Error)?.name ?? code}`)
    return render(internalError())
  })
}
