// eval:cache --feedback — the feedback replay (feedback.ts) for the fixed threshold and for each δ of
// CACHE_MAX_WRONG_RATE, printed as a markdown table: hits and wrong hits per 1,000 questions over time.
//
//   bun run eval:cache -- --feedback [--questions 1000] [--seed 1 | --seed 1-10] [--confirm 0.3] [--threshold 0.8]
//                                    [--deltas 0.01,0.02,0.05] [--windows 4] [--embeddings standin|upstream] [--list]
//
// The stand-in embedder always runs; text-embedding-3-small (or EMBEDDING_MODEL) too when a key is set,
// with the vectors run.ts caches on disk.

import type { WrongRateOptions } from '../../src/cache/semantic/wrong-rate'
import { standin, upstream, type Source } from './embeddings'
import { contradictions, questionStream, replay, sameQuestionClasses, type Outcome, type Policy, type ReplayResult, type Tally } from './feedback'
import { fail, loadPairs, type Pair } from './pairs'

interface Options {
  questions: number
  /** One seed, or a range whose replays are added up (the table then sums them). */
  seeds: number[]
  confirm: number
  threshold: number
  deltas: number[]
  windows: number
  /** undefined: the stand-in, and upstream too when a key is set. */
  only?: 'standin' | 'upstream'
  list: boolean
  /** Other constants for the estimator than the proxy's: experiments only. */
  estimator: Omit<WrongRateOptions, 'threshold'>
}

const USAGE = `usage: bun run bench/eval-cache/run.ts --feedback [options]
  --questions N          questions in the stream (default 1000)
  --seed S | --seed A-B  the stream's seed; a range adds up the replays of every seed in it (default 1)
  --confirm P            chance that a right hit is confirmed (default 0.3); every wrong hit is refuted
  --threshold T          CACHE_SIMILARITY_THRESHOLD (default 0.8)
  --deltas D1,D2,...     CACHE_MAX_WRONG_RATE values to replay (default 0.01,0.02,0.05)
  --windows K            slices of the stream tallied apart (default 4)
  --embeddings E         standin or upstream only (default: stand-in, and upstream too when a key is set)
  --list                 list every wrong hit (question <= entry answered, similarity)
  --slope B, --spread E,P,C   the estimator's constants instead of src/'s (experiments only)`

function parseArgs(argv: string[]): Options {
  const options: Options = { questions: 1000, seeds: [1], confirm: 0.3, threshold: 0.8, deltas: [0.01, 0.02, 0.05], windows: 4, list: false, estimator: {} }
  const number = (flag: string, text: string, ok: (n: number) => boolean, expected: string) => {
    const n = Number(text.trim())
    if (!text.trim() || !Number.isFinite(n) || !ok(n)) fail(`bad ${flag} "${text}": expected ${expected}`)
    return n
  }
  const whole = (max: number) => (n: number) => Number.isInteger(n) && n >= 0 && n <= max
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`)
    if (flag === '--questions') options.questions = number(flag, value(), (n) => whole(1e6)(n) && n >= 1, 'a whole number from 1 to 1000000')
    else if (flag === '--seed') {
      const [from, to = from] = value().split('-').map((s) => number(flag, s, whole(2 ** 32 - 1), 'a seed (0 to 2^32 - 1) or a range of seeds A-B'))
      if (to! < from! || to! - from! >= 1000) fail(`bad --seed range ${from}-${to}: at most 1000 seeds, in order`)
      options.seeds = Array.from({ length: to! - from! + 1 }, (_, k) => from! + k)
    } else if (flag === '--confirm') options.confirm = number(flag, value(), (n) => n >= 0 && n <= 1, 'a probability in [0, 1]')
    else if (flag === '--threshold') options.threshold = number(flag, value(), (n) => n > -1 && n < 1, 'a similarity in (-1, 1)')
    else if (flag === '--windows') options.windows = number(flag, value(), (n) => whole(100)(n) && n >= 1, 'a whole number from 1 to 100')
    else if (flag === '--deltas') options.deltas = value().split(',').map((s) => number(flag, s, (n) => n > 0 && n < 1, 'rates in (0, 1)'))
    else if (flag === '--slope') options.estimator.slope = number(flag, value(), (n) => n > 0, 'a positive number')
    else if (flag === '--spread') {
      const [entry, partition, cache] = value().split(',').map((s) => number(flag, s, (n) => n > 0 && n < 1, 'three similarities in (0, 1): entry,partition,cache'))
      if (cache === undefined) fail('--spread needs three values: entry,partition,cache')
      options.estimator.spread = { entry: entry!, partition: partition!, cache }
    } else if (flag === '--embeddings') {
      const v = value()
      if (v !== 'upstream' && v !== 'standin') fail(`--embeddings must be upstream or standin, not "${v}"`)
      options.only = v
    } else if (flag === '--list') options.list = true
    else if (flag === '--' || flag === '--feedback') continue
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else fail(`unknown argument "${argv[i]}" for --feedback (try --feedback --help)`)
  }
  return options
}

/** One policy's replays, added up over the seeds. */
interface Row {
  name: string
  total: Tally
  windows: Tally[]
  /** The judge's floor at the end of each seed's replay. */
  floors: number[]
  /** Each seed's total, for the target per seed. */
  perSeed: Tally[]
  /** Wrong hits, "question <= entry (similarity)", and how often. */
  wrong: Map<string, number>
}

const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`)
const hits = (t: Tally) => t.right + t.wrong

