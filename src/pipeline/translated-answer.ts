import { anthropicErrorBody } from '../dialects/messages/errors'
import { SseParser } from '../openai/sse/parser'
import type { Translated } from './translation'

// An upstream's answer to a translated request, given back in the client's dialect (DESIGN §1.8): a JSON
// answer whole, a stream event by event (ending the way the client's dialect ends, also when the upstream
// breaks it), and an error in the client's envelope with the upstream's status and words.

type Json = Record<string, any>

const encoder = new TextEncoder()

/** `onFinal` gets the final answer in the client's dialect once there is one (a Responses one is kept). */
export function translateAnswer(response: Response, translated: Translated, onFinal: (final: Json) => void): Response {
  if (!response.body) return response
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.delete('content-encoding')
  const init = { status: response.status, statusText: response.statusText, headers }
  if (response.status >= 400) return new Response(later(response.text().then((text) => errorIn(translated.client, response.status, text))), init)
  if (headers.get('content-type')?.startsWith('text/event-stream')) return new Response(translateStream(response.body, translated, onFinal), init)
  // A JSON body is small: read whole, translated whole. One that is not an answer passes as it is.
  const body = response.text().then((text) => {
    const upstream = jsonOf(text)
    if (!upstream || typeof upstream !== 'object' || upstream.error || upstream.type === 'error') return text
    const final = translated.answer(upstream)
    onFinal(final)
    return JSON.stringify(final)
  })
  return new Response(later(body), init)
}

/** The upstream's error in the client's envelope: OpenAI's for chat and Responses clients, Anthropic's for Messages. */
function errorIn(client: Translated['client'], status: number, text: string): string {
  const upstream = jsonOf(text)
  const message =
    (typeof upstream?.error?.message === 'string' && upstream.error.message) ||
    (typeof upstream?.message === 'string' && upstream.message) ||
    `The upstream answered ${status}.`
  if (client === 'messages') return JSON.stringify(anthropicErrorBody(status, message))
  if (upstream?.error && typeof upstream.error === 'object' && upstream.type !== 'error') return text // OpenAI's envelope already
  return JSON.stringify({ error: { message, type: typeof upstream?.error?.type === 'string' ? upstream.error.type : 'upstream_error', param: null, code: null } })
}

/**
 * The upstream's events, parsed, through the translator. A stream the upstream breaks ends with the
 * translator's own end for an unfinished answer (`response.failed`, Anthropic's `error` event, an error chunk).
 */
function translateStream(source: ReadableStream<Uint8Array>, translated: Translated, onFinal: (final: Json) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const parser = new SseParser()
  const stream = translated.stream()
  const end = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const tail = stream.end()
    if (tail) controller.enqueue(encoder.encode(tail))
    const final = stream.final()
    if (final) onFinal(final)
    controller.close()
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A pull that enqueues nothing is not called again: read until there is something to hand on.
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>
        try {
          read = await reader.read()
        } catch {
          return end(controller)
        }
        if (read.done) return end(controller)
        let out = ''
        for (const data of parser.push(read.value)) {
          const event = data === '[DONE]' ? undefined : jsonOf(data)
          // An unreadable event tells nothing; the events after it still may.
          if (event && typeof event === 'object') out += stream.push(event)
        }
        if (out) {
          controller.enqueue(encoder.encode(out))
          return
        }
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {})
    },
  })
}

/** A body that is one piece of text known later. */
function later(text: Promise<string>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(await text))
        controller.close()
      } catch (error) {
        controller.error(error)
      }
    },
  })
}

function jsonOf(text: string): any {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
