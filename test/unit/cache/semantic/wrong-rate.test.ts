import { describe, expect, test } from 'bun:test'
import { BASE_WRONG_RATE, WRONG_RATE_SLOPE, WrongRateModel, type LabelledEntry } from '../../../../src/cache/semantic/wrong-rate'
import { fitOffset, thresholdFor, wrongProbability, type Belief } from '../../../../src/cache/semantic/wrong-rate-fit'
import type { EntryLabel } from '../../../../src/state/types'

// Fixed labels with a fixed clock: the estimate is a pure function of them.
const AT = Date.UTC(2026, 0, 1)
const T = 0.8
const P0 = BASE_WRONG_RATE
const label = (verdict: 'wrong' | 'right', similarity: number | null): EntryLabel => ({ verdict, similarity, source: 'feedback', at: AT })
const wrong = (s: number) => label('wrong', s)
const right = (s: number) => label('right', s)
const times = <Item,>(n: number, make: (i: number) => Item): Item[] => Array.from({ length: n }, (_, i) => make(i))
const model = (labelled: Array<{ id: number; partition: string; labels: EntryLabel[] }> = [], threshold = T) =>
  new WrongRateModel(labelled, { threshold })
const thresholdOf = (m: WrongRateModel, entry: LabelledEntry, delta = P0) => m.estimate(entry, T, delta).threshold

/** The log-posterior fitOffset maximises, written out independently (log σ computed without overflow). */
function logPosterior(a: number, labels: EntryLabel[], prior: Belief, slope: number): number {
  const logSigmoid = (z: number) => (z > 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z)))
  let sum = -((a - prior.mean) ** 2) / (2 * prior.variance)
  for (const l of labels) {
    if (l.similarity === null || !Number.isFinite(l.similarity)) continue
    const z = a - slope * l.similarity
    sum += l.verdict === 'wrong' ? logSigmoid(z) : logSigmoid(-z)
  }
  return sum
}

/** The maximiser by brute force: a grid over a wide range, then finer grids around the best point. */
function gridMode(labels: EntryLabel[], prior: Belief, slope: number): number {
  let best = prior.mean
  let step = 0.01
  let from = prior.mean - 60
  let count = 12_000
  while (step > 1e-10) {
    let bestValue = -Infinity
    for (let i = 0; i <= count; i++) {
      const a = from + i * step
      const value = logPosterior(a, labels, prior, slope)
      if (value > bestValue) [best, bestValue] = [a, value]
    }
    from = best - 2 * step
    step /= 50
    count = 200
  }
  return best
}

/** E[σ(y + sd·ξ)], ξ ~ N(0, 1), by Simpson's rule on a fine grid: an independent check of the estimate's average. */
function averageSigmoid(y: number, variance: number): number {
  const n = 24_000
  const h = 24 / n
  let sum = 0
  for (let i = 0; i <= n; i++) {
    const x = -12 + i * h
    const f = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI) / (1 + Math.exp(-(y + Math.sqrt(variance) * x)))
    sum += f * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2)
  }
  return (sum * h) / 3
}

describe('wrong-rate estimate: no labels is today’s fixed threshold', () => {
  // At 0.81 and 0.823 the anchor's rounding puts the computed threshold an ulp above the setting.
  test.each([0.6, 0.75, 0.8, 0.81, 0.823, 0.9])('threshold %p: at δ = p0 an entry answers exactly the similarities ≥ it', (threshold) => {
    const m = model([], threshold)
    const entry = { id: 1, partition: 'p', labels: [] }
    expect(thresholdOf(m, entry)).toBeCloseTo(threshold, 12)
    for (const s of [threshold - 0.1, threshold - 1e-6, threshold, threshold + 1e-6, threshold + 0.1, 1]) {
      expect(m.estimate(entry, s, P0).serve).toBe(s >= threshold)
    }
    expect(m.estimate(entry, threshold, P0).pWrong).toBeCloseTo(P0, 12)
    expect(m.estimate(entry, threshold, P0).evidence).toEqual({ own: 0, partition: 0, cache: 0 })
  })

  test('δ below p0 is stricter, above it looser, in order', () => {
    const m = model()
    const entry = { partition: 'p', labels: [] }
    const thresholds = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3].map((delta) => thresholdOf(m, entry, delta))
    for (let i = 1; i < thresholds.length; i++) expect(thresholds[i]!).toBeLessThan(thresholds[i - 1]!)
    expect(thresholds[2]!).toBeGreaterThan(T + 0.01) // δ = 0.01
    expect(thresholds[4]!).toBeLessThan(T - 0.01) // δ = 0.05
    expect(thresholdOf(m, entry, 0)).toBe(Infinity) // δ = 0: nothing but exact hits
  })

  test('a partition or entry the model has never seen starts from the same place', () => {
    const m = model([{ id: 1, partition: 'p', labels: [wrong(0.85)] }])
    expect(thresholdOf(m, { id: 99, partition: 'elsewhere', labels: [] })).toBeGreaterThan(T) // the cache learnt a little
    expect(thresholdOf(m, { id: 99, partition: 'elsewhere', labels: [] })).toBeLessThan(T + 0.01)
  })
})

