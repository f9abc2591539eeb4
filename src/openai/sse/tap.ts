// A pass-through stream that tells its owner how it ended. Chunks are handed on as they arrive (no
// buffering, so the first SSE event reaches the client as soon as the upstream sends it). `cancel` — the
// client went away — counts as incomplete and cancels the source, which aborts the upstream request.
// Modelled on Portkey's stream handler and hono's stream utils: the end callback runs exactly once.

export type StreamEnd = 'complete' | 'cut' | 'cancelled'

export interface TapHandlers {
  onChunk?: (chunk: Uint8Array) => void
  onEnd?: (end: StreamEnd) => void
  /**
   * The source broke. Returning bytes sends them as the last chunk and ends the stream cleanly (an SSE error
   * event that SDKs raise as an error); returning nothing passes the failure on as a broken stream.
   */
  onSourceError?: (error: unknown) => Uint8Array | undefined
  /** Rewrites what the client gets (after `onChunk` saw the original); undefined forwards nothing. */
  transform?: (chunk: Uint8Array) => Uint8Array | undefined
  /** Bytes still held by `transform` when the source ends. */
  flush?: () => Uint8Array | undefined
}

export function tapStream(source: ReadableStream<Uint8Array>, handlers: TapHandlers): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  let ended = false
  const end = (how: StreamEnd) => {
    if (ended) return
    ended = true
    handlers.onEnd?.(how)
  }

  return new ReadableStream<Uint8Array>({
    // A chunk can come out of `transform` empty (a usage-only event held back from a client that did not ask
    // for it, or half an event waiting for its end). A `pull` that enqueues nothing is not called again, so it
    // keeps reading until it has something to hand on or the source ends; otherwise the client never sees
    // `[DONE]` and the call is never settled.
    async pull(controller) {
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>
        try {
          read = await reader.read()
        } catch (error) {
          end('cut')
          const last = handlers.onSourceError?.(error)
          if (last) {
            controller.enqueue(last)
            controller.close()
          } else {
            controller.error(error)
          }
          return
        }
        if (read.done) {
          const rest = handlers.flush?.()
          if (rest) controller.enqueue(rest)
          controller.close()
          end('complete')
          return
        }
        try {
          handlers.onChunk?.(read.value)
        } catch (error) {
          // Our own recorder failed: nobody will read the rest, so stop the upstream from spending on it.
          end('cut')
          await reader.cancel(error).catch(() => {})
          controller.error(error)
          return
        }
        const out = handlers.transform ? handlers.transform(read.value) : read.value
        if (out && out.byteLength > 0) {
          controller.enqueue(out)
          return
        }
      }
    },
    async cancel(reason) {
      end('cancelled')
      await reader.cancel(reason).catch(() => {})
    },
  })
}
