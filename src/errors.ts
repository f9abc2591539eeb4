// Errors the proxy itself makes, rendered in OpenAI's envelope so every SDK shows them properly. One factory
// per row of DESIGN §1.7's table; nothing else builds an ApiError.

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export interface ApiErrorInit {
  status: number
  message: string
  type: string
  code?: string | null
  param?: string | null
  headers?: Record<string, string>
}

export class ApiError extends Error {
  readonly status: number
  readonly type: string
  readonly code: string | null
  readonly param: string | null
  readonly headers: Record<string, string>

  constructor(init: ApiErrorInit) {
    super(init.message)
    this.name = 'ApiError'
    this.status = init.status
    this.type = init.type
    this.code = init.code ?? null
    this.param = init.param ?? null
    this.headers = init.headers ?? {}
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(this.toBody(), { status: this.status, headers: { ...extraHeaders, ...this.headers } })
  }
}

const invalid = (status: number, message: string, code: string | null, param: string | null = null, headers?: Record<string, string>) =>
  new ApiError({ status, message, type: 'invalid_request_error', code, param, headers })

// 400 ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Bad JSON, a bad field (named in `param`), too deep, `n` over MAX_N. */
export const badRequest = (message: string, param: string | null = null, code = 'invalid_value') => invalid(400, message, code, param)

/** A Host header that is not `host[:port]` (RFC 9112 §3.2); its value is not echoed back. */
export const invalidHost = () =>
  invalid(400, 'The Host header is not a valid host name or address with an optional port (RFC 9112 §3.2).', 'invalid_host')

/**
 * An images or audio call the proxy cannot price, from a key with a budget: sending it would spend unmetered.
 * `why` tells the person what would make it meterable.
 */
export const notMetered = (group: string, model: string, why: string) =>
  invalid(400, `This proxy key has a budget, and the proxy cannot meter an ${group} call with the model '${model}': ${why}`, 'not_metered', 'model')

/**
 * A field the upstream that would serve the request cannot take, and the proxy cannot translate for it
 * (DESIGN §1.8): named, with the upstream, so the person knows what to drop or where to send it instead.
 */
export const unsupportedByUpstream = (field: string, upstream: string, why: string) =>
  invalid(400, `'${field}' cannot be sent to the upstream '${upstream}': ${why}`, 'unsupported_by_upstream', field)

// 401 ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** No key or a wrong one. `which` names the credential for the proxy's own APIs (ADMIN_KEY, METRICS_KEY). */
export const invalidApiKey = (which?: string) =>
  invalid(
    401,
    which
      ? `This endpoint needs "Authorization: Bearer <${which}>".`
      : 'Missing or incorrect proxy key. Send it as "Authorization: Bearer <key>" (or an x-api-key / api-key header).',
    'invalid_api_key'
  )

export const keyExpired = (at: string) => invalid(401, `This proxy key expired on ${at}.`, 'key_expired')

// 403 ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const endpointNotAllowed = (group: string) =>
  new ApiError({ status: 403, message: `This proxy key may not use the ${group} endpoints.`, type: 'permission_error', code: 'endpoint_not_allowed' })

/**
 * A group that spends without a price per request (batches, fine-tuning, …), or a path outside OpenAI's API
 * (`/rerank`): refused to a key with a budget.
 */
export const groupNotMetered = (group: string) =>
  new ApiError({
    status: 403,
    message: `This proxy key has a budget, and calls to ${group.startsWith('/') ? group : `the ${group} endpoints`} spend without a price per request that the proxy can meter: they are refused for keys with a budget.`,
    type: 'permission_error',
    code: 'not_metered',
  })

export const ipNotAllowed = () =>
  new ApiError({ status: 403, message: 'This proxy key may not be used from this address.', type: 'permission_error', code: 'ip_not_allowed' })

// 404 ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const modelNotFound = (model: string) =>
  invalid(404, `The model '${model}' does not exist or you do not have access to it.`, 'model_not_found', 'model')