describe('wrong-rate estimate: labels move the entry, its partition a little, the cache less', () => {
  test.each([0.8, 0.82, 0.85, 0.88])('a wrong label at %p raises the entry’s threshold above it; a neighbour moves a little', (s) => {
    const m = model([{ id: 1, partition: 'p', labels: [wrong(s)] }])
    const entry = thresholdOf(m, { id: 1, partition: 'p', labels: [wrong(s)] })
    const neighbour = thresholdOf(m, { id: 2, partition: 'p', labels: [] })
    const stranger = thresholdOf(m, { id: 3, partition: 'q', labels: [] })
    expect(entry).toBeGreaterThan(s)
    expect(neighbour).toBeGreaterThan(T)
    expect(neighbour - T).toBeLessThan(0.25 * (entry - T))
    expect(stranger).toBeGreaterThan(T)
    expect(stranger - T).toBeLessThan(0.5 * (neighbour - T))
  })

  test('a wrong label where the entry answered (P ≤ δ there) never lowers its threshold; a right one never raises it', () => {
    const m = model()
    const base = thresholdOf(m, { partition: 'p', labels: [] })
    for (let s = base; s <= 1; s += 0.01) {
      expect(thresholdOf(m, { partition: 'p', labels: [wrong(s)] })).toBeGreaterThan(base)
      expect(thresholdOf(m, { partition: 'p', labels: [right(s)] })).toBeLessThanOrEqual(base)
    }
  })

  test.each([0.7, 0.75, 0.78])('confirmations at %p lower the entry’s threshold toward it, more with more of them', (s) => {
    const m = model()
    const thresholds = [0, 1, 3, 10, 32].map((n) => thresholdOf(m, { partition: 'p', labels: times(n, () => right(s)) }))
    expect(thresholds[0]!).toBeCloseTo(T, 12)
    for (let i = 1; i < thresholds.length; i++) expect(thresholds[i]!).toBeLessThan(thresholds[i - 1]!)
    expect(thresholds.at(-1)!).toBeGreaterThan(s - 0.02) // they say little about similarities far below s
  })

  test('many labels in a partition move its unlabelled entries, much less those of another partition', () => {
    const refuted = times(20, (i) => ({ id: i + 1, partition: 'p', labels: [wrong(0.82)] }))
    const m = model(refuted)
    const neighbour = thresholdOf(m, { id: 100, partition: 'p', labels: [] })
    const stranger = thresholdOf(m, { id: 101, partition: 'q', labels: [] })
    expect(neighbour).toBeGreaterThan(0.9)
    expect(stranger - T).toBeLessThan(0.3 * (neighbour - T))
    expect(m.partitionOffset('p').mean).toBeGreaterThan(m.partitionOffset('q').mean)

    const confirmed = times(100, (i) => ({ id: i + 1, partition: 'p', labels: [right(0.79), right(0.8), right(0.81)] }))
    const n = model(confirmed)
    const looser = thresholdOf(n, { id: 200, partition: 'p', labels: [] })
    expect(looser).toBeLessThan(T - 0.01)
    expect(T - thresholdOf(n, { id: 201, partition: 'q', labels: [] })).toBeLessThan(0.3 * (T - looser))
  })

  test('one entry judged 32 times moves its partition less than 32 entries judged once', () => {
    const chatty = model([{ id: 1, partition: 'p', labels: times(32, () => wrong(0.82)) }])
    const many = model(times(32, (i) => ({ id: i + 1, partition: 'p', labels: [wrong(0.82)] })))
    const neighbour = (m: WrongRateModel) => thresholdOf(m, { id: 100, partition: 'p', labels: [] })
    expect(neighbour(chatty) - T).toBeLessThan(0.5 * (neighbour(many) - T))
  })

  test('a label counts once: an entry’s own message is taken out of its partition and cache', () => {
    const labels = [wrong(0.83), right(0.86), right(0.9)]
    const known = model([{ id: 7, partition: 'p', labels }])
    const alone = model()
    const withId = known.estimate({ id: 7, partition: 'p', labels }, 0.85, P0)
    const fresh = alone.estimate({ partition: 'p', labels }, 0.85, P0)
    expect(withId.threshold).toBeCloseTo(fresh.threshold, 9)
    expect(withId.pWrong).toBeCloseTo(fresh.pWrong, 9)
    // Without its id the model cannot tell the labels are the entry's own, and counts them twice.
    expect(known.estimate({ partition: 'p', labels }, 0.85, P0).threshold).toBeGreaterThan(withId.threshold + 0.005)
  })

  test('evidence counts the labels with a similarity: own, the partition’s other entries, the other partitions', () => {
    const m = model([
      { id: 1, partition: 'p', labels: [wrong(0.85), right(0.9), label('wrong', null)] },
      { id: 2, partition: 'p', labels: [right(0.82)] },
      { id: 3, partition: 'q', labels: [right(0.81), right(0.83), right(0.95)] },
      { id: 4, partition: 'q', labels: [label('right', null)] },
    ])
    expect(m.estimate({ id: 1, partition: 'p', labels: [wrong(0.85), right(0.9), label('wrong', null)] }, 0.9, P0).evidence).toEqual({ own: 2, partition: 1, cache: 3 })
    expect(m.estimate({ id: 9, partition: 'q', labels: [] }, 0.9, P0).evidence).toEqual({ own: 0, partition: 3, cache: 3 })
    expect(m.estimate({ id: 9, partition: 'r', labels: [] }, 0.9, P0).evidence).toEqual({ own: 0, partition: 0, cache: 6 })
  })

  test('labels without a similarity (the entry judged as a whole) and out-of-range ones are not evidence', () => {
    const m = model()
    const plain = thresholdOf(m, { partition: 'p', labels: [] })
    const ignored = [label('wrong', null), label('right', null), right(Number.NaN), wrong(Infinity), wrong(1.5)]
    expect(thresholdOf(m, { partition: 'p', labels: ignored })).toBe(plain)
    expect(model([{ id: 1, partition: 'p', labels: ignored }]).partitionOffset('p')).toEqual(m.partitionOffset('p'))
  })
})

