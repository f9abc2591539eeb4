import { clientClosed, type ApiError, upstreamTimeout, upstreamUnreachable } from '../errors'
import { clientResponseHeaders, upstreamRequestHeaders } from './headers'
import type { Provider } from './providers/types'

// One HTTP call to one upstream with one key: the client's credentials swapped for the key (as the upstream's
// provider takes it), hop-by-hop and client-address headers dropped, a timeout on the response headers, the
// client's disconnect passed on.

export interface UpstreamRequest {
  method: string
  /** Path below the base URL (`/chat/completions`), with the query string. */
  path: string
  /** The client's headers; credentials and hop-by-hop headers are removed here. */
  headers: Headers
  body: string | Uint8Array | ReadableStream<Uint8Array> | null
  /** Aborted when the client disconnects, which cancels the upstream request too. */
  signal: AbortSignal
  /** Replaces the client's content type (the proxy re-serialises the JSON it read). */
  contentType?: string
  /** Sent when the client declared one, so a streamed body is not re-framed as chunked. */
  contentLength?: string | null
  /** True when the body was cut for exceeding MAX_BODY_SIZE; the failure is then the client's. */
  bodyTooLarge?: () => ApiError | undefined
}

export interface Target {
  baseUrl: string
  key: string
  /** How the upstream builds its URLs and takes its key. */
  provider: Provider
}

export type Send = (target: Target, request: UpstreamRequest) => Promise<Response>

export function createSender(timeoutMs: number, send: typeof fetch = fetch): Send {
  return async (target, request) => {
    const headers = upstreamRequestHeaders(request.headers, target.provider.authHeaders(target.key, request.headers))
    if (request.contentType) headers.set('content-type', request.contentType)
    if (request.contentLength) headers.set('content-length', request.contentLength)

    // The timeout covers the wait for response headers only: a long stream may run for minutes.
    const timeout = new AbortController()
    const timer = setTimeout(() => timeout.abort(), timeoutMs)
    let response: Response
    try {
      response = await send(target.provider.url(target.baseUrl, request.path), {
        method: request.method,
        headers,
        body: request.body,
        signal: AbortSignal.any([request.signal, timeout.signal]),
        redirect: 'manual',
      })
    } catch (error) {
      const tooLarge = request.bodyTooLarge?.()
      if (tooLarge) throw tooLarge
      // The client hung up before the upstream answered: there is nobody left to reply to.
      if (request.signal.aborted) throw clientClosed()
      if (timeout.signal.aborted) throw upstreamTimeout(timeoutMs)
      throw upstreamUnreachable(error)
    } finally {
      clearTimeout(timer)
    }

    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: clientResponseHeaders(response.headers),
    })
  }
}
