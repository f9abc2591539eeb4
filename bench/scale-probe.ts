// One measurement of one cache-at-scale tier, in a fresh process so its resident memory is its own.
//
//   bun bench/scale-probe.ts index <tier dir> <lookups>   VectorIndex.load (checksum + usearch load), then
//                                                         bare index searches (k = 16, as the first look)
//   bun bench/scale-probe.ts cache <tier dir> <lookups>   AnswerCache.open (what proxy-gpt does at start),
//                                                         then AnswerCache.semantic as a request runs it —
//                                                         index search + SQLite candidate check + exact
//                                                         cosine + guard + loading the hit — with the
//                                                         embedding HTTP call replaced by a ready vector
//
// Prints one JSON line on stdout.

import { join } from 'node:path'
import { AnswerCache } from '../src/cache/answer-cache'
import { MemoryInFlight } from '../src/state/memory/in-flight'
import { SqliteCacheEntries } from '../src/state/sqlite/cache-entries'
import { cacheKeys } from '../src/cache/keys'
import { checksum, createIndex, VectorIndex } from '../src/cache/semantic/vector-index'
import { loadConfig } from '../src/config/load'
import { rssMiB, summarize, type Summary } from './lib/stats'
import type { TierInfo } from './scale-common'
import { DIMENSIONS, paraphrasePrompt, pickIds, queryVector, unrelatedVector } from './synthetic'

const [mode, dir, lookupArg] = process.argv.slice(2)
if (!dir || (mode !== 'index' && mode !== 'cache')) throw new Error('usage: bun bench/scale-probe.ts index|cache <tier dir> <lookups>')
const lookups = Number(lookupArg ?? 2000)
const info = (await Bun.file(join(dir, 'done.json')).json()) as TierInfo
const WARMUP = 200

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

  // The same search with other settings, on a memory-mapped view of the same file (no second copy in RAM),
  // against the same settings on the same view: what another search beam, or a search pinned to the calling
  // thread, would change.
  const variants: Array<{ label: string; expansion: number; threads: number; search: Summary; recallAt1: number }> = []
  for (const [label, expansion, threads] of [
    ['view, as src/ searches (expansion_search 64, threads 1)', 0, 1],
    ['threads 0 (usearch picks)', 0, 0],
    ['expansion_search 32', 32, 1],
    ['expansion_search 128', 128, 1],
  ] as const) {
    const view = createIndex(DIMENSIONS, expansion)
    view.view(index.file)
    const spent: number[] = []
    let first = 0
    queries.forEach((query, i) => {
      const t0 = performance.now()
      const matches = view.search(query, 16, threads)
      const ms = performance.now() - t0
      if (i < WARMUP) return
      spent.push(ms)
      if (Number(matches.keys[0]) === ids[i]) first++
    })
    variants.push({ label, expansion, threads, search: summarize(spent), recallAt1: first / lookups })
  }

  console.log(
    JSON.stringify({
      mode,
      count: info.count,
      variants,
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
