import type { CachedEndpoint } from '../cache/keys'
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
 * Prepares `body` for a recorded call and returns the capture for the relay. A stored stream must know its
 * token counts, so usage is asked for, and then withheld from a client that did not ask for it.
 */
export function startRecording(endpoint: CachedEndpoint, body: JsonObject, end: CaptureEnd): Recording {
  const streamed = body.stream === true && endpoint !== 'embeddings'
  const options = body.stream_options as JsonObject | undefined
  const dropUsage = streamed && options?.include_usage !== true
  if (dropUsage) body.stream_options = { ...options, include_usage: true }
  const recorder = streamed ? new StreamRecorder(endpoint as 'chat' | 'completions') : undefined
  return {
    capture: {
      dropUsage,
      chunk: (chunk) => recorder?.push(chunk),
      done: (outcome, text) => end(outcome, text, recorder),
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
