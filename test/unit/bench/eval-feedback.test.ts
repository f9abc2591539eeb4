// The feedback replay of eval:cache (issue 25 point 4, bench/eval-cache/feedback.ts): its truth ("the same
// question" = joined by paraphrases, transitively), its seeded stream, and tiny hand-made caches whose hits
// and refutations can be counted by hand — decided by the proxy's own judges and guard.

import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { target } from '../../../bench/eval-cache/feedback-run'
import { contradictions, questionStream, replay, sameQuestionClasses, seededRandom, type ReplayInput } from '../../../bench/eval-cache/feedback'
import { parsePairs, type Pair } from '../../../bench/eval-cache/pairs'
import { MAX_LABELS_PER_ENTRY } from '../../../src/state/cache-entries'

const pair = (a: string, b: string, label: Pair['label'], kind: Pair['kind'] = label === 'same' ? 'paraphrase' : 'entity'): Pair => ({ a, b, label, kind, lang: 'en' })

/** A unit vector in 4 dimensions from its first three components (the rest made up to length 1). */
function unit(x: number, y: number, z = 0): Float32Array {
  return Float32Array.from([x, y, z, Math.sqrt(Math.max(0, 1 - x * x - y * y - z * z))])
}

async function setPairs() {
  return parsePairs(await Bun.file(join(import.meta.dir, '../../../bench/eval-cache/pairs.jsonl')).text())
}

describe('the same question: joined by paraphrase pairs, transitively', () => {
  test('a ~ b and b ~ c make a and c the same; a near miss of one stays different from all three', () => {
    const classes = sameQuestionClasses([pair('a', 'b', 'same'), pair('c', 'b', 'same'), pair('a', 'd', 'different'), pair('e', 'f', 'same')])
    expect(classes.get('a')).toBe(classes.get('c')!)
    expect(classes.get('b')).toBe(classes.get('a')!)
    expect(classes.get('d')).not.toBe(classes.get('a')!)
    expect(classes.get('e')).toBe(classes.get('f')!)
    expect(classes.get('e')).not.toBe(classes.get('a')!)
    expect(new Set(classes.values()).size).toBe(3)
    // One question in two paraphrase pairs joins both partners.
    const star = sameQuestionClasses([pair('hub', 'x', 'same'), pair('hub', 'y', 'same'), pair('y', 'z', 'same')])
    expect(new Set([...star.values()]).size).toBe(1)
  })

  test('a "different" pair that paraphrases join is a contradiction', () => {
    const pairs = [pair('a', 'b', 'same'), pair('b', 'c', 'same'), pair('a', 'c', 'different'), pair('a', 'd', 'different')]
    expect(contradictions(pairs, sameQuestionClasses(pairs))).toEqual([pairs[2]!])
  })

  test('pairs.jsonl is valid and does not contradict itself', async () => {
    const pairs = await setPairs()
    expect(pairs.length).toBeGreaterThanOrEqual(330)
    expect(contradictions(pairs, sameQuestionClasses(pairs))).toEqual([])
  })
})

describe('the seeded stream', () => {
  test('the same seed gives the same stream; another seed another', async () => {
    const pairs = await setPairs()
    expect(questionStream(pairs, 1000, 7)).toEqual(questionStream(pairs, 1000, 7))
    expect(questionStream(pairs, 1000, 8)).not.toEqual(questionStream(pairs, 1000, 7))
    const random = seededRandom(3)
    const draws = [random(), random(), random()]
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true)
    const again = seededRandom(3)
    expect([again(), again(), again()]).toEqual(draws)
  })

  test('draws the set\'s questions, repeats some, and brings near misses after their partner', async () => {
    const pairs = await setPairs()
    const stream = questionStream(pairs, 1000, 1)
    const questions = new Set(pairs.flatMap((p) => [p.a, p.b]))
    expect(stream).toHaveLength(1000)
    expect(stream.every((q) => questions.has(q))).toBe(true)
    expect(new Set(stream).size).toBeLessThan(800)
    const first = new Map<string, number>()
    stream.forEach((q, i) => first.has(q) || first.set(q, i))
    const met = pairs.filter((p) => p.kind !== 'paraphrase' && first.has(p.a) && first.has(p.b))
    expect(met.length).toBeGreaterThan(80)
  })
})

