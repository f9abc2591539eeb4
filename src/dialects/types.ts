import type { CacheContext } from '../config/load'
import type { ApiError } from '../errors'
import type { StoredAnswer } from '../openai/answer'
import type { JsonObject } from '../openai/validate'
import type { ReplayTemplate } from './replay-template'

// A client dialect (DESIGN §1.8, §3): everything the proxy must know of one request shape to check it, cap
// it, cache it and give a stored answer back in it. The pipeline and the cache ask the dialect; they hold no
// knowledge of chat, completions or embeddings themselves. Responses and Messages join as dialects of their
// own; translations between dialects live in dialects/translate/.

export type DialectName = 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages'

/** What every dialect knows: its requests' checks, the output cap, and its error envelope. */
export interface RequestDialect {
  readonly name: DialectName
  /** Refuses (400, naming the field) what the proxy relies on and would otherwise learn only upstream. */
  validate(body: JsonObject, maxN: number): void
  /** The fields that cap the output, the current one first: set to the cap when absent, lowered when above. */
  readonly outputCapFields: readonly string[]
  /**
   * Run after the cap lowered or set a cap field: makes the rest of the request agree with the lower cap
   * (Messages' thinking budget must stay under `max_tokens`). Mutates `body`; a short note for
   * `x-output-cap` (`thinking=off`) when it changed anything, else undefined.
   */
  afterCap?(body: JsonObject, cap: number): string | undefined
  /** An error of the proxy's own as this dialect's clients read errors. */
  errorResponse(error: ApiError): Response
  /**
   * A hash of the request's prompt prefix (instructions, tools, first user message: dialects/affinity.ts),
   * which the pool keeps on one upstream key for its provider's prompt cache; absent or undefined: none.
   */
  affinityKey?(body: JsonObject): string | undefined
}

/** The parts of a request that decide its answer, before the cache group is mixed in. */
export interface KeyMaterial {
  /** Same text ⇒ same answer. */
  exact: string
  /** Entries that may answer each other by meaning: same everything but the last question. */
  partition: string
  /** The text matched by meaning; absent when only exact hits are safe (tool results, images, embeddings). */
  semanticText?: string
}

/** A stream taken down chunk by chunk into the dialect's non-streamed answer. Never throws. */
export interface AnswerRecorder {
  push(chunk: Uint8Array): void
  /** The whole answer, or undefined when the stream was not complete. */
  finish(): StoredAnswer | undefined
}

/** The form of answer a request asks for. */
export interface ReplayForm {
  stream: boolean
  includeUsage: boolean
  /** Embeddings: the `encoding_format` asked for. */
  encoding?: unknown
}

/** A dialect whose answers the cache keeps and gives back. */
export interface CachedDialect extends RequestDialect {
  readonly name: StoredAnswer['endpoint']
  /** Hashes of what decides the answer (see cache/keys.ts for what the cache adds). */
  keyMaterial(body: JsonObject, context: CacheContext, query: string | undefined): KeyMaterial
  /** Strips the skip word from the question; true when it was there. */
  removeSkipWord(body: JsonObject, word: string): boolean
  /** Whether a stored answer could give this request back faithfully (no log probabilities, no audio). */
  replayable(body: JsonObject): boolean
  /**
   * A streamed request whose tokens must be known (to store it, to settle a budget) asks the upstream for
   * them; true when the client did not ask, so that what the upstream adds for it must be withheld.
   */
  askForUsage(body: JsonObject): boolean
  /** Withholds from a stream what `askForUsage` added (the usage-only chunk); undefined when nothing is added. */
  usageFilter(): { push(chunk: Uint8Array): Uint8Array | undefined; flush(): Uint8Array | undefined } | undefined
  /** A recorder for a streamed answer; undefined when the dialect's answers do not stream. */
  recorder(body: JsonObject): AnswerRecorder | undefined
  /** A whole JSON answer worth keeping (well-formed, no error, finished), as stored. */
  completeAnswer(text: string | undefined): StoredAnswer | undefined
  replayForm(body: JsonObject): ReplayForm
  /** A stored answer rendered once in `form`, with a slot for each replay's own id and time. */
  template(answer: StoredAnswer, form: ReplayForm): ReplayTemplate
}

export type Dialect = RequestDialect | CachedDialect

export const isCached = (dialect: Dialect): dialect is CachedDialect => 'keyMaterial' in dialect
