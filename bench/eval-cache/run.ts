// eval:cache — how well the semantic matcher tells paraphrases from near misses, on a labelled set.
//
//   bun run bench/eval-cache/run.ts [--thresholds 0.70,0.75,...] [--embeddings upstream|standin] [--list]
//   bun run bench/eval-cache/run.ts --feedback [...]   the feedback replay instead (feedback-run.ts)
//
// A pair "hits" when cosine(emb(a), emb(b)) >= threshold AND guardAllows(a, b).ok, exactly as the cache
// decides. The per-threshold table depends on the embedding model; the guard-alone table does not.
// Upstream vectors are kept in bench/eval-cache/.embeddings-<model>.json, so a re-run costs nothing.

import { guardAllows, type GuardReason } from '../../src/cache/semantic/guard/guard'
import { standin, upstream } from './embeddings'
import { runFeedback } from './feedback-run'
import { fail, KINDS, loadPairs, NEGATIVE_KINDS, type Kind, type Pair } from './pairs'

interface Options {
  thresholds: number[]
  source: 'upstream' | 'standin'
  list: boolean
}

function parseArgs(argv: string[]): Options {
  const env = process.env
  const hasKey = Boolean(env.EMBEDDING_KEY || env.OPENAI_KEY || env.OPENAI_API_KEY)
  const options: Options = { thresholds: [], source: hasKey ? 'upstream' : 'standin', list: false }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined]
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`)
    if (flag === '--thresholds') {
      options.thresholds = value()
        .split(',')
        .map((s) => {
          const t = Number(s.trim())
          if (!s.trim() || !Number.isFinite(t) || t < -1 || t > 1) fail(`bad threshold "${s}": expected numbers in [-1, 1]`)
          return t
        })
    } else if (flag === '--embeddings') {
      const v = value()
      if (v !== 'upstream' && v !== 'standin') fail(`--embeddings must be upstream or standin, not "${v}"`)
      options.source = v
    } else if (flag === '--list') options.list = true
    else if (flag === '--') continue
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: bun run bench/eval-cache/run.ts [--thresholds 0.70,0.75,...] [--embeddings upstream|standin] [--list]')
      console.log('       bun run bench/eval-cache/run.ts --feedback --help   (the feedback replay)')
      process.exit(0)
    } else fail(`unknown argument "${argv[i]}" (try --help)`)
  }
  if (options.thresholds.length === 0) {
    for (let t = 60; t <= 95; t += 5) options.thresholds.push(t / 100)
  }
  options.thresholds.sort((x, y) => x - y)
  return options
}

function cosine(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) fail(`vectors of different lengths (${x.length} vs ${y.length})`)
  let dot = 0
  for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!
  return dot
}

// ─── report ───────────────────────────────────────────────────────────────────────────────────────────────

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`)
const row = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')

interface Scored extends Pair {
  similarity: number
  guard: { ok: true } | { ok: false; reason: GuardReason }
}

function matcherTable(scored: Scored[], thresholds: number[]) {
  const same = scored.filter((p) => p.label === 'same')
  const different = scored.filter((p) => p.label === 'different')
  const ofKind = (k: Kind) => scored.filter((p) => p.kind === k)
  const hit = (p: Scored, t: number) => p.similarity >= t && p.guard.ok
  const count = (ps: Scored[], f: (p: Scored) => boolean) => ps.filter(f).length

  const head = [
    'threshold', 'same: hit', 'emb only', 'diff: wrong hit', 'emb only',
    ...NEGATIVE_KINDS.map((k) => `${k} (${ofKind(k).length})`),
  ]
  const widths = head.map((h) => Math.max(h.length, 7))
  console.log(`Whole matcher: hit = cosine >= threshold AND guard allows. same pairs: ${same.length}, different: ${different.length}.`)
  console.log('"emb only" = the same rate without the guard. Per-kind columns: wrong-hit rate of that kind (lower is better).\n')
  console.log(row(head, widths))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  const summary: { t: number; hit: number; wrong: number }[] = []
  for (const t of thresholds) {
    const sameHits = count(same, (p) => hit(p, t))
    const wrongHits = count(different, (p) => hit(p, t))
    summary.push({ t, hit: sameHits / same.length, wrong: wrongHits / different.length })
    console.log(
      row(
        [
          t.toFixed(2),
          pct(sameHits, same.length),
          pct(count(same, (p) => p.similarity >= t), same.length),
          pct(wrongHits, different.length),
          pct(count(different, (p) => p.similarity >= t), different.length),
          ...NEGATIVE_KINDS.map((k) => pct(count(ofKind(k), (p) => hit(p, t)), ofKind(k).length)),
        ],
        widths
      )
    )
  }
  const best = (limit: number) =>
    summary.filter((s) => s.wrong <= limit).sort((x, y) => y.hit - x.hit || x.t - y.t)[0]
  for (const [limit, label] of [[0, 'no wrong hit'], [0.02, 'wrong hits <= 2%']] as const) {
    const b = best(limit)
    console.log(
      b
        ? `Best tested threshold with ${label}: ${b.t.toFixed(2)} ` +
            `(same-pair hit rate ${(100 * b.hit).toFixed(1)}%, wrong hits ${(100 * b.wrong).toFixed(1)}%)`
        : `No tested threshold keeps ${label}.`
    )
  }
}

