import type { Config } from '../config/load'
import type { CacheEntryStore, ServedHitStore } from '../state/types'
import { Judgements, type Judged } from './judgements'
import { FixedThresholdJudge, WrongRateJudge, type HitEstimate, type HitJudge } from './semantic/hit-judge'

// What the cache knows of its own wrong hits (DESIGN §1.11), in one place: the judge its semantic lookups
// ask (the fixed threshold, or the wrong-rate estimate with CACHE_MAX_WRONG_RATE), the refutations and
// feedback that label entries, and the estimate behind each entry's last semantic hit for the admin view.

/** The semantic hits whose estimate the admin view can show: the most recent ones, this process's. */
const KEPT_ESTIMATES = 4096

export interface HitJudgingOptions {
  settings: Config['cache']
  entries: CacheEntryStore
  served?: ServedHitStore
  embed(text: string): Promise<Float32Array | undefined>
  onJudged?: (judged: Judged) => void
  /** A failed read of the labels (the estimate keeps its last fit). */
  onError(error: unknown): void
}

export class HitJudging {
  readonly judge: HitJudge
  /** Refutations and feedback; absent without a store of served hits. */
  readonly judgements: Judgements | undefined
  private readonly learning: WrongRateJudge | undefined
  /** What stood behind each entry's last semantic hit here (newest last). */
  private readonly estimates = new Map<number, HitEstimate & { at: number }>()

  constructor({ settings, entries, served, embed, onJudged, onError }: HitJudgingOptions) {
    this.learning =
      settings.maxWrongRate === undefined
        ? undefined
        : new WrongRateJudge(settings.maxWrongRate, { threshold: settings.similarityThreshold }, () => entries.labelled(), onError)
    this.judge = this.learning ?? new FixedThresholdJudge(settings.similarityThreshold)
    const learning = this.learning
    this.judgements =
      served &&
      new Judgements({
        entries,
        served,
        embed,
        sameQuestion: settings.similarityThreshold,
        onLabel: learning && (() => void learning.refit()),
        onJudged,
      })
  }

  /** The labels kept from earlier runs (or by other replicas) count from the first lookup. */
  async open(): Promise<void> {
    await this.learning?.refit()
  }

  /** Keeps what stood behind a semantic hit. */
  hit(id: number, estimate: HitEstimate) {
    this.estimates.delete(id)
    this.estimates.set(id, { ...estimate, at: Date.now() })
    if (this.estimates.size > KEPT_ESTIMATES) this.estimates.delete(this.estimates.keys().next().value!)
  }

  lastEstimate(id: number): (HitEstimate & { at: number }) | undefined {
    return this.estimates.get(id)
  }

  close() {
    this.learning?.close()
  }
}