/** Per 1,000 questions, so windows of any size compare with each other and with the total. */
const per1000 = (n: number, t: Tally) => (t.questions === 0 ? '-' : ((1000 * n) / t.questions).toFixed(0))

function add(into: Tally, t: Tally) {
  for (const field of Object.keys(t) as Array<keyof Tally>) into[field] += t[field]
}

function addUp(name: string, results: ReplayResult[]): Row {
  const zero = (): Tally => ({ questions: 0, exact: 0, misses: 0, right: 0, wrong: 0, confirmations: 0 })
  const row: Row = { name, total: zero(), windows: [], floors: [], perSeed: [], wrong: new Map() }
  for (const result of results) {
    add(row.total, result.total)
    result.windows.forEach((w, i) => add((row.windows[i] ??= zero()), w))
    row.floors.push(result.floor)
    row.perSeed.push(result.total)
    for (const o of result.outcomes as Outcome[]) {
      if (o.kind !== 'wrong') continue
      const line = `${o.question}  <=  ${o.entry}  (${o.similarity.toFixed(3)})`
      row.wrong.set(line, (row.wrong.get(line) ?? 0) + 1)
    }
  }
  return row
}

export function table(rows: Row[]): string[] {
  let first = 1
  const spans = rows[0]!.windows.map((w) => {
    const size = w.questions / rows[0]!.floors.length
    const span = `${first}–${first + size - 1}`
    first += size
    return span
  })
  const head = ['policy', ...spans.map((s) => `q ${s}`), 'hits', 'right', 'wrong', 'wrong % of hits', 'exact hits', 'misses', 'confirmed', 'floor at end']
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`]
  for (const row of rows) {
    const t = row.total
    const floor = row.floors.reduce((x, y) => x + y, 0) / row.floors.length
    const cells = [
      row.name,
      ...row.windows.map((w) => `${per1000(hits(w), w)} / ${per1000(w.wrong, w)}`),
      String(hits(t)),
      String(t.right),
      String(t.wrong),
      pct(t.wrong, hits(t)),
      String(t.exact),
      String(t.misses),
      String(t.confirmations),
      `${floor.toFixed(3)}${row.floors.length > 1 ? ' (mean)' : ''}`,
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines
}

/** Issue 25's target: at δ = 0.02, wrong hits ≤ 2% of hits, with at least as many right hits as the fixed threshold. */
export function target(fixed: Tally, strict: Tally): { holds: boolean; because: string } {
  const rate = hits(strict) === 0 ? 0 : strict.wrong / hits(strict)
  const enough = strict.right >= fixed.right
  const because =
    `wrong hits ${pct(strict.wrong, hits(strict))} of hits (${rate <= 0.02 ? '≤' : '>'} 2%), ` +
    `${strict.right} right hits against the fixed threshold's ${fixed.right} (${enough ? 'at least as many' : 'fewer'})`
  return { holds: rate <= 0.02 && enough, because }
}

