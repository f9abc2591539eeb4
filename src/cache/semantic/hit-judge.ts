import type { Candidate, EntryLabel } from '../../state/types'
import { cosine } from './embedder'
import { WrongRateModel, type WrongRateOptions } from './wrong-rate'

// Whether a near entry may answer a question (DESIGN §1.11), past the guard: never one refuted for this
// question or a nearer one, and then either today's fixed threshold or, with CACHE_MAX_WRONG_RATE set, the
// estimated chance that its answer is wrong at this similarity (wrong-rate.ts).

/** What stands behind a semantic hit: shown in the admin view of the entry. */
export interface HitEstimate {
  similarity: number
  /** The similarity this entry needs: the fixed threshold, or the one its labels and their pools give it. */
  threshold: number
  /** With CACHE_MAX_WRONG_RATE: the estimated chance that the answer is wrong at this similarity. */
  wrongRate?: number
  /** The labels the estimate rests on: the entry's own, its partition's and the whole cache's. */
  evidence?: { own: number; partition: number; cache: number }
}

export type Verdict = { ok: true; estimate: HitEstimate } | { ok: false; reason: 'refuted' | 'threshold' }

/** Decides for one candidate; `floor` is the lowest similarity any entry may be served at (the search's reach). */
export interface HitJudge {
  readonly floor: number
  judge(question: Float32Array, candidate: Candidate, similarity: number): Verdict
}

/**
 * A refutation's reach: the refuted question and every question nearer to it than to the entry's own. A
 * tie counts as nearer — a question as close to the refuted one as to the entry's is not a safe bet.
 */
export function refutedFor(question: Float32Array, labels: readonly EntryLabel[], similarity: number): boolean {
  for (const label of labels) {
    if (label.verdict === 'wrong' && label.question && cosine(question, label.question) >= similarity) return true
  }
  return false
}

/** Today's rule: the fixed CACHE_SIMILARITY_THRESHOLD, with refutations honoured. */
export class FixedThresholdJudge implements HitJudge {
  constructor(readonly floor: number) {}

  judge(question: Float32Array, candidate: Candidate, similarity: number): Verdict {
    if (similarity < this.floor) return { ok: false, reason: 'threshold' }
    if (candidate.labels.length > 0 && refutedFor(question, candidate.labels, similarity)) return { ok: false, reason: 'refuted' }
    return { ok: true, estimate: { similarity, threshold: this.floor } }
  }
}

/**
 * CACHE_MAX_WRONG_RATE (δ): an entry answers at similarity s only when the estimated chance that its answer
 * is wrong there is ≤ δ (wrong-rate.ts). The pooled part of the estimate (partitions, the cache) is rebuilt
 * from the store's labelled entries off the request path — after a label this process added, and every
 * REFIT_MS for the labels other replicas add; each candidate's own labels are read with it, so they count
 * at once everywhere.
 */
export class WrongRateJudge implements HitJudge {
  private model: WrongRateModel
  private lowest: number
  private refitting: Promise<void> | undefined
  private again = false
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    private readonly delta: number,
    private readonly options: WrongRateOptions,
    private readonly labelled: () => Promise<Array<{ id: number; partition: string; labels: EntryLabel[] }>>,
    private readonly onError: (error: unknown) => void = () => {}
  ) {
    this.model = new WrongRateModel([], options)
    this.lowest = this.model.lowestThreshold(delta)
    this.timer = setInterval(() => void this.refit(), REFIT_MS)
    this.timer.unref?.()
  }

  get floor(): number {
    return this.lowest
  }

  judge(question: Float32Array, candidate: Candidate, similarity: number): Verdict {
    if (candidate.labels.length > 0 && refutedFor(question, candidate.labels, similarity)) return { ok: false, reason: 'refuted' }
    const estimate = this.model.estimate(candidate, similarity, this.delta)
    if (!estimate.serve) return { ok: false, reason: 'threshold' }
    return { ok: true, estimate: { similarity, threshold: estimate.threshold, wrongRate: estimate.pWrong, evidence: estimate.evidence } }
  }

  /** Rebuilds the pooled estimate from the store; calls made while one runs are folded into one more. */
  refit(): Promise<void> {
    if (this.refitting) {
      this.again = true
      return this.refitting
    }
    this.refitting = (async () => {
      do {
        this.again = false
        try {
          const model = new WrongRateModel(await this.labelled(), this.options)
          const lowest = model.lowestThreshold(this.delta)
          this.model = model
          this.lowest = lowest
        } catch (error) {
          this.onError(error)
        }
      } while (this.again)
    })().finally(() => (this.refitting = undefined))
    return this.refitting
  }

  close() {
    clearInterval(this.timer)
  }
}

/** How often the pooled estimate is rebuilt for labels other replicas added. */
const REFIT_MS = 30_000
