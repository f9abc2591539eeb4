import type { CachedEndpoint } from '../cache/keys'
import type { Endpoint } from '../openai/endpoints'
import type { StoredAnswer } from '../openai/answer'
import { embeddingsAsFloats } from '../openai/embeddings-encoding'
import type { StreamEnd } from '../openai/sse/tap'
import { StreamRecorder } from '../openai/sse/recorder'
import type { JsonObject } from '../openai/validate'
import type { Capture } from './relay'

// Taking a copy of an upstream answer on its way to the client, for the cache: a stream is recorded chunk
// by chunk into the non-streamed object; a JSON body is checked whole.

export type CaptureEnd = (outcome: StreamEnd | 'failed', jsonText: string | undefined, recorder: StreamRecorder | undefined) => Promise<void>

export interface Recording {
  capture: Capture
}

/**
 * A stream whose tokens must be known (to store it, to settle a budget) asks the upstream for its usage
 * chunk; a client that did not ask for it does not get it. Returns whether it must be withheld.
 */
export function askForUsage(endpoint: Endpoint, body: JsonObject): boolean {
  if (body.stream !== true || (endpoint !== 'chat' && endpoint !== 'completions')) return false
  const options = body.stream_options as JsonObject | undefined
  if (options?.include_usage === true) return false
  body.stream_options = { ...options, include_usage: true }
  return true
}

/** Records an answer for the cache: a stream chunk by chunk, a JSON body whole. */
export function startRecording(endpoint: CachedEndpoint, body: JsonObject, end: CaptureEnd): Recording {
  const streamed = body.stream === true && endpoint !== 'embeddings'
  const recorder = streamed ? new StreamRecorder(endpoint as 'chat' | 'completions') : undefined
  return {
    capture: {
      chunk: (chunk) => recorder?.push(chunk),
      done: (outcome, text) => end(outcome, text, recorder),
    },
  }
}

/** One capture that feeds several (the cache's recording and the usage meter). */
export function combineCaptures(captures: Array<Capture | undefined>, dropUsage: boolean): Capture | undefined {
  const present = captures.filter((c): c is Capture => !!c)
  if (present.length === 0) return undefined
  return {
    dropUsage,
    chunk: (chunk) => {
      for (const capture of present) capture.chunk(chunk)
    },
    done: async (outcome, text) => {
      await Promise.all(present.map((capture) => capture.done(outcome, text)))
    },
  }
}

/** A non-streamed upstream answer worth keeping: well-formed, no error, every choice finished. */
export function completeAnswer(endpoint: CachedEndpoint, text: string | undefined): StoredAnswer | undefined {
  let body: any
  try {
    body = JSON.parse(text ?? '')
  } catch {
    return undefined
  }
  if (!body || typeof body !== 'object' || body.error) return undefined
  if (endpoint === 'embeddings') {
    return Array.isArray(body.data) && body.data.length > 0 ? { endpoint, body: embeddingsAsFloats(body) } : undefined
  }
  const choices = body.choices
  if (!Array.isArray(choices) || choices.length === 0 || choices.some((c: any) => !c || c.finish_reason == null)) return undefined
  return { endpoint, body }
}