async function replayOn(source: Source, pairs: Pair[], options: Options, label: string) {
  const classes = sameQuestionClasses(pairs)
  const vectors = await source.embed([...classes.keys()])
  const policies: Array<[string, Policy]> = [
    [`fixed ${options.threshold.toFixed(2)}`, { kind: 'fixed', threshold: options.threshold }],
    ...options.deltas.map((delta): [string, Policy] => [`δ = ${delta}`, { kind: 'wrong-rate', threshold: options.threshold, delta, estimator: options.estimator }]),
  ]
  const results: ReplayResult[][] = policies.map(() => [])
  const distinct: number[] = []
  for (const seed of options.seeds) {
    const stream = questionStream(pairs, options.questions, seed)
    distinct.push(new Set(stream).size)
    const input = { stream, vectors, classes, confirm: options.confirm, seed, windows: options.windows }
    for (const [i, [, policy]] of policies.entries()) results[i]!.push(await replay(input, policy))
  }
  const rows = policies.map(([name], i) => addUp(name, results[i]!))

  const seeds = options.seeds.length === 1 ? `seed ${options.seeds[0]}` : `seeds ${options.seeds[0]}–${options.seeds.at(-1)}, added up`
  const experiment = options.estimator.slope || options.estimator.spread ? ` Estimator constants changed: ${JSON.stringify(options.estimator)}.` : ''
  console.log(`\n### ${label}: ${source.description}\n`)
  console.log(
    `${options.questions} questions a replay (${seeds}; ${Math.round(distinct.reduce((x, y) => x + y, 0) / distinct.length)} distinct of ${classes.size} on average), ` +
      `one partition, every wrong hit refuted, right hits confirmed with probability ${options.confirm}.${experiment} ` +
      `Window columns: semantic hits / wrong hits per 1,000 questions; exact hits are not semantic decisions.\n`
  )
  for (const line of table(rows)) console.log(line)
  const strict = rows.find((r) => r.name === 'δ = 0.02')
  if (!strict) console.log('\nTarget: not checked (δ = 0.02 is not in --deltas).')
  else {
    const verdict = target(rows[0]!.total, strict.total)
    const held = strict.perSeed.filter((t, i) => target(rows[0]!.perSeed[i]!, t).holds).length
    const bySeed = options.seeds.length > 1 ? ` It holds on ${held} of ${options.seeds.length} seeds.` : ''
    console.log(`\nTarget (δ = 0.02: wrong hits ≤ 2% of hits, right hits ≥ fixed ${options.threshold.toFixed(2)}'s): ${verdict.holds ? 'HOLDS' : 'DOES NOT HOLD'} — ${verdict.because}.${bySeed}`)
  }
  if (options.list) {
    for (const row of rows) {
      console.log(`\nWrong hits, ${row.name}:`)
      for (const [line, n] of [...row.wrong].sort((x, y) => y[1] - x[1])) console.log(`  ${n > 1 ? `${n}× ` : ''}${line}`)
    }
  }
}

export async function runFeedback(argv: string[]) {
  const options = parseArgs(argv)
  const pairs = await loadPairs()
  const classes = sameQuestionClasses(pairs)
  const broken = contradictions(pairs, classes)
  if (broken.length > 0) fail(`pairs.jsonl contradicts itself: paraphrases join "${broken[0]!.a}" and "${broken[0]!.b}", labelled different`)
  const env = process.env
  const hasKey = Boolean(env.EMBEDDING_KEY || env.OPENAI_KEY || env.OPENAI_API_KEY)
  console.log(`eval:cache --feedback — ${pairs.length} labelled pairs, ${classes.size} questions, threshold ${options.threshold}, δ = ${options.deltas.join(', ')}`)
  if (options.only !== 'upstream') await replayOn(standin(), pairs, options, 'stand-in embedder')
  if (options.only === 'upstream' || (hasKey && options.only !== 'standin')) await replayOn(upstream(), pairs, options, 'upstream embeddings')
  else console.log(`\n### upstream embeddings (${env.EMBEDDING_MODEL || 'text-embedding-3-small'}): not run: ${hasKey ? '--embeddings standin' : 'no key'}`)
}
