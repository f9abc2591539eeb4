import { upstreamBadResponse } from '../errors'
import { tapStream, type StreamEnd } from '../openai/sse/tap'
import { redactSecrets } from '../upstream/redact'
import type { RequestContext } from './context'

// Hands an upstream response to the client: error bodies masked, bodies streamed chunk by chunk, and —
// when the cache wants the answer — a copy of it taken on the way through. Where a streamed body ends is
// here: the tap's onEnd tells the capture and the request context.

/**
 * A stream the upstream breaks ends with the error event OpenAI itself sends mid-stream, which the SDKs
 * raise as an APIError, rather than a reset connection that some clients take for a short answer.
 */
const STREAM_CUT_EVENT = new TextEncoder().encode(
  `data: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted before the answer was complete.', type: 'upstream_error', param: null, code: 'upstream_stream_interrupted' } })}\n\n`
)

/** Rewrites a stream on its way to the client; holds back bytes until it knows what to do with them. */
export interface StreamFilter {
  push(chunk: Uint8Array): Uint8Array | undefined
  /** Bytes still held when the stream ends. */
  flush(): Uint8Array | undefined
}

export interface Capture {
  /** Sees every upstream chunk of a streamed answer. */
  chunk(chunk: Uint8Array): void
  /**
   * Called once: with the body text of a complete JSON answer, or how the stream ended, or 'failed'. A JSON
   * answer is sent only after the promise settles, so it is stored before the client has it.
   */
  done(outcome: StreamEnd | 'failed', jsonText?: string): void | Promise<void>
  /** Withholds what the proxy asked for on its own behalf (the usage chunk a client did not ask for). */
  filter?: StreamFilter
}

export async function relay(
  response: Response,
  ctx: RequestContext,
  extraHeaders: Record<string, string>,
  secrets: readonly string[],
  capture?: Capture
): Promise<Response> {
  for (const [name, value] of Object.entries(extraHeaders)) response.headers.set(name, value)
  const init = { status: response.status, statusText: response.statusText, headers: response.headers }

  if (response.status >= 400) {
    void capture?.done('failed')
    response.headers.delete('x-cache-entry')
    // Small, and may quote a key back: read, mask, pass on with the upstream's status.
    return new Response(redactSecrets(await bodyText(response, ctx), secrets), init)
  }
  if (!response.body) {
    void capture?.done('failed')
    return response
  }

  const sse = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false
  if (capture && !sse) {
    let text: string
    try {
      text = await bodyText(response, ctx)
    } catch (error) {
      void capture.done('failed')
      throw error
    }
    await capture.done(response.status === 200 ? 'complete' : 'failed', text)
    return new Response(text, init)
  }
  // Nothing watches a plain body (JSON, audio, files): Bun pipes it natively, and the log line is written
  // at the headers. Piping it through a JavaScript stream cost 15% of the CPU of a forwarded request.
  if (!sse && !capture) return response

  ctx.beginStream()
  const filter = capture?.filter
  const body = tapStream(response.body, {
    onChunk: capture && ((chunk) => capture.chunk(chunk)),
    transform: filter && ((chunk) => filter.push(chunk)),
    flush: filter && (() => filter.flush()),
    onEnd: (how) => {
      void capture?.done(how)
      // How a JSON body ended is only worth a log field when it did not complete.
      ctx.endStream(sse || how !== 'complete' ? how : undefined)
    },
    onSourceError: sse ? () => STREAM_CUT_EVENT : undefined,
  })
  return new Response(body, init)
}

/** The whole body; one the upstream cuts or that cannot be read is the upstream's fault (502). */
async function bodyText(response: Response, ctx: RequestContext): Promise<string> {
  try {
    return await response.text()
  } catch (error) {
    ctx.upstreamFailed = true
    throw upstreamBadResponse(error)
  }
}
