// eval:cache — how well the semantic matcher tells paraphrases from near misses, on a labelled set.
//
//   bun run bench/eval-cache/run.ts [--thresholds 0.70,0.75,...] [--embeddings upstream|standin] [--list]
//
// A pair "hits" when cosine(emb(a), emb(b)) >= threshold AND guardAllows(a, b).ok, exactly as the cache
// decides. The per-threshold table depends on the embedding model; the guard-alone table does not.
// Upstream vectors are kept in bench/eval-cache/.embeddings-<model>.json, so a re-run costs nothing.

import { join } from 'node:path'
import { guardAllows, type GuardReason } from '../../src/cache/semantic/guard/guard'

const HERE = import.meta.dir
const KINDS = ['paraphrase', 'number', 'entity', 'negation', 'related', 'unrelated'] as const
const NEGATIVE_KINDS = ['number', 'entity', 'negation', 'related', 'unrelated'] as const
type Kind = (typeof KINDS)[number]

interface Pair {
  a: string
  b: string
  label: 'same' | 'different'
  kind: Kind
  lang: 'en' | 'zh'
}

interface Options {
  thresholds: number[]
  source: 'upstream' | 'standin'
  list: boolean
}

function fail(message: string): never {
  console.error(`eval:cache: ${message}`)
  process.exit(1)
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
      process.exit(0)
    } else fail(`unknown argument "${argv[i]}" (try --help)`)
  }
  if (options.thresholds.length === 0) {
    for (let t = 60; t <= 95; t += 5) options.thresholds.push(t / 100)
  }
  options.thresholds.sort((x, y) => x - y)
  return options
}

async function loadPairs(): Promise<Pair[]> {
  const text = await Bun.file(join(HERE, 'pairs.jsonl')).text()
  const pairs: Pair[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    let p: Pair
    try {
      p = JSON.parse(line)
    } catch {
      fail(`pairs.jsonl line ${i + 1}: not JSON`)
    }
    const valid =
      typeof p.a === 'string' && p.a.trim() !== '' && typeof p.b === 'string' && p.b.trim() !== '' &&
      (p.label === 'same' || p.label === 'different') && KINDS.includes(p.kind) && (p.lang === 'en' || p.lang === 'zh') &&
      (p.label === 'same') === (p.kind === 'paraphrase')
    if (!valid) fail(`pairs.jsonl line ${i + 1}: expected {a, b, label: same|different, kind, lang: en|zh}, paraphrase iff same`)
    pairs.push(p)
  })
  return pairs
}

// ─── embeddings ───────────────────────────────────────────────────────────────────────────────────────────

interface Source {
  description: string
  embed(texts: string[]): Promise<Map<string, Float32Array>>
}

/**
 * A deterministic offline embedding: hashed bag of words, character trigrams and CJK character uni- and
 * bigrams, signed (so collisions cancel out instead of piling up), L2-normalised. It only makes the script
 * runnable without a key; its similarities have nothing to do with a real model's.
 */
function standin(dims = 1024): Source {
  const fnv = (s: string) => {
    let h = 0x811c9dc5
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
    return h >>> 0
  }
  const embedOne = (text: string) => {
    const v = new Float32Array(dims)
    const add = (feature: string, weight: number) => {
      const h = fnv(feature)
      v[h % dims]! += h & 0x80000000 ? -weight : weight
    }
    const t = text.normalize('NFKC').toLowerCase()
    for (const [w] of t.matchAll(/[a-z0-9]+/g)) {
      add(`w:${w}`, 1)
      const padded = `#${w}#`
      for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.3)
    }
    for (const [run] of t.matchAll(/[\u3400-\u9fff]+/g)) {
      for (let i = 0; i < run.length; i++) {
        add(`h:${run[i]}`, 0.6)
        if (i + 1 < run.length) add(`h:${run.slice(i, i + 2)}`, 1)
      }
    }
    return normalise(v)
  }
  return {
    description: `standin (local hashed word + character n-gram bag, ${dims} dims)`,
    embed: async (texts) => new Map(texts.map((t) => [t, embedOne(t)])),
  }
}

