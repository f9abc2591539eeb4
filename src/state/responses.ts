// The Responses API's ids (DESIGN §1.8), two shared-state interfaces that types.ts re-exports:
// - which upstream key made a response or conversation id, so a follow-up (`previous_response_id`,
//   `conversation`, GET/DELETE /v1/responses/{id}, /input_items, /cancel) goes to the account that knows it;
// - the responses the proxy itself made by translation (an upstream that speaks only chat), kept for
//   `previous_response_id` and GET /v1/responses/{id} for RESPONSES_TTL.
// Both expire by themselves; both are shared through Redis between replicas.

/** The upstream (by its configured name) and the key (by fingerprint) that made an id. */
export interface IdOrigin {
  upstream: string
  fingerprint: string
}

export interface ResponseOriginStore {
  /** Remembers (or refreshes) where `id` was made, for `ttlMs`. */
  remember(id: string, origin: IdOrigin, ttlMs: number): Promise<void>
  originOf(id: string): Promise<IdOrigin | undefined>
  forget(id: string): Promise<void>
  close(): Promise<void>
}

/** A response the proxy served by translation, as the client got it, with what a follow-up needs. */
export interface KeptResponse {
  id: string
  /** The key's account (its name, or the PROXY_KEY client): no other key may read or continue it. */
  owner: string
  /** The Responses object as the client got it (`object: "response"`, output items, usage …). */
  response: Record<string, unknown>
  /**
   * Every input item of the conversation up to this response, in order: the previous responses' input and
   * output items, then this request's own input (instructions are not items: they are not carried over).
   */
  input: unknown[]
  createdAt: number
}

export interface KeptResponseStore {
  /** Keeps `kept` for `ttlMs` (replacing one with the same id). */
  put(kept: KeptResponse, ttlMs: number): Promise<void>
  get(id: string): Promise<KeptResponse | undefined>
  delete(id: string): Promise<boolean>
  close(): Promise<void>
}