describe('wrong-rate estimate: the decision', () => {
  const entries: Array<[string, EntryLabel[]]> = [
    ['none', []],
    ['refuted', [wrong(0.84)]],
    ['confirmed', times(6, (i) => right(0.78 + i * 0.01))],
    ['mixed', [wrong(0.9), right(0.85), right(0.82), wrong(0.81), right(0.95)]],
  ]

  test.each(entries)('%s: the chance of a wrong answer falls as similarity rises; serving follows the threshold', (_, labels) => {
    const m = model([{ id: 1, partition: 'p', labels }])
    const entry = { id: 1, partition: 'p', labels }
    for (const delta of [0.01, 0.02, 0.05]) {
      let previous = Infinity
      const threshold = m.estimate(entry, 0, delta).threshold
      for (let s = 0; s <= 1.0000001; s += 0.005) {
        const estimate = m.estimate(entry, s, delta)
        expect(estimate.pWrong).toBeLessThan(previous)
        previous = estimate.pWrong
        if (Math.abs(s - threshold) > 1e-6) expect(estimate.serve).toBe(estimate.pWrong <= delta)
        expect(estimate.serve).toBe(s >= threshold - 1e-9)
      }
      if (threshold <= 1) expect(m.estimate(entry, threshold, delta).pWrong).toBeCloseTo(delta, 10)
    }
  })

  test('lowestThreshold is the lowest of every entry’s, and of an unlabelled entry’s', () => {
    const labelled = [
      { id: 1, partition: 'p', labels: times(10, () => right(0.75)) },
      { id: 2, partition: 'p', labels: [wrong(0.85)] },
      { id: 3, partition: 'q', labels: [right(0.8)] },
    ]
    const m = model(labelled)
    const all = [...labelled, { id: 9, partition: 'p', labels: [] }, { id: 9, partition: 'r', labels: [] }].map((e) => thresholdOf(m, e))
    expect(m.lowestThreshold(P0)).toBe(Math.min(...all))
    expect(m.lowestThreshold(P0)).toBe(thresholdOf(m, labelled[0]!))
    expect(m.lowestThreshold(0.05)).toBeLessThan(m.lowestThreshold(P0))
    expect(model().lowestThreshold(P0)).toBeCloseTo(T, 12)
  })

  test('the same labels give the same estimate, and are not changed', () => {
    const labelled = [{ id: 1, partition: 'p', labels: Object.freeze([wrong(0.83), right(0.9)]) as EntryLabel[] }]
    const a = model(labelled).estimate(labelled[0]!, 0.86, P0)
    const b = model(labelled).estimate(labelled[0]!, 0.86, P0)
    expect(a).toEqual(b)
  })

  test('options out of range are refused', () => {
    expect(() => new WrongRateModel([], { threshold: 1.2 })).toThrow(RangeError)
    expect(() => new WrongRateModel([], { threshold: T, baseRate: 0 })).toThrow(RangeError)
    expect(() => new WrongRateModel([], { threshold: T, spread: { cache: 0, partition: 0.02, entry: 0.05 } })).toThrow(RangeError)
  })
})

