// One measurement of one cache-at-scale tier, in a fresh process so its resident memory is its own.
//
//   bun bench/scale-probe.ts index <tier dir> <lookups>   VectorIndex.load (checksum + usearch load), then
//                                                         bare index searches (k = 16, as the first look),
//                                                         then the expansion_search sweep: search time and
//                                                         recall@1 against the true nearest stored vector
//                                                         (brute force over the tier, for a sample)
//   bun bench/scale-probe.ts cache <tier dir> <lookups>   AnswerCache.open (what proxy-gpt does at start),
//                                                         then AnswerCache.semantic as a request runs it —
//                                                         index search + SQLite candidate check + exact
//                                                         cosine + guard + loading the hit — with the
//                                                         embedding HTTP call replaced by a ready vector
//
// Prints one JSON line on stdout.

import { join } from 'node:path'
import { type BatchMatches, exactSearch, MetricKind } from 'usearch'
import { AnswerCache } from '../src/cache/answer-cache'
import { MemoryInFlight } from '../src/state/memory/in-flight'
import { SqliteCacheEntries } from '../src/state/sqlite/cache-entries'
import { cacheKeys } from '../src/cache/keys'
import { checksum, createIndex, VectorIndex } from '../src/cache/semantic/vector-index'
import { loadConfig } from '../src/config/load'
import { rssMiB, summarize, type Summary } from './lib/stats'
import type { SweepPoint } from './scale'
import type { TierInfo } from './scale-common'
import { DIMENSIONS, entryVector, paraphrasePrompt, pickIds, queryVector, unrelatedVector } from './synthetic'

const [mode, dir, lookupArg] = process.argv.slice(2)
if (!dir || (mode !== 'index' && mode !== 'cache')) throw new Error('usage: bun bench/scale-probe.ts index|cache <tier dir> <lookups>')
const lookups = Number(lookupArg ?? 2000)
const info = (await Bun.file(join(dir, 'done.json')).json()) as TierInfo
const WARMUP = 200
/** The search beams swept (usearch's expansion_search; the proxy's CACHE_SEARCH_EXPANSION, default 64). */
const SWEEP = [16, 32, 64, 128, 256, 512]
const TRUTH_BATCH = 10_000

/** The id of each query's nearest stored vector (exact f32 inner product = cosine, all being unit vectors), over entries 1..count. */
function trueNearest(queries: Float32Array[], count: number): number[] {
  const matrix = new Float32Array(queries.length * DIMENSIONS)
  queries.forEach((q, i) => matrix.set(q, i * DIMENSIONS))
  const best = new Float64Array(queries.length).fill(Number.POSITIVE_INFINITY)
  const bestId = new Array<number>(queries.length).fill(0)
  const batch = new Float32Array(TRUTH_BATCH * DIMENSIONS)
  for (let first = 1; first <= count; first += TRUTH_BATCH) {
    const n = Math.min(TRUTH_BATCH, count - first + 1)
    for (let i = 0; i < n; i++) entryVector(first + i, batch, i * DIMENSIONS)
    // Inner product: every vector is unit length, so it ranks as the cosine does, and costs less.
    const found = exactSearch(n === TRUTH_BATCH ? batch : batch.slice(0, n * DIMENSIONS), matrix, DIMENSIONS, 1, MetricKind.IP, 0) as BatchMatches
    for (let q = 0; q < queries.length; q++) {
      const distance = found.distances[q]!
      if (distance < best[q]!) {
        best[q] = distance
        bestId[q] = first + Number(found.keys[q])
      }
    }
  }
  return bestId
}

async function checksumSeconds(path: string): Promise<number> {
  const started = performance.now()
  await checksum(path)
  return (performance.now() - started) / 1000
}

