// Errors the proxy itself makes, rendered in OpenAI's envelope so every SDK shows them properly.

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
    this.name = 'ApiError'
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(this.toBody(), {
      status: this.status,
      headers: { ...extraHeaders, ...this.headers },
    })
  }
}

export const badRequest = (message: string, param: string | null = null, code = 'invalid_value') =>
  new ApiError(400, message, 'invalid_request_error', code, param)

export const unauthorized = () =>
  new ApiError(
    401,
    'Missing or incorrect proxy key. Send it as "Authorization: Bearer <key>" (or an x-api-key / api-key header).',
    'invalid_request_error',
    'invalid_api_key'
  )

export const tooLarge = (limit: number) =>
  new ApiError(413, `Request body is larger than the ${limit} bytes this proxy accepts (MAX_BODY_SIZE).`, 'invalid_request_error', 'request_too_large')

export const rateLimited = (message: string, headers: Record<string, string>) =>
  new ApiError(429, message, 'requests', 'rate_limit_exceeded', null, headers)

export const upstreamUnreachable = (cause?: unknown) => {
  const error = new ApiError(502, 'The upstream API could not be reached. Try again later.', 'upstream_error', 'upstream_unreachable')
  // Kept for the log line only (a code like ConnectionRefused); never shown to the client.
  error.cause = cause
  return error
}

export const upstreamTimeout = (ms: number) =>
  new ApiError(504, `The upstream API sent no response within ${ms} ms (UPSTREAM_TIMEOUT_MS).`, 'upstream_error', 'upstream_timeout')

export const unknownPath = () =>
  new ApiError(404, 'This path is not part of the OpenAI API this proxy forwards.', 'invalid_request_error', 'unknown_path')

/** The upstream's body was cut or could not be read: its fault, not the client's nor ours. */
export const upstreamBadResponse = (cause?: unknown) => {
  const error = new ApiError(502, 'The upstream API sent an answer that was cut off or could not be read. Try again later.', 'upstream_error', 'upstream_bad_response')
  error.cause = cause
  return error
}

export const internalError = () =>
  new ApiError(500, 'The proxy failed to handle this request.', 'server_error', 'internal_error')
