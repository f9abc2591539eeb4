import type { StoredAnswer } from '../../openai/answer'
import type { JsonObject } from '../../openai/validate'
import type { ReplayForm } from '../types'

// Messages answers as the cache sees them: which requests a stored message can answer, and which message is
// whole.

/**
 * A request in a code-execution `container` runs against files and state kept upstream, which change
 * between calls while the container's id stays the same: a stored answer would describe a container that
 * is no longer there. Every other request is replayed: a message holds no log probabilities or audio that a
 * stored copy would lose.
 */
export function replayableMessages(body: JsonObject): boolean {
  return body.container == null
}

/** A message worth keeping: an assistant `message` whose generation stopped for a reason (no error). */
export function completeMessage(body: unknown): StoredAnswer | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined
  const message = body as JsonObject
  if (message.type !== 'message' || message.role !== 'assistant' || !Array.isArray(message.content)) return undefined
  if (typeof message.stop_reason !== 'string') return undefined
  return { endpoint: 'messages', body: message }
}

export function completeMessageText(text: string | undefined): StoredAnswer | undefined {
  try {
    return completeMessage(JSON.parse(text ?? ''))
  } catch {
    return undefined
  }
}

/** Anthropic streams always carry their usage (`message_start`, `message_delta`): nothing is asked for. */
export const messagesReplayForm = (body: JsonObject): ReplayForm => ({ stream: body.stream === true, includeUsage: false })
