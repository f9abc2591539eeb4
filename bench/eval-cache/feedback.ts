// The feedback replay of eval:cache (issue 25 point 4): a seeded stream of questions over the labelled pairs
// goes through a simulated cache whose every decision is the proxy's own code — guardAllows, the hit
// judges (FixedThresholdJudge, or WrongRateJudge for CACHE_MAX_WRONG_RATE), refutedFor inside them — while
// the people are simulated: every wrong semantic hit is refuted (the skip word), each right one confirmed
// with some probability. Pure: no clock, no I/O; the same inputs give the same tally.

import { cosine } from '../../src/cache/semantic/embedder'
import { guardAllows } from '../../src/cache/semantic/guard/guard'
import { FixedThresholdJudge, WrongRateJudge, type HitJudge } from '../../src/cache/semantic/hit-judge'
import type { WrongRateOptions } from '../../src/cache/semantic/wrong-rate'
import { INDEX_DISTANCE_SLACK } from '../../src/cache/semantic/vector-index'
import { MAX_LABELS_PER_ENTRY } from '../../src/state/cache-entries'
import type { Candidate, EntryLabel } from '../../src/state/types'
import type { Pair } from './pairs'

/**
 * Which questions are the same: those connected by paraphrase pairs, transitively (a union-find over the
 * texts). Every question of the set gets a class; two questions are the same iff their classes are equal.
 */
export function sameQuestionClasses(pairs: readonly Pair[]): Map<string, number> {
  const parent = new Map<string, string>()
  const root = (text: string): string => {
    let r = text
    while (parent.get(r) !== r) r = parent.get(r)!
    return r
  }
  for (const { a, b } of pairs) for (const t of [a, b]) if (!parent.has(t)) parent.set(t, t)
  for (const { a, b, label } of pairs) if (label === 'same') parent.set(root(a), root(b))
  const ids = new Map<string, number>()
  const classes = new Map<string, number>()
  for (const text of parent.keys()) {
    const r = root(text)
    if (!ids.has(r)) ids.set(r, ids.size)
    classes.set(text, ids.get(r)!)
  }
  return classes
}

