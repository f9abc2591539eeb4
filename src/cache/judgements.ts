import { ApiError, badRequest, notFound } from '../errors'
import { SERVED_HIT_TTL_MS } from '../state/served-hits'
import type { CacheEntryStore, EntryLabel, ServedHit, ServedHitStore } from '../state/types'
import type { CacheKeys } from './keys'
import type { Hit } from './probe'
import { cosine } from './semantic/embedder'

// Refutations and confirmations of cached answers (DESIGN §1.11). Every hit is remembered for its key a
// day (state/served-hits.ts); a refresh of the same question by the same key within 10 minutes of a semantic
// hit — the skip word or no-cache — refutes that hit, and POST /v1/cache/feedback judges one hit (a key, for
// hits it was served) or one entry (the owner). A refuted semantic hit becomes a label on its entry, which
// then no longer answers that question or nearer ones (hit-judge.ts); an entry judged wrong as a whole (an
// exact hit, or by the owner) is deleted.

/** How long after a semantic hit its key's refresh of the same question refutes it. */
export const REFUTE_WINDOW_MS = 10 * 60 * 1000

export type Verdict = 'wrong' | 'right'
export type Judged = 'refuted' | 'confirmed' | 'removed'

export interface JudgementOptions {
  entries: CacheEntryStore
  served: ServedHitStore
  /** The question's embedding (a refresh matching a served hit by meaning). */
  embed(text: string): Promise<Float32Array | undefined>
  /** CACHE_SIMILARITY_THRESHOLD: a refreshed question this near to the one served is the same question. */
  sameQuestion: number
  /** Told of every label added (the wrong-rate estimate refits) and every judgement (statistics). */
  onLabel?(): void
  onJudged?(judged: Judged): void
  now?: () => number
}

/** A short hash of a question's text: "the same last message" without keeping the text. */
export const questionHash = (text: string) => Bun.hash(text).toString(36)

export class Judgements {
  private readonly now: () => number

  constructor(private readonly options: JudgementOptions) {
    this.now = options.now ?? Date.now
  }

  /** Remembers that `account` was served `hit` (never awaited on the request's path; a lost record only narrows feedback). */
  served(account: string, hit: Hit): Promise<void> {
    const record: ServedHit = {
      entryId: hit.entry.id,
      match: hit.match,
      partition: hit.entry.partition,
      at: this.now(),
      ...(hit.match === 'semantic' ? { similarity: hit.similarity, question: hit.question, questionHash: hit.questionHash } : {}),
    }
    return this.options.served.record(account, record).catch(() => {})
  }

  /**
   * A refresh (skip word or no-cache) of `keys` by `account`: the semantic hit it refutes, if the same key was
   * served one for the same question in the last 10 minutes. Returns what was refuted.
   */
  async refresh(account: string, keys: CacheKeys): Promise<number | undefined> {
    if (!keys.semanticText) return undefined
    const since = this.now() - REFUTE_WINDOW_MS
    const hits = (await this.options.served.recent(account, since)).filter((h) => h.match === 'semantic' && h.partition === keys.partition && h.question)
    if (hits.length === 0) return undefined
    const hash = questionHash(keys.semanticText)
    let refuted = hits.find((h) => h.questionHash === hash)
    if (!refuted) {
      const asked = await this.options.embed(keys.semanticText)
      refuted = asked && hits.find((h) => cosine(asked, h.question!) >= this.options.sameQuestion)
    }
    if (!refuted) return undefined
    await this.label(refuted, 'wrong', 'refresh')
    await this.options.served.forget(account, refuted.entryId)
    return refuted.entryId
  }

  /**
   * POST /v1/cache/feedback. A key judges a hit it was served in the last 24 hours (`account`); the owner
   * (`account` undefined) judges the entry itself: wrong deletes it, right confirms it.
   */
  async feedback(account: string | undefined, entryId: number, verdict: Verdict): Promise<{ entry: number; verdict: Verdict; action: Judged }> {
    const entry = await this.options.entries.getById(entryId)
    if (!entry) throw notFound(`No cached entry ${entryId} (it may have expired or been deleted).`, 'entry_not_found', 'entry')
    let hit: ServedHit | undefined
    if (account !== undefined) {
      const recent = await this.options.served.recent(account, this.now() - SERVED_HIT_TTL_MS)
      hit = recent.find((h) => h.entryId === entryId)
      if (!hit) throw notServed(entryId)
    }
    const wholeEntry = !hit || hit.match === 'exact'
    let action: Judged
    if (verdict === 'wrong' && wholeEntry) {
      await this.options.entries.delete(entryId)
      action = 'removed'
    } else {
      await this.label(hit ?? { entryId, match: 'exact', partition: entry.partition, at: this.now() }, verdict, account === undefined ? 'owner' : 'feedback')
      action = verdict === 'wrong' ? 'refuted' : 'confirmed'
    }
    if (account !== undefined) await this.options.served.forget(account, entryId)
    if (action === 'removed') this.options.onJudged?.('removed')
    return { entry: entryId, verdict, action }
  }

  private async label(hit: ServedHit, verdict: Verdict, source: EntryLabel['source']) {
    const label: EntryLabel = {
      verdict,
      similarity: hit.match === 'semantic' ? (hit.similarity ?? null) : null,
      ...(hit.match === 'semantic' && hit.question ? { question: hit.question } : {}),
      source,
      at: this.now(),
    }
    if (!(await this.options.entries.addLabel(hit.entryId, label))) return
    this.options.onLabel?.()
    this.options.onJudged?.(verdict === 'wrong' ? 'refuted' : 'confirmed')
  }
}

const notServed = (entryId: number) =>
  new ApiError({
    status: 403,
    message: `This key was not served cached entry ${entryId} in the last 24 hours: only the answers a key received can be judged with it (the owner can judge any, with ADMIN_KEY).`,
    type: 'invalid_request_error',
    code: 'entry_not_served',
    param: 'entry',
  })

/** The body of POST /v1/cache/feedback: `{ "entry": "<id>", "verdict": "wrong" | "right" }`. */
export function readFeedback(body: unknown): { entryId: number; verdict: Verdict } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object: {"entry": "<id>", "verdict": "wrong" | "right"}.', null, 'invalid_json')
  const { entry, verdict } = body as Record<string, unknown>
  const id = typeof entry === 'number' ? entry : typeof entry === 'string' && /^\d{1,15}$/.test(entry.trim()) ? Number(entry.trim()) : NaN
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest("'entry' must be the id of a cached answer (its x-cache-entry header), e.g. \"42\".", 'entry')
  if (verdict !== 'wrong' && verdict !== 'right') throw badRequest("'verdict' must be \"wrong\" or \"right\".", 'verdict')
  for (const field of Object.keys(body)) if (field !== 'entry' && field !== 'verdict') throw badRequest(`Unknown field '${field.slice(0, 40)}'. Allowed: entry, verdict.`, field.slice(0, 40), 'unknown_parameter')
  return { entryId: id, verdict }
}
