// A pass-through stream that tells its owner how it ended. Chunks are handed on as they arrive (no
// buffering, so the first SSE event reaches the client as soon as the upstream sends it). `cancel` — the
// client went away — counts as incomplete and cancels the source, which aborts the upstream request.
// Modelled on Portkey's stream handler and hono's stream utils: the end callback runs exactly once.

export interface TapHandlers {
  onChunk?: (chunk: Uint8Array) => void
  onEnd?: (complete: boolean) => void
}

export function tapStream(source: ReadableStream<Uint8Array>, handlers: TapHandlers): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  let ended = false
  const end = (complete: boolean) => {
    if (ended) return
    ended = true
    handlers.onEnd?.(complete)
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          controller.close()
          end(true)
          return
        }
        handlers.onChunk?.(value)
        controller.enqueue(value)
      } catch (error) {
        end(false)
        controller.error(error)
      }
    },
    async cancel(reason) {
      end(false)
      await reader.cancel(reason).catch(() => {})
    },
  })
}