export const unknownPath = () => invalid(404, 'This path is not part of the OpenAI API this proxy forwards.', 'unknown_path')

/** The proxy's own APIs when they are off or asked for something they do not have. */
export const notFound = (message: string, code = 'not_found', param: string | null = null) => invalid(404, message, code, param)

// 409 ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const conflict = (message: string, code: string) => invalid(409, message, code)

// 413 ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const requestTooLarge = (limit: number) =>
  invalid(413, `Request body is larger than the ${limit} bytes this proxy accepts (MAX_BODY_SIZE).`, 'request_too_large')

// 429 ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Over the key's rate limit, in OpenAI's own shape (type `requests`). */
export const rateLimitExceeded = (message: string, headers: Record<string, string>) =>
  new ApiError({ status: 429, message, type: 'requests', code: 'rate_limit_exceeded', headers })

/** The budget is used up; `x-should-retry: false` keeps the OpenAI SDKs from retrying. */
export const insufficientQuota = (message: string, retryAfterSeconds?: number) =>
  new ApiError({
    status: 429,
    message,
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    headers: { 'x-should-retry': 'false', ...(retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}) },
  })

/**
 * Wrong or missing keys from one address, too many of them lately. Only a wrong key is answered so: retrying
 * cannot help it, hence `x-should-retry: false` (SDKs would otherwise retry a 429 by themselves).
 */
export const tooManyFailedAuth = (retryAfterSeconds: number) =>
  new ApiError({
    status: 429,
    message: `Too many failed authentication attempts from this address. Try again in ${retryAfterSeconds}s with the right key.`,
    type: 'requests',
    code: 'too_many_failed_auth',
    headers: { 'retry-after': String(retryAfterSeconds), 'x-should-retry': 'false' },
  })

export const upstreamKeysExhausted = (retryAfterSeconds: number) =>
  new ApiError({
    status: 429,
    message: `Every upstream key for this model is rate-limited. Try again in ${retryAfterSeconds}s.`,
    type: 'requests',
    code: 'upstream_keys_exhausted',
    headers: { 'retry-after': String(retryAfterSeconds) },
  })

// 499 (nginx's "client closed request"): nobody is left to read it; it only names the outcome in logs.

export const clientClosed = () => invalid(499, 'Client closed the request.', 'client_closed_request')

// 5xx ─────────────────────────────────────────────────────────────────────────────────────────────────────

const upstream = (status: number, message: string, code: string, cause?: unknown) => {
  const error = new ApiError({ status, message, type: 'upstream_error', code })
  // Kept for the log line only (a code like ConnectionRefused); never shown to the client.
  if (cause !== undefined) error.cause = cause
  return error
}

/** `why` names the upstreams and what they said when they refused (never a key): the operator's next step. */
export const noUpstreamAvailable = (why?: string) =>
  upstream(503, `No upstream key can serve this model right now${why ? `: ${why}` : ' (every one is disabled)'}.`, 'no_upstream_available')

/** `why` names the upstreams and the causes ("upstream 'openai': connection refused (ECONNREFUSED)"). */
export const upstreamUnreachable = (cause?: unknown, why?: string) =>
  upstream(502, `The upstream API could not be reached${why ? ` (${why})` : ''}. Try again later.`, 'upstream_unreachable', cause)

export const upstreamTimeout = (ms: number) =>
  upstream(504, `The upstream API sent no response within ${ms} ms (UPSTREAM_TIMEOUT_MS).`, 'upstream_timeout')

/** The upstream's body was cut or could not be read: its fault, not the client's nor ours. */
export const upstreamBadResponse = (cause?: unknown) =>
  upstream(502, 'The upstream API sent an answer that was cut off or could not be read. Try again later.', 'upstream_bad_response', cause)

export const internalError = () => new ApiError({ status: 500, message: 'The proxy failed to handle this request.', type: 'server_error', code: 'internal_error' })
