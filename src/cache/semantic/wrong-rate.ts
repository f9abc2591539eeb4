import type { EntryLabel } from '../../state/types'
import { anchoredMean, fitOffset, isEvidence, thresholdFor, wrongProbability, type Belief } from './wrong-rate-fit'

// May entry E answer a question at similarity s, given δ = CACHE_MAX_WRONG_RATE (DESIGN §1.11)? The chance
// that its answer is wrong there is σ(a_E − b·s) (wrong-rate-fit.ts), and offsets nest: cache ← partition ←
// entry, each drawn around its parent's. Built once per change of the labels from the store's `labelled()`;
// each entry's own labels are fitted at lookup. How and why: docs/wrong-hits.md.
//
// Evidence flows up as Gaussian messages, one per entry and one per partition, not as pooled labels: a
// partition learns from how many of its entries were judged, not from how often one chatty entry was, and
// a label counts once: an entry's prior is its partition's belief without that entry's own message.

/** The chance of a wrong answer at CACHE_SIMILARITY_THRESHOLD when nothing is known: δ = this is today's fixed threshold. */
export const BASE_WRONG_RATE = 0.02
/** b: the logit of one entry's wrong rate falls by this per unit of cosine similarity (90% to 10% over 0.11). */
export const WRONG_RATE_SLOPE = 40
/** How far offsets stray from their parent's, as a standard deviation in similarity (÷ b of the logit one). */
export const OFFSET_SPREAD = { cache: 0.01, partition: 0.02, entry: 0.05 } as const

export interface WrongRateOptions {
  /** CACHE_SIMILARITY_THRESHOLD: with no labels and δ = baseRate, every entry's threshold is this. */
  threshold: number
  /** p0, BASE_WRONG_RATE by default. */
  baseRate?: number
  /** b, WRONG_RATE_SLOPE by default: for the embedding model the defaults were chosen for (text-embedding-3-small). */
  slope?: number
  spread?: { cache: number; partition: number; entry: number }
}

/** The estimate behind a decision, for the admin view of an entry. */
export interface WrongRateEstimate {
  /** The estimated chance that the answer is wrong at this similarity. */
  pWrong: number
  /** The lowest similarity at which this entry answers under δ. */
  threshold: number
  serve: boolean
  /** Labels with a similarity behind it: the entry's own, its partition's other entries', the other partitions'. */
  evidence: { own: number; partition: number; cache: number }
}

/** What the estimate needs of an entry (a Candidate has it). Without an id its labels may count twice. */
export interface LabelledEntry {
  id?: number
  partition: string
  labels: readonly EntryLabel[]
}

/** A Gaussian message about a parent's offset: its precision and precision × mean. */
interface Message {
  precision: number
  weighted: number
  labels: number
}

interface EntryState {
  message: Message
  /** Its belief from its labels as they were: for the lowest threshold. */
  belief: Belief
}

interface PartitionState {
  /** The entries' messages, by id. */
  entries: Map<number, EntryState>
  /** Their sum: what the partition's own entries say about its offset. */
  own: Message
  /** Its belief without any entry's message (the cache's belief without this partition's, widened). */
  prior: Belief
  /** Its belief with every entry's message. */
  belief: Belief
}

/**
 * Similarities that differ by less than this are one: embeddings are float32, and rounding in the anchor
 * must not turn today's boundary case (s = CACHE_SIMILARITY_THRESHOLD, no labels, δ = p0) into a miss.
 */
const SAME_SIMILARITY = 1e-9

export class WrongRateModel {
  private readonly slope: number
  private readonly entryVariance: number
  private readonly partitionVariance: number
  private readonly partitions = new Map<string, PartitionState>()
  /** The belief about the offset of a partition with no labels. */
  private readonly unlabelled: Belief
  private readonly totalLabels: number
  private lowest?: { delta: number; threshold: number }

  constructor(labelled: ReadonlyArray<{ id: number; partition: string; labels: readonly EntryLabel[] }>, options: WrongRateOptions) {
    const slope = (this.slope = options.slope ?? WRONG_RATE_SLOPE)
    const spread = options.spread ?? OFFSET_SPREAD
    const baseRate = options.baseRate ?? BASE_WRONG_RATE
    if (!(Math.abs(options.threshold) <= 1 && baseRate > 0 && baseRate < 1 && slope > 0 && spread.cache > 0 && spread.partition > 0 && spread.entry > 0)) {
      throw new RangeError('WrongRateModel: threshold in [-1, 1], base rate in (0, 1), slope and spreads above 0')
    }
    const cacheVariance = (slope * spread.cache) ** 2
    this.partitionVariance = (slope * spread.partition) ** 2
    this.entryVariance = (slope * spread.entry) ** 2
    // The whole prior of an unlabelled entry: anchored so that, knowing nothing, δ = p0 gives today's threshold.
    const total = cacheVariance + this.partitionVariance + this.entryVariance
    const anchor = anchoredMean(options.threshold, baseRate, total, slope)

    // Up: each entry's labels, fitted from the prior of an unknown entry, leave a message about its partition.
    const reference: Belief = { mean: anchor, variance: total }
    let totalLabels = 0
    for (const { id, partition, labels } of labelled) {
      const count = labels.reduce((n, label) => n + (isEvidence(label) ? 1 : 0), 0)
      if (count === 0) continue
      let state = this.partitions.get(partition)
      if (state?.entries.has(id)) continue
      if (!state) {
        state = { entries: new Map(), own: { precision: 0, weighted: 0, labels: 0 }, prior: reference, belief: reference }
        this.partitions.set(partition, state)
      }
      const message = widen(site(fitOffset(labels, reference, slope), reference), this.entryVariance, count)
      state.entries.set(id, { message, belief: reference })
      add(state.own, message, 1)
      totalLabels += count
    }
    this.totalLabels = totalLabels

    // The cache's offset: its prior, and what each partition's entries together say about it.
    const cache: Message = { precision: 1 / cacheVariance, weighted: anchor / cacheVariance, labels: 0 }
    const partitionMessages = new Map<string, Message>()
    for (const [name, state] of this.partitions) {
      const message = widen(state.own, this.partitionVariance, state.own.labels)
      partitionMessages.set(name, message)
      add(cache, message, 1)
    }
    this.unlabelled = spreadOut(cache, this.partitionVariance)

    // Down: a partition's prior is the cache's belief without its own message, then its entries' messages.
    for (const [name, state] of this.partitions) {
      const without = { ...cache }
      add(without, partitionMessages.get(name)!, -1)
      state.prior = spreadOut(without, this.partitionVariance)
      const belief = toMessage(state.prior)
      add(belief, state.own, 1)
      state.belief = toBelief(belief)
    }
    for (const { id, partition, labels } of labelled) {
      const entry = this.partitions.get(partition)?.entries.get(id)
      if (entry) entry.belief = this.entryOffset({ id, partition, labels })
    }
  }