function upstream(): Source {
  const env = process.env
  const baseUrl = (env.EMBEDDING_BASE_URL || env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, '')
  const key = env.EMBEDDING_KEY || env.OPENAI_KEY || env.OPENAI_API_KEY
  const model = env.EMBEDDING_MODEL || 'text-embedding-3-small'
  if (!key) fail('--embeddings upstream needs EMBEDDING_KEY, OPENAI_KEY or OPENAI_API_KEY')
  let origin: string
  try {
    origin = new URL(baseUrl).origin
  } catch {
    fail(`EMBEDDING_BASE_URL / OPENAI_BASE_URL is not a URL: ${baseUrl}`)
  }
  const cacheFile = join(HERE, `.embeddings-${model.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`)
  // An upstream's error may quote the request; make sure the key never reaches the terminal.
  const redact = (s: string) => s.split(key).join('***')

  return {
    description: `upstream ${origin}, model ${model}`,
    async embed(texts) {
      const cache = await readCache(cacheFile, model, baseUrl)
      const missing = [...new Set(texts)].filter((t) => !cache.vectors.has(t))
      if (missing.length > 0) console.log(`fetching ${missing.length} embeddings (${cache.vectors.size} cached in ${cacheFile})`)
      for (let i = 0; i < missing.length; i += 100) {
        const batch = missing.slice(i, i + 100)
        let response: Response
        try {
          response = await fetch(`${baseUrl}/embeddings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ model, input: batch, encoding_format: 'float' }),
            signal: AbortSignal.timeout(120_000),
          })
        } catch (error) {
          fail(`embeddings request to ${origin} failed: ${redact(String((error as Error)?.message ?? error))}`)
        }
        const body = await response.text()
        if (!response.ok) {
          let message = body
          try {
            message = JSON.parse(body)?.error?.message ?? body
          } catch {}
          fail(`embeddings request to ${origin} answered HTTP ${response.status}: ${redact(message).slice(0, 300)}`)
        }
        let data: { index: number; embedding: unknown }[]
        try {
          data = JSON.parse(body).data
        } catch {
          fail(`embeddings response from ${origin} is not JSON`)
        }
        if (!Array.isArray(data) || data.length !== batch.length) {
          fail(`embeddings response from ${origin} has ${data?.length ?? 'no'} vectors for ${batch.length} inputs`)
        }
        for (const item of data) {
          const text = batch[item.index]
          const vector = item.embedding
          if (text === undefined || !Array.isArray(vector) || vector.length === 0 || !vector.every((x) => typeof x === 'number')) {
            fail(`embeddings response from ${origin} has a malformed item (index ${item.index})`)
          }
          cache.vectors.set(text, normalise(Float32Array.from(vector as number[])))
        }
        await writeCache(cacheFile, model, baseUrl, cache.vectors) // keep what was paid for, even if a later batch fails
      }
      return cache.vectors
    },
  }
}

async function readCache(file: string, model: string, baseUrl: string) {
  const vectors = new Map<string, Float32Array>()
  const f = Bun.file(file)
  if (!(await f.exists())) return { vectors }
  try {
    const stored = await f.json()
    if (stored.model === model && stored.baseUrl === baseUrl) {
      for (const [text, b64] of Object.entries(stored.vectors as Record<string, string>)) {
        vectors.set(text, new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer))
      }
    } else console.log(`ignoring ${file}: it holds vectors from another model or base URL`)
  } catch {
    console.log(`ignoring unreadable ${file}`)
  }
  return { vectors }
}

async function writeCache(file: string, model: string, baseUrl: string, vectors: Map<string, Float32Array>) {
  const encoded: Record<string, string> = {}
  for (const [text, v] of vectors) encoded[text] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
  await Bun.write(file, JSON.stringify({ model, baseUrl, vectors: encoded }))
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm)
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm
  return v
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
  const head = ['kind', 'pairs', 'rejected', 'en', 'zh', 'by number', 'by entity', 'by negation']
  const widths = [12, 5, 8, 14, 14, 9, 9, 11]
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
          byReason('number'), byReason('entity'), byReason('negation')],
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

await main()