/** "different" pairs whose questions paraphrases join: the set contradicts itself there. */
export function contradictions(pairs: readonly Pair[], classes: ReadonlyMap<string, number>): Pair[] {
  return pairs.filter((p) => p.label === 'different' && classes.get(p.a) === classes.get(p.b))
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` questions: each a random side of a random pair. A pair drawn several times brings both its sides
 * in random order, so a paraphrase or a near miss often comes after its partner was stored — the chance to
 * hit, rightly or wrongly — and a side drawn twice is an exact repeat.
 */
export function questionStream(pairs: readonly Pair[], count: number, seed: number): string[] {
  const random = seededRandom(seed)
  const stream: string[] = []
  for (let i = 0; i < count; i++) {
    const pair = pairs[Math.floor(random() * pairs.length)]!
    stream.push(random() < 0.5 ? pair.a : pair.b)
  }
  return stream
}

export type Policy =
  | { kind: 'fixed'; threshold: number }
  /** `estimator`: other constants than the proxy's (wrong-rate.ts), for experiments only. */
  | { kind: 'wrong-rate'; threshold: number; delta: number; estimator?: Omit<WrongRateOptions, 'threshold'> }

export interface ReplayInput {
  stream: readonly string[]
  /** Every question's embedding (unit length). */
  vectors: ReadonlyMap<string, Float32Array>
  /** sameQuestionClasses: the truth a hit is judged by. */
  classes: ReadonlyMap<string, number>
  /** The chance that a right semantic hit is confirmed (POST /v1/cache/feedback "right"). */
  confirm: number
  /** Seeds the draws that decide which right hits are confirmed. */
  seed: number
  /** How many equal slices of the stream are tallied apart, to show learning over time. */
  windows: number
}

export type Outcome =
  | { question: string; kind: 'exact' | 'miss' }
  | { question: string; kind: 'right' | 'wrong'; entry: string; similarity: number }

export interface Tally {
  questions: number
  exact: number
  misses: number
  right: number
  wrong: number
  confirmations: number
}

export interface ReplayResult {
  total: Tally
  windows: Tally[]
  outcomes: Outcome[]
  /** The judge's floor at the end: the lowest similarity at which any entry would answer. */
  floor: number
  /** The cache at the end: each entry's question and labels, in the order they were stored. */
  entries: Array<{ prompt: string; labels: EntryLabel[] }>
}

/** The partition every question of the replay is asked in: one app, one system prompt (see README.md). */
const PARTITION = 'replay'
/** The matcher's first look at the index (matcher.ts SEARCH_WIDTHS[0]); with one partition it never widens. */
const SEARCH_WIDTH = 16

interface Entry extends Candidate {
  prompt: string
  embedding: Float32Array
}

/** Replays `input.stream` through a cache deciding by `policy`. */
export async function replay(input: ReplayInput, policy: Policy): Promise<ReplayResult> {
  const entries: Entry[] = []
  const byText = new Map<string, Entry>()
  const labelled = async () => entries.filter((e) => e.labels.length > 0).map(({ id, partition, labels }) => ({ id, partition, labels: [...labels] }))
  // The proxy refits after every label it adds (answer-cache.ts onLabel); the replay awaits each refit
  // instead of letting it run off the request path, so no decision sees a model older than the last label.
  const learning = policy.kind === 'wrong-rate' ? new WrongRateJudge(policy.delta, { ...policy.estimator, threshold: policy.threshold }, labelled) : undefined
  const judge: HitJudge = learning ?? new FixedThresholdJudge(policy.threshold)
  const confirmRandom = seededRandom(input.seed ^ 0x5bd1e995)
  const windowSize = Math.max(1, Math.ceil(input.stream.length / Math.max(1, input.windows)))
  const windows: Tally[] = []
  const total = emptyTally()
  const outcomes: Outcome[] = []

  const store = (text: string, at: number, embedding: Float32Array) => {
    const entry: Entry = { id: entries.length + 1, partition: PARTITION, prompt: text, embedding, embeddingModel: 'replay', createdAt: at, labels: [] }
    entries.push(entry)
    byText.set(text, entry)
  }
  // As the stores do (addLabel): the newest MAX_LABELS_PER_ENTRY labels are kept.
  const label = async (entry: Entry, added: EntryLabel) => {
    entry.labels.push(added)
    if (entry.labels.length > MAX_LABELS_PER_ENTRY) entry.labels.splice(0, entry.labels.length - MAX_LABELS_PER_ENTRY)
    await learning?.refit()
  }

  try {
    for (const [at, question] of input.stream.entries()) {
      const window = (windows[Math.floor(at / windowSize)] ??= emptyTally())
      const count = (field: keyof Tally) => {
        window[field]++
        total[field]++
      }
      count('questions')
      const embedding = input.vectors.get(question)
      if (!embedding) throw new Error(`no embedding for "${question}"`)
      if (byText.has(question)) {
        count('exact')
        outcomes.push({ question, kind: 'exact' })
        continue
      }
      const hit = lookup(question, embedding, entries, judge)
      if (!hit) {
        count('misses')
        outcomes.push({ question, kind: 'miss' })
        store(question, at, embedding)
        continue
      }
      const same = input.classes.get(question) !== undefined && input.classes.get(question) === input.classes.get(hit.entry.prompt)
      outcomes.push({ question, kind: same ? 'right' : 'wrong', entry: hit.entry.prompt, similarity: hit.similarity })
      if (same) {
        count('right')
        if (confirmRandom() < input.confirm) {
          count('confirmations')
          await label(hit.entry, { verdict: 'right', similarity: hit.similarity, question: embedding, source: 'feedback', at })
        }
      } else {
        // The person asks again with the skip word: a refutation, and the fresh answer is stored as usual.
        count('wrong')
        await label(hit.entry, { verdict: 'wrong', similarity: hit.similarity, question: embedding, source: 'refresh', at })
        store(question, at, embedding)
      }
    }
    return { total, windows, outcomes, floor: judge.floor, entries: entries.map(({ prompt, labels }) => ({ prompt, labels })) }
  } finally {
    learning?.close()
  }
}

/**
 * The semantic lookup of matcher.ts over the replay's entries: the index proposes the SEARCH_WIDTH nearest
 * within the judge's reach; of those, the nearest that the guard lets through and the judge accepts wins.
 */
function lookup(text: string, embedding: Float32Array, entries: readonly Entry[], judge: HitJudge) {
  const reach = 1 - judge.floor + INDEX_DISTANCE_SLACK
  const near = entries
    .map((entry) => ({ entry, similarity: cosine(embedding, entry.embedding) }))
    .sort((x, y) => y.similarity - x.similarity || x.entry.id - y.entry.id)
    .slice(0, SEARCH_WIDTH)
    .filter((n) => 1 - n.similarity <= reach)
  let best: { entry: Entry; similarity: number } | undefined
  for (const { entry, similarity } of near) {
    if (similarity < judge.floor || (best && similarity <= best.similarity)) continue
    if (!guardAllows(text, entry.prompt).ok) continue
    if (judge.judge(embedding, entry, similarity).ok) best = { entry, similarity }
  }
  return best
}

const emptyTally = (): Tally => ({ questions: 0, exact: 0, misses: 0, right: 0, wrong: 0, confirmations: 0 })