describe('wrong-rate arithmetic', () => {
  const b = WRONG_RATE_SLOPE
  const prior: Belief = { mean: 26, variance: 4.8 }
  const cases: Array<[string, EntryLabel[], Belief]> = [
    ['one wrong', [wrong(0.85)], prior],
    ['one right', [right(0.8)], prior],
    ['mixed', [wrong(0.9), right(0.85), right(0.82), wrong(0.81), right(0.95)], prior],
    ['all wrong, 32 at one similarity', times(32, () => wrong(0.82)), prior],
    ['all right, 32 at one similarity', times(32, () => right(0.82)), prior],
    ['32 wrong at s = 1', times(32, () => wrong(1)), prior],
    ['32 right at s = 0', times(32, () => right(0)), prior],
    ['32 wrong at s = 0', times(32, () => wrong(0)), prior],
    ['32 right at s = 1', times(32, () => right(1)), prior],
    ['wrong at 1, right at 0 (against the curve)', [wrong(1), right(0)], prior],
    ['spread out', times(32, (i) => (i % 5 === 0 ? wrong(0.7 + i * 0.009) : right(0.7 + i * 0.009))), prior],
    ['narrow prior', [wrong(0.85), wrong(0.9)], { mean: 30, variance: 0.01 }],
    ['wide prior', [wrong(0.85), right(0.99)], { mean: 20, variance: 400 }],
  ]

  test.each(cases)('%s: the MAP fit matches a brute-force grid search within 1e-6', (_, labels, p) => {
    const fit = fitOffset(labels, p, b)
    expect(Number.isFinite(fit.mean) && fit.variance > 0 && fit.variance <= p.variance).toBe(true)
    expect(Math.abs(fit.mean - gridMode(labels, p, b))).toBeLessThan(1e-6)
  })

  test.each(cases)('%s: the estimate stays finite and in range', (_, labels) => {
    const m = model([{ id: 1, partition: 'p', labels }])
    for (const s of [0, 0.5, T, 1]) {
      const estimate = m.estimate({ id: 1, partition: 'p', labels }, s, P0)
      expect(estimate.pWrong).toBeGreaterThanOrEqual(0)
      expect(estimate.pWrong).toBeLessThanOrEqual(1)
      expect(Number.isFinite(estimate.threshold)).toBe(true)
    }
  })

  test('the chance of a wrong answer is the logistic averaged over the belief (checked by Simpson’s rule)', () => {
    for (const belief of [{ mean: 26, variance: 4.8 }, { mean: 30, variance: 0.3 }, { mean: 20, variance: 15 }]) {
      for (const s of [0.5, 0.65, 0.75, 0.8, 0.9]) {
        const expected = averageSigmoid(belief.mean - b * s, belief.variance)
        expect(Math.abs(wrongProbability(belief, s, b) - expected)).toBeLessThan(1e-9 + 1e-6 * expected)
      }
      for (const delta of [0.001, 0.02, 0.5, 0.9]) {
        const t = thresholdFor(belief, delta, b)
        expect(averageSigmoid(belief.mean - b * t, belief.variance)).toBeCloseTo(delta, 9)
      }
    }
    // Without uncertainty it is the curve itself; with it, a small chance is larger than the curve at the mean.
    expect(wrongProbability({ mean: 26, variance: 0 }, T, b)).toBeCloseTo(1 / (1 + Math.exp(-(26 - b * T))), 15)
    expect(wrongProbability({ mean: 26, variance: 4.8 }, T, b)).toBeGreaterThan(wrongProbability({ mean: 26, variance: 0 }, T, b))
  })
})