describe('replay: hand-made caches, counted by hand', () => {
  // Texts the guard lets through against each other (Chinese names outside its place gazetteer); the vectors
  // are made up so that the similarities are known: A·B = 0.9.
  const A = '苹果公司的CEO是谁？'
  const B = '微软公司的CEO是谁？'
  const base = { confirm: 0, seed: 1, windows: 1 }

  test('a wrong neighbour is served once, refuted with its similarity and question, and then stored as its own entry', async () => {
    const vectors = new Map([[A, unit(1, 0)], [B, unit(0.9, Math.sqrt(1 - 0.81))]])
    const classes = new Map([[A, 0], [B, 1]])
    const result = await replay({ ...base, stream: [A, B, B], vectors, classes }, { kind: 'fixed', threshold: 0.8 })
    expect(result.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong', 'exact'])
    expect(result.outcomes[1]).toMatchObject({ entry: A })
    expect(result.total).toMatchObject({ questions: 3, misses: 1, wrong: 1, right: 0, exact: 1, confirmations: 0 })
    expect(result.entries.map((e) => e.prompt)).toEqual([A, B])
    const [label] = result.entries[0]!.labels
    expect(result.entries[0]!.labels).toHaveLength(1)
    expect(label).toMatchObject({ verdict: 'wrong', source: 'refresh', at: 1 })
    expect(label!.similarity!).toBeCloseTo(0.9, 6)
    expect(label!.question).toBe(vectors.get(B)!)
  })

  test('the refuted question\'s paraphrase is not served the refuted entry, even where the fresh answer cannot serve it', async () => {
    // C is B asked another way; the guard keeps it from B (a number only C names) but not from A, and C
    // is nearer to B (0.995) than to A (0.85): without the refutation A would answer it, wrongly.
    const C = '一根香蕉的热量是多少？'
    const [a, b, c] = ['一年有多少天？', '香蕉有多少卡路里？', C]
    const vectors = new Map([[a, unit(1, 0)], [b, unit(0.9, Math.sqrt(1 - 0.81))], [c, unit(0.85, Math.sqrt(1 - 0.85 ** 2))]])
    const classes = new Map([[a, 0], [b, 1], [c, 1]])
    const control = await replay({ ...base, stream: [a, c], vectors, classes }, { kind: 'fixed', threshold: 0.8 })
    expect(control.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong'])

    const result = await replay({ ...base, stream: [a, b, c], vectors, classes }, { kind: 'fixed', threshold: 0.8 })
    expect(result.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong', 'miss'])
    expect(result.total).toMatchObject({ misses: 2, wrong: 1, right: 0 })
  })

  test('a paraphrase of the refuted question is served the fresh answer, not the refuted one', async () => {
    const B2 = '微软的CEO是哪位？'
    const vectors = new Map([[A, unit(1, 0)], [B, unit(0.9, Math.sqrt(1 - 0.81))], [B2, unit(0.88, 0.47, 0)]])
    const classes = new Map([[A, 0], [B, 1], [B2, 1]])
    const result = await replay({ ...base, stream: [A, B, B2], vectors, classes }, { kind: 'fixed', threshold: 0.8 })
    expect(result.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong', 'right'])
    expect(result.outcomes[2]).toMatchObject({ entry: B })
  })

  test('with CACHE_MAX_WRONG_RATE the refuted entry\'s own threshold rises: a neighbour the fixed threshold serves is declined', async () => {
    // D is as near to A as B was (0.85) but far from B (0.445), so the refutation alone does not cover it.
    const D = '谷歌公司的CEO是谁？'
    const vectors = new Map([[A, unit(1, 0)], [B, unit(0.85, Math.sqrt(1 - 0.85 ** 2))], [D, unit(0.85, -Math.sqrt(1 - 0.85 ** 2))]])
    const classes = new Map([[A, 0], [B, 1], [D, 2]])
    const input: ReplayInput = { ...base, stream: [A, B, D], vectors, classes }
    const fixed = await replay(input, { kind: 'fixed', threshold: 0.8 })
    expect(fixed.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong', 'wrong'])

    const learning = await replay(input, { kind: 'wrong-rate', threshold: 0.8, delta: 0.02 })
    expect(learning.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong', 'miss'])
    // Unlabelled, δ = 0.02 is today's threshold: the same neighbour is served before any refutation.
    const before = await replay({ ...input, stream: [A, D] }, { kind: 'wrong-rate', threshold: 0.8, delta: 0.02 })
    expect(before.outcomes.map((o) => o.kind)).toEqual(['miss', 'wrong'])
  })

  test("a refutation moves its partition at the refit: an unlabelled entry's neighbour just above the fixed threshold is declined", async () => {
    // One refutation at 0.85 raises an unlabelled entry's threshold in the same partition to about 0.82
    // (docs/wrong-hits.md): F, E asked another way at 0.81, is then a miss; the fixed threshold serves it.
    const E = '日本的首都是哪里？'
    const F = '日本首都是哪个城市？'
    const basis = (values: Record<number, number>) => Float32Array.from({ length: 6 }, (_, i) => values[i] ?? 0)
    const vectors = new Map([
      [A, basis({ 0: 1 })],
      [B, basis({ 0: 0.85, 1: Math.sqrt(1 - 0.85 ** 2) })],
      [E, basis({ 2: 1 })],
      [F, basis({ 2: 0.81, 3: Math.sqrt(1 - 0.81 ** 2) })],
    ])
    const classes = new Map([[A, 0], [B, 1], [E, 2], [F, 2]])
    const input: ReplayInput = { ...base, stream: [A, E, F], vectors, classes }
    expect((await replay(input, { kind: 'wrong-rate', threshold: 0.8, delta: 0.02 })).outcomes.map((o) => o.kind)).toEqual(['miss', 'miss', 'right'])
    const refuted = { ...input, stream: [A, E, B, F] }
    expect((await replay(refuted, { kind: 'fixed', threshold: 0.8 })).outcomes.map((o) => o.kind)).toEqual(['miss', 'miss', 'wrong', 'right'])
    expect((await replay(refuted, { kind: 'wrong-rate', threshold: 0.8, delta: 0.02 })).outcomes.map((o) => o.kind)).toEqual(['miss', 'miss', 'wrong', 'miss'])
  })

  test('right hits are confirmed with the given probability, and an entry keeps its newest labels only', async () => {
    // 40 questions around A, each 0.894 from it and 0.8 from one another: every one is A's nearest.
    const dims = 48
    const around = (i: number) => {
      const v = new Float32Array(dims)
      v[0] = 1
      v[i + 1] = 0.5
      return v.map((x) => x / Math.sqrt(1.25))
    }
    const hub = new Float32Array(dims)
    hub[0] = 1
    const texts = Array.from({ length: 40 }, (_, i) => `什么是第${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯'[Math.floor(i / 10)]}项？`)
    const hubText = '什么是那项？'
    const vectors = new Map<string, Float32Array>([[hubText, hub], ...texts.map((t, i): [string, Float32Array] => [t, around(i)])])
    const same = new Map([[hubText, 0], ...texts.map((t): [string, number] => [t, 0])])
    const confirmed = await replay({ ...base, confirm: 1, stream: [hubText, ...texts], vectors, classes: same }, { kind: 'fixed', threshold: 0.8 })
    expect(confirmed.total).toMatchObject({ right: 40, confirmations: 40, wrong: 0 })
    const labels = confirmed.entries[0]!.labels
    expect(labels).toHaveLength(MAX_LABELS_PER_ENTRY)
    expect(labels.every((l) => l.verdict === 'right' && l.source === 'feedback')).toBe(true)
    expect(labels.map((l) => l.at)).toEqual(Array.from({ length: MAX_LABELS_PER_ENTRY }, (_, i) => 40 - MAX_LABELS_PER_ENTRY + 1 + i))

    const never = await replay({ ...base, confirm: 0, stream: [hubText, ...texts], vectors, classes: same }, { kind: 'fixed', threshold: 0.8 })
    expect(never.total).toMatchObject({ right: 40, confirmations: 0 })
  })

  test('windows tally slices of the stream; exact repeats are not semantic decisions', async () => {
    const vectors = new Map([[A, unit(1, 0)], [B, unit(0.5, Math.sqrt(0.75))]])
    const classes = new Map([[A, 0], [B, 1]])
    const result = await replay({ ...base, windows: 2, stream: [A, B, A, B], vectors, classes }, { kind: 'fixed', threshold: 0.8 })
    expect(result.windows).toEqual([
      { questions: 2, exact: 0, misses: 2, right: 0, wrong: 0, confirmations: 0 },
      { questions: 2, exact: 2, misses: 0, right: 0, wrong: 0, confirmations: 0 },
    ])
  })
})

describe("the report's target (issue 25: at δ = 0.02, wrong hits ≤ 2% of hits, right hits ≥ the fixed threshold's)", () => {
  const tally = (right: number, wrong: number) => ({ questions: 1000, exact: 0, misses: 0, right, wrong, confirmations: 0 })
  test('holds only when both parts do', () => {
    expect(target(tally(40, 4), tally(49, 1)).holds).toBe(true)
    expect(target(tally(40, 4), tally(40, 0)).holds).toBe(true)
    expect(target(tally(40, 4), tally(48, 2)).holds).toBe(false)
    expect(target(tally(40, 4), tally(39, 0)).holds).toBe(false)
  })
})
