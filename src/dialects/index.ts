import type { CachedEndpoint, StoredAnswer } from '../openai/answer'
import type { Endpoint } from '../openai/endpoints'
import type { JsonObject } from '../openai/validate'
import { chatDialect, completionsDialect } from './chat'
import { embeddingsDialect } from './embeddings'
import { messagesDialect } from './messages'
import type { ReplayTemplate } from './replay-template'
import { responsesDialect } from './responses'
import type { CachedDialect, Dialect, ReplayForm } from './types'

// The dialects by endpoint: the one place that knows which exist.

const CACHED: Readonly<Record<CachedEndpoint, CachedDialect>> = {
  chat: chatDialect,
  completions: completionsDialect,
  embeddings: embeddingsDialect,
  responses: responsesDialect,
  messages: messagesDialect,
}
const ALL: Readonly<Record<Endpoint, Dialect>> = CACHED

export const dialectOf = (endpoint: Endpoint): Dialect => ALL[endpoint]
export const cachedDialectOf = (endpoint: CachedEndpoint): CachedDialect => CACHED[endpoint]

/** Refuses (400, naming the field) what `endpoint`'s dialect relies on. */
export function validateBody(endpoint: Endpoint, body: JsonObject, maxN = Number.MAX_SAFE_INTEGER) {
  ALL[endpoint].validate(body, maxN)
}

/** What the output cap did to a request: whether it changed it, and what else it changed (`x-output-cap`). */
export interface OutputCap {
  changed: boolean
  /** The dialect's note when the lower cap changed more than the cap fields (`thinking=off`). */
  note?: string
}

/**
 * The spending cap. A client that asks for more gets the cap; one that asks for nothing gets the cap too,
 * because an unset limit means "as long as the model likes". The dialect then makes the rest of the request
 * agree with the lower cap (`afterCap`). Mutates `body`. `cap` 0 means no cap.
 */
export function capOutputTokens(endpoint: Endpoint, body: JsonObject, cap: number): OutputCap {
  const dialect = ALL[endpoint]
  if (!capFields(dialect.outputCapFields, body, cap)) return { changed: false }
  const note = dialect.afterCap?.(body, cap)
  return note === undefined ? { changed: true } : { changed: true, note }
}

/** capOutputTokens without the note: true when it changed anything. */
export const clampOutputTokens = (endpoint: Endpoint, body: JsonObject, cap: number): boolean => capOutputTokens(endpoint, body, cap).changed

function capFields(fields: readonly string[], body: JsonObject, cap: number): boolean {
  if (fields.length === 0 || cap <= 0) return false
  let changed = false
  let present = false
  for (const field of fields) {
    const value = body[field]
    if (typeof value !== 'number') continue
    present = true
    if (value > cap) {
      body[field] = cap
      changed = true
    }
  }
  if (!present) {
    for (const field of fields) delete body[field] // drop explicit nulls ("no limit")
    body[fields[0]!] = cap
    changed = true
  }
  return changed
}

/** A stored answer rendered once in the form a request asks for (its own dialect's rendering). */
export const templateOf = (answer: StoredAnswer, form: ReplayForm): ReplayTemplate => CACHED[answer.endpoint].template(answer, form)