  /** The belief about a partition's offset: what an entry of it without labels starts from. */
  partitionOffset(partition: string): Belief {
    return this.partitions.get(partition)?.belief ?? this.unlabelled
  }

  /** The chance that `entry`'s answer is wrong at `similarity`, its threshold under `delta`, and what they rest on. */
  estimate(entry: LabelledEntry, similarity: number, delta: number): WrongRateEstimate {
    const belief = this.entryOffset(entry)
    const threshold = thresholdFor(belief, delta, this.slope)
    const state = this.partitions.get(entry.partition)
    const mine = entry.id === undefined ? undefined : state?.entries.get(entry.id)?.message
    const inPartition = state?.own.labels ?? 0
    return {
      pWrong: wrongProbability(belief, similarity, this.slope),
      threshold,
      serve: similarity >= threshold - SAME_SIMILARITY,
      evidence: {
        own: entry.labels.reduce((n, label) => n + (isEvidence(label) ? 1 : 0), 0),
        partition: inPartition - (mine?.labels ?? 0),
        cache: this.totalLabels - inPartition,
      },
    }
  }

  /** The belief about an entry's offset: its partition's without the entry's own message, then its labels. */
  entryOffset(entry: LabelledEntry): Belief {
    const state = this.partitions.get(entry.partition)
    let parent = state?.belief ?? this.unlabelled
    const mine = entry.id === undefined ? undefined : state?.entries.get(entry.id)?.message
    if (state && mine) {
      const without = toMessage(state.prior)
      add(without, state.own, 1)
      add(without, mine, -1)
      parent = toBelief(without)
    }
    return fitOffset(entry.labels, { mean: parent.mean, variance: parent.variance + this.entryVariance }, this.slope)
  }

  /**
   * The lowest threshold of any entry under `delta`, as of the labels this model was built from: how far
   * the matcher must look. Remembered for the last delta (it is a setting, so it rarely changes).
   */
  lowestThreshold(delta: number): number {
    if (this.lowest?.delta === delta) return this.lowest.threshold
    const unlabelledEntry = (b: Belief): Belief => ({ mean: b.mean, variance: b.variance + this.entryVariance })
    let lowest = thresholdFor(unlabelledEntry(this.unlabelled), delta, this.slope)
    for (const state of this.partitions.values()) {
      lowest = Math.min(lowest, thresholdFor(unlabelledEntry(state.belief), delta, this.slope))
      for (const entry of state.entries.values()) lowest = Math.min(lowest, thresholdFor(entry.belief, delta, this.slope))
    }
    this.lowest = { delta, threshold: lowest }
    return lowest
  }
}

// Gaussian messages. A belief N(m, v) is the message (1/v, m/v); multiplying beliefs adds messages.

const toMessage = (belief: Belief): Message => ({ precision: 1 / belief.variance, weighted: belief.mean / belief.variance, labels: 0 })
const toBelief = (message: Message): Belief => ({ mean: message.weighted / message.precision, variance: 1 / message.precision })

function add(target: Message, message: Message, sign: 1 | -1) {
  target.precision += sign * message.precision
  target.weighted += sign * message.weighted
  target.labels += sign * message.labels
}

/** What the labels alone said, in Gaussian form: the fitted belief divided by the prior it was fitted from. */
function site(posterior: Belief, prior: Belief): Message {
  const precision = 1 / posterior.variance - 1 / prior.variance
  // Labels far above every threshold say almost nothing; rounding must not turn that into a claim.
  if (!(precision > 1e-12)) return { precision: 0, weighted: 0, labels: 0 }
  return { precision, weighted: precision * posterior.mean + (posterior.mean - prior.mean) / prior.variance, labels: 0 }
}

/** The message about a parent's offset, from one about a child's offset spread around it with `variance`. */
function widen(message: Message, variance: number, labels: number): Message {
  const shrink = 1 + message.precision * variance
  return { precision: message.precision / shrink, weighted: message.weighted / shrink, labels }
}

/** The belief about a child's offset, from the message about its parent's: the parent's, spread by `variance`. */
function spreadOut(parent: Message, variance: number): Belief {
  return { mean: parent.weighted / parent.precision, variance: 1 / parent.precision + variance }
}
