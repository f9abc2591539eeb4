import { Elysia } from 'elysia'
import type { Config } from '../config'
import { ApiError, rateLimited, tooLarge } from '../errors'
import { clampOutputTokens } from '../openai/clamp'
import { CACHEABLE, endpointOf, upstreamPath, type Endpoint } from '../openai/endpoints'
import { parseJsonObject, validateBody } from '../openai/validate'
import type { Client, Gate } from '../plugins/gate'
import { rateLimitHeaders } from '../ratelimit/headers'
import type { SlidingWindowLimiter } from '../ratelimit/sliding-window'
import { endStream, requestInfo, type RequestInfo } from '../request-info'
import { tapStream } from '../streaming/tap'
import { limitedBody, readBodyText } from '../upstream/body'
import type { Upstream } from '../upstream/client'
import { redactSecrets } from '../upstream/redact'
import { openaiDocs } from './openai-docs'

export interface ProxyDeps {
  config: Config
  gate: Gate
  upstream: Upstream
  /** Absent when MODEL_RATE_LIMIT is 0. */
  limiter?: SlidingWindowLimiter
}

/**
 * A stream the upstream breaks ends with the error event OpenAI itself sends mid-stream, which the SDKs
 * raise as an APIError, rather than a reset connection that some clients take for a short answer.
 */
const STREAM_CUT_EVENT = new TextEncoder().encode(
  `data: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted before the answer was complete.', type: 'upstream_error', param: null, code: 'upstream_stream_interrupted' } })}\n\n`
)

/** Reads (listing models, fetching a file) spend nothing; everything else sent upstream counts. */
const FREE_METHODS = new Set(['GET', 'HEAD'])

export function openaiRoutes(deps: ProxyDeps) {
  const { config, gate, upstream, limiter } = deps
  const secrets = [config.openaiKey, ...config.proxyKeys]

  /** Counts one model request for the client, or refuses it with 429. */
  function spend(client: Client): Record<string, string> {
    if (!limiter) return {}
    const result = limiter.consume(client.id)
    const headers = rateLimitHeaders(result)
    if (!result.success) {
      const wait = headers['retry-after']
      throw rateLimited(
        `Rate limit reached for this client: ${result.limit} requests per minute (MODEL_RATE_LIMIT). Please try again in ${wait}s.`,
        headers
      )
    }
    return headers
  }

  async function reply(response: Response, info: RequestInfo, extraHeaders: Record<string, string>): Promise<Response> {
    for (const [name, value] of Object.entries(extraHeaders)) response.headers.set(name, value)

    if (response.status >= 400) {
      // Small, and may quote a key back: read, mask, pass on with the upstream's status.
      const text = redactSecrets(await response.text(), secrets)
      return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
    }
    if (!response.body) return response

    info.streaming = true
    // The cache's store-after-complete-answer seam: `onChunk` records, `onEnd('complete')` stores.
    const sse = response.headers.get('content-type')?.startsWith('text/event-stream')
    const body = tapStream(response.body, {
      // How a JSON body ended is only worth a log field when it did not complete.
      onEnd: (how) => endStream(info, sse || how !== 'complete' ? how : undefined),
      onSourceError: sse ? () => STREAM_CUT_EVENT : undefined,
    })
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
  }

  async function understood(request: Request, endpoint: Endpoint, path: string, client: Client, info: RequestInfo) {
    const body = parseJsonObject(await readBodyText(request, config.maxBodySize))
    validateBody(endpoint, body)
    if (CACHEABLE.has(endpoint)) {
      // The cache's lookup seam: before the rate limit, so a hit costs the client nothing.
    }
    const limitHeaders = spend(client)
    clampOutputTokens(endpoint, body, config.maxOutputTokens)

    const headers = new Headers(request.headers)
    headers.set('content-type', 'application/json')
    const response = await upstream({ method: 'POST', path, headers, body: JSON.stringify(body), signal: request.signal })
    return reply(response, info, limitHeaders)
  }

  async function passThrough(request: Request, path: string, client: Client, info: RequestInfo) {
    const limitHeaders = FREE_METHODS.has(request.method) ? {} : spend(client)
    let cut: ApiError | undefined
    const body = FREE_METHODS.has(request.method)
      ? null
      : limitedBody(request, config.maxBodySize, () => (cut = tooLarge(config.maxBodySize)))
    const response = await upstream({
      method: request.method,
      path,
      headers: request.headers,
      body,
      signal: request.signal,
      contentLength: request.headers.get('content-length'),
      bodyTooLarge: () => cut,
    })
    return reply(response, info, limitHeaders)
  }

  async function proxy({ request }: { request: Request }) {
    const info = requestInfo(request)
    const client = gate(request, info.ip)
    info.client = client.hash
    const path = upstreamPath(new URL(request.url))
    const endpoint = endpointOf(request.method, path)
    return endpoint ? understood(request, endpoint, path, client, info) : passThrough(request, path, client, info)
  }

  // Bodies are read by the handler, never by Elysia: passthrough bodies (multipart, audio) must stream
  // untouched, and JSON errors must come out in OpenAI's shape.
  const raw = { parse: 'none' as const }
  const hidden = { ...raw, detail: { hide: true } }

  return new Elysia({ name: 'openai-routes' })
    .post('/v1/chat/completions', proxy, { ...raw, detail: openaiDocs.chat })
    .post('/v1/completions', proxy, { ...raw, detail: openaiDocs.completions })
    .post('/v1/embeddings', proxy, { ...raw, detail: openaiDocs.embeddings })
    .post('/v1/responses', proxy, { ...raw, detail: openaiDocs.responses })
    .get('/v1/models', proxy, { ...raw, detail: openaiDocs.models })
    .all('/v1/*', proxy, hidden)
    .all('/v1', proxy, hidden)
    // Clients configured with a base URL without /v1 (some browser extensions) are served the same.
    .all('/*', proxy, hidden)
}