if (mode === 'index') {
  const rssBefore = rssMiB()
  const index = new VectorIndex(join(dir, 'semantic.usearch'))
  const started = performance.now()
  const result = await index.load(info.fingerprint)
  const loadSeconds = (performance.now() - started) / 1000
  if (result !== 'loaded' || index.size !== info.count) throw new Error(`index did not load (${result}, ${index.size} vectors)`)
  const rssLoaded = rssMiB()
  const checksumS = await checksumSeconds(index.file)

  const ids = pickIds(info.count, WARMUP + lookups, 7)
  const queries = ids.map((id) => queryVector(id))
  const times: number[] = []
  let found = 0
  let top1 = 0
  queries.forEach((query, i) => {
    const t0 = performance.now()
    const matches = index.search(query, 16)
    const ms = performance.now() - t0
    if (i < WARMUP) return
    times.push(ms)
    if (matches.some((m) => m.id === ids[i])) found++
    if (matches[0]?.id === ids[i]) top1++
  })

  // The true nearest stored vector of a sample of the queries, by brute force over every entry's exact f32
  // vector (regenerated from its id, in batches; usearch's exact search): usually the entry the query was made
  // from, not always — a paraphrase can land nearer a neighbour of it.
  // The brute force costs ~2 s per 10k entries × 1000 queries here (usearch's exactSearch, one core), so the
  // sample shrinks as the tier grows: ~2 s at 10k, ~12 s at 100k, ~1 min at 1M (plus regenerating the vectors).
  const truthN = Math.min(lookups, info.count <= 10_000 ? 1000 : info.count <= 100_000 ? 500 : 300)
  const truthStarted = performance.now()
  const nearest = trueNearest(queries.slice(WARMUP, WARMUP + truthN), info.count)
  const truthSeconds = (performance.now() - truthStarted) / 1000
  const sourceNearest = nearest.filter((id, q) => id === ids[WARMUP + q]).length / truthN

  // The search beam swept: each setting on a memory-mapped view of the same file (no second copy in RAM;
  // usearch's JavaScript API takes expansion_search only when an index is made, so a view is made per
  // setting), with k = 16 on the calling thread, as src/ searches.
  const sweep: SweepPoint[] = []
  for (const expansion of SWEEP) {
    const view = createIndex(DIMENSIONS, expansion)
    view.view(index.file)
    const spent: number[] = []
    let first = 0
    let within16 = 0
    let source = 0
    queries.forEach((query, i) => {
      const t0 = performance.now()
      const matches = view.search(query, 16, 1)
      const ms = performance.now() - t0
      if (i < WARMUP) return
      spent.push(ms)
      if (Number(matches.keys[0]) === ids[i]) source++
      const q = i - WARMUP
      if (q >= truthN) return
      if (Number(matches.keys[0]) === nearest[q]) first++
      if (Array.from(matches.keys, Number).includes(nearest[q]!)) within16++
    })
    sweep.push({ expansion, search: summarize(spent), recallAt1: first / truthN, recallAt16: within16 / truthN, sourceAt1: source / lookups })
  }

  console.log(
    JSON.stringify({
      mode,
      count: info.count,
      sweep,
      truth: { sample: truthN, sourceNearest, seconds: truthSeconds },
      recallAt1: top1 / lookups,
      fileMiB: Bun.file(index.file).size / 2 ** 20,
      loadSeconds,
      checksumSeconds: checksumS,
      rssBeforeMiB: rssBefore,
      rssLoadedMiB: rssLoaded,
      search: summarize(times),
      recallAt16: found / lookups,
    })
  )
} else {
  const config = loadConfig({
    OPENAI_KEY: 'sk-bench-upstream',
    PROXY_KEY: 'bench-proxy-key',
    // Never called: the embedding is handed over directly below.
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    DATA_DIR: dir,
    CACHE_MAX_ENTRIES: String(info.count * 2),
    CACHE_TTL_SECONDS: String(100 * 365 * 24 * 3600),
  })
  const logs: string[] = []
  const rssBefore = rssMiB()
  const started = performance.now()
  const log = (line: string) => void logs.push(line)
  const entries = SqliteCacheEntries.open(join(dir, 'cache.sqlite'), { ttlMs: config.cache.ttlSeconds * 1000, maxEntries: config.cache.maxEntries, log })
  const cache = await AnswerCache.open({ config, log, entries, inFlight: new MemoryInFlight() })
  const openSeconds = (performance.now() - started) / 1000
  if (cache.index.size !== info.count) {
    throw new Error(`the saved index was not used (${cache.index.size} of ${info.count} vectors; ${logs.join('; ')}); delete the tier directory and run again`)
  }
  const rssOpen = rssMiB()

  // The lookup as a request runs it, minus the embedding call: the question's vector is ready.
  const ask = async (id: number, query: Float32Array, text: string) => {
    const keys = cacheKeys('chat', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], max_tokens: 300 }, 'full')
    const t0 = performance.now()
    const hit = await cache.semantic(keys, query)
    return { ms: performance.now() - t0, hitId: hit?.entry.id, similarity: hit?.similarity }
  }

  const ids = pickIds(info.count, WARMUP + lookups, 11)
  const hitTimes: number[] = []
  const notFoundTimes: number[] = []
  let hits = 0
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    const result = await ask(id, queryVector(id), paraphrasePrompt(id))
    if (i < WARMUP) continue
    if (result.hitId === id) {
      hits++
      hitTimes.push(result.ms)
    } else notFoundTimes.push(result.ms)
  }
  const missTimes: number[] = []
  const misses = Math.max(100, Math.floor(lookups / 4))
  let wrong = 0
  for (let i = 0; i < misses; i++) {
    const result = await ask(0, unrelatedVector(i), `Which colour is the sky on planet ${i}`)
    missTimes.push(result.ms)
    if (result.hitId !== undefined) wrong++
  }
  const rssAfter = rssMiB()
  await cache.close()
  console.log(
    JSON.stringify({
      mode,
      count: info.count,
      sqliteMiB: Bun.file(join(dir, 'cache.sqlite')).size / 2 ** 20,
      openSeconds,
      rssBeforeMiB: rssBefore,
      rssOpenMiB: rssOpen,
      rssAfterMiB: rssAfter,
      hit: summarize(hitTimes),
      hitRate: hits / lookups,
      notFound: summarize(notFoundTimes),
      miss: summarize(missTimes),
      wrongHits: wrong,
    })
  )
}
