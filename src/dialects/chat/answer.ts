import type { StoredAnswer } from '../../openai/answer'
import type { JsonObject } from '../../openai/validate'
import { answerObject } from '../answer-object'

// Chat Completions and Completions answers as the cache sees them: which requests a stored answer can give
// back, which stream asks for its usage, and which JSON answer is whole.

/** Answers the cache cannot give back faithfully: log probabilities and audio are not kept. */
export function replayableChat(body: JsonObject): boolean {
  if (body.logprobs === true || typeof body.logprobs === 'number' || body.top_logprobs != null) return false
  if (body.audio != null) return false
  return !(Array.isArray(body.modalities) && body.modalities.includes('audio'))
}

/** Asks a stream for its usage chunk (`stream_options.include_usage`); true when the client had not. */
export function askForStreamUsage(body: JsonObject): boolean {
  if (body.stream !== true) return false
  const options = body.stream_options as JsonObject | undefined
  if (options?.include_usage === true) return false
  body.stream_options = { ...options, include_usage: true }
  return true
}

/** A non-streamed answer worth keeping: well-formed, no error, every choice finished. */
export function completeChoices(endpoint: 'chat' | 'completions', text: string | undefined): StoredAnswer | undefined {
  const body = answerObject(text)
  const choices = body?.choices
  if (!Array.isArray(choices) || choices.length === 0 || choices.some((c: any) => !c || c.finish_reason == null)) return undefined
  return { endpoint, body }
}

export function replayFormOf(body: JsonObject) {
  return {
    stream: body.stream === true,
    includeUsage: (body.stream_options as JsonObject | undefined)?.include_usage === true,
    encoding: body.encoding_format,
  }
}
