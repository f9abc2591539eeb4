import type { ProviderKind } from '../../config/upstreams'
import type { ApiGroup } from '../../openai/endpoints'

// A provider adapter (DESIGN §1.8, §3): everything the pool and the sender must know of one kind of
// upstream API — where its paths are, how it takes a key, which of its answers say something about the key,
// and how it lists its models. The pool, the sender and the model catalogue ask the adapter and hold no
// provider's quirk themselves; a new kind is a new file here (after Portkey's `ProviderConfigs`).

export type { ProviderKind }

/** What a client may ask of an upstream: the model dialects and the pass-through groups (DESIGN §1.3). */
export type Speakable = ApiGroup | 'messages'

/**
 * What an upstream's answer says about the key it was sent with: `answer` goes to the client (a success, or
 * an error that is the request's own), `cool` rests the key for the model, `disable` sets the key aside for
 * every model, `next` moves on to the next upstream.
 */
export type Verdict = 'answer' | 'cool' | 'disable' | 'next'

/** A model as the upstream's listing gives it, in OpenAI's shape where the provider's differs. */
export type ListedModel = Record<string, unknown> & { id: string }

export interface Provider {
  readonly kind: ProviderKind
  /** What it answers natively; the rest is translated or refused (DESIGN §1.8). */
  readonly speaks: ReadonlySet<Speakable>
  /** The full URL of `path` (below the base URL, query string included). */
  url(baseUrl: string, path: string): string
  /** The headers that carry `key`, set over the client's (whose own credentials are already gone). */
  authHeaders(key: string, client: Headers): Record<string, string>
  /**
   * The verdict on `response`. An error body that decides it is read (such bodies are small), so the answer
   * comes back as a new Response holding that text, for the client or the refusal log.
   */
  classify(response: Response): Promise<{ verdict: Verdict; response: Response }>
  /** How long a rate-limited key rests, from the answer's headers: clamped to 1–60 s, 5 s when none says. */
  coolDownMs(headers: Headers, now: number): number
  /** A cheap authenticated GET: the start-up check, the recheck of a disabled key, the model listing. */
  readonly modelsPath: string
  /** The models of a successful listing's JSON; undefined when it holds no list. */
  listedModels(json: unknown): ListedModel[] | undefined
}