function similarityTable(scored: Scored[]) {
  console.log('\nCosine similarity by kind (embeddings alone):')
  const head = ['kind', 'pairs', 'mean', 'min', 'median', 'max']
  const widths = [12, 6, 6, 6, 6, 6]
  console.log(row(head, widths))
  for (const k of KINDS) {
    const s = scored.filter((p) => p.kind === k).map((p) => p.similarity).sort((x, y) => x - y)
    if (s.length === 0) continue
    const mean = s.reduce((x, y) => x + y, 0) / s.length
    const stats = [mean, s[0]!, s[s.length >> 1]!, s[s.length - 1]!].map((x) => x.toFixed(3))
    console.log(row([k, String(s.length), ...stats], widths))
  }
}

function guardTable(pairs: Pair[], list: boolean) {
  const judged = pairs.map((p) => ({ ...p, guard: guardAllows(p.a, p.b) }))
  console.log('\nGuard alone (model-independent): share of each kind the guard rejects.')
  console.log('For negative kinds higher is better; for paraphrases it is the share wrongly rejected (lower is better).\n')
  const head = ['kind', 'pairs', 'rejected', 'en', 'zh', 'by number', 'by entity', 'by negation', 'by direction']
  const widths = [12, 5, 8, 14, 14, 9, 9, 11, 12]
  console.log(row(head, widths))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const k of KINDS) {
    const ps = judged.filter((p) => p.kind === k)
    const rejected = (xs: typeof ps) => xs.filter((p) => !p.guard.ok).length
    const byLang = (lang: string) => {
      const xs = ps.filter((p) => p.lang === lang)
      return xs.length ? `${pct(rejected(xs), xs.length)} of ${String(xs.length).padStart(3)}` : '-'
    }
    const byReason = (r: GuardReason) => String(ps.filter((p) => !p.guard.ok && p.guard.reason === r).length)
    console.log(
      row(
        [k, String(ps.length), pct(rejected(ps), ps.length), byLang('en'), byLang('zh'),
          byReason('number'), byReason('entity'), byReason('negation'), byReason('direction')],
        widths
      )
    )
  }
  const negatives = judged.filter((p) => p.kind === 'number' || p.kind === 'entity' || p.kind === 'negation')
  console.log(
    `\nTargeted hard negatives (number + entity + negation) rejected: ` +
      `${pct(negatives.filter((p) => !p.guard.ok).length, negatives.length).trim()} of ${negatives.length}.`
  )
  if (list) {
    console.log('\nParaphrases the guard rejects (cache misses):')
    for (const p of judged) if (p.kind === 'paraphrase' && !p.guard.ok) console.log(`  [${p.guard.reason}] ${p.a}  |  ${p.b}`)
    console.log('\nNumber / entity / negation pairs the guard lets through (only the threshold can stop them):')
    for (const p of negatives) if (p.guard.ok) console.log(`  [${p.kind}] ${p.a}  |  ${p.b}`)
  } else console.log('Run with --list to see the paraphrases the guard rejects and the negatives it lets through.')
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const pairs = await loadPairs()
  const source = options.source === 'upstream' ? upstream() : standin()
  const zh = pairs.filter((p) => p.lang === 'zh').length
  console.log(`eval:cache — ${pairs.length} labelled pairs (${zh} Chinese) from bench/eval-cache/pairs.jsonl`)
  console.log(`embeddings: ${source.description}`)
  if (options.source === 'standin') {
    const bar = '!'.repeat(100)
    console.log(bar)
    console.log('!!  STAND-IN EMBEDDINGS. These similarities are NOT those of the real embedding model, so the')
    console.log('!!  per-threshold table below says nothing about how to set CACHE_SIMILARITY_THRESHOLD. Only the')
    console.log('!!  guard-alone table is model-independent. Set OPENAI_KEY (or pass --embeddings upstream) to measure.')
    console.log(bar)
  }
  console.log()

  const vectors = await source.embed(pairs.flatMap((p) => [p.a, p.b]))
  const scored: Scored[] = pairs.map((p) => ({
    ...p,
    similarity: cosine(vectors.get(p.a)!, vectors.get(p.b)!),
    guard: guardAllows(p.a, p.b),
  }))
  matcherTable(scored, options.thresholds)
  similarityTable(scored)
  guardTable(pairs, options.list)
}

const argv = process.argv.slice(2)
if (argv.includes('--feedback')) await runFeedback(argv)
else await main()
