import type { ApiError } from '../../errors'

// Errors as Anthropic's clients read them (DESIGN §1.8): `{"type":"error","error":{"type","message"}}`, the
// type told by the status, since that is what Anthropic's SDKs and Claude Code look at. The status and the
// headers (`retry-after`, `x-should-retry`) are the proxy's own, unchanged: a budget used up stays a 429 the
// SDK does not retry.

const TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
}

/** Anthropic's error type for an HTTP status: its own for the statuses it names, `api_error` for other 5xx. */
export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
}

/** Anthropic's error envelope. */
export const anthropicErrorBody = (status: number, message: string) => ({ type: 'error', error: { type: anthropicErrorType(status), message } })

export function messagesErrorResponse(error: ApiError): Response {
  return Response.json(anthropicErrorBody(error.status, error.message), { status: error.status, headers: error.headers })
}
