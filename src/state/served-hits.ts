// Which cached answers each key was served lately (DESIGN §1.11): the evidence behind a refutation — the
// skip word or no-cache within 10 minutes of a semantic hit — and the permission for POST /v1/cache/feedback
// (a key may judge an entry it was served in the last 24 hours). One of the shared-state interfaces of
// types.ts; replicas share it through Redis, so a hit served by A can be refuted on B.

export interface ServedHit {
  entryId: number
  match: 'exact' | 'semantic'
  /** A semantic hit's similarity to the entry's own question. */
  similarity?: number
  /** The partition of the request (model, system prompt, context…: cache/keys.ts). */
  partition: string
  /** A short hash of the question matched by meaning (its last message), for "the same question asked again". */
  questionHash?: string
  /** A semantic hit's question embedding: the refuted question, for the label. */
  question?: Float32Array
  at: number
}

/** How long a served hit can be judged by its key (POST /v1/cache/feedback). */
export const SERVED_HIT_TTL_MS = 24 * 60 * 60 * 1000
/** The most records kept per key: the newest (a busy key's older hits are rarely judged). */
export const MAX_SERVED_PER_ACCOUNT = 200

export interface ServedHitStore {
  /** Records that `account` (a key's rate-limit id) was served `hit`; kept SERVED_HIT_TTL_MS after `hit.at`. */
  record(account: string, hit: ServedHit): Promise<void>
  /** The account's records with `at` ≥ `since`, newest first. */
  recent(account: string, since: number): Promise<ServedHit[]>
  /** Forgets the account's records of an entry (once judged, a hit is not judged again by the same evidence). */
  forget(account: string, entryId: number): Promise<void>
}
