// Builds the cache-at-scale data sets once and keeps them under bench/.data/ (git-ignored): for every tier
// (10k, 100k, 1M entries) a DATA_DIR exactly as proxy-gpt leaves it — cache.sqlite written through
// SqliteCacheEntries.put and semantic.usearch + its fingerprint written through VectorIndex.save — so the probes
// load them with the real code paths. Tiers share one deterministic stream of entries, so the 100k tier
// continues from the 10k one and 1M from 100k, also across runs (a --quick run's tiers are reused).
//
//   bun bench/scale-build.ts <root> <tier,tier,...>
//
// Vectors go in through VectorIndex.addMany, the multi-threaded batch add that proxy-gpt's own rebuild from
// SQLite uses, so the index has src/'s settings and its file and fingerprint are the real ones.

import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { cacheKeys } from '../src/cache/keys'
import { VectorIndex } from '../src/cache/semantic/vector-index'
import { SqliteCacheEntries } from '../src/state/sqlite/cache-entries'
import { DEFAULT_EMBEDDING_MODEL, readTier, tierDir, type TierInfo } from './scale-common'
import { DIMENSIONS, GENERATOR_VERSION, entryAnswer, entryPrompt, entryVector } from './synthetic'

const BATCH = 10_000
/** A tier's DATA_DIR as proxy-gpt leaves it (the SQLite WAL is checkpointed into the main file first). */
const FILES = ['cache.sqlite', 'semantic.usearch', 'semantic.usearch.json']
const NO_EXPIRY_MS = 100 * 365 * 24 * 3600 * 1000

function chatBody(content: string) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 300 }
}

function storedAnswer(id: number) {
  const content = entryAnswer(id)
  return {
    endpoint: 'chat' as const,
    body: {
      id: `chatcmpl-bench-${id}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
    },
  }
}

async function main() {
  const [root, tierList] = process.argv.slice(2)
  if (!root || !tierList) throw new Error('usage: bun bench/scale-build.ts <root> <tier,tier,...>')
  const tiers = tierList.split(',').map(Number).sort((a, b) => a - b)
  const target = tiers[tiers.length - 1]!
  const missing = tiers.filter((t) => !readTier(root, t))
  if (missing.length === 0) return

  // Resume from the largest finished tier below the first missing one (the stream is shared).
  const previous = [10_000, 100_000, 1_000_000, ...tiers]
    .filter((t) => t < missing[0]! && readTier(root, t))
    .sort((a, b) => b - a)[0]
  const work = join(root, 'work')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const index = new VectorIndex(join(work, 'semantic.usearch'))
  let start = 1
  let spent = 0
  if (previous) {
    for (const file of FILES) copyFileSync(join(tierDir(root, previous), file), join(work, file))
    const info = readTier(root, previous)!
    const loaded = await index.load(info.fingerprint)
    if (loaded !== 'loaded') throw new Error(`the ${previous}-entry tier's index is ${loaded}: delete ${root} and run again`)
    start = previous + 1
    spent = info.buildSeconds
    log(`resuming from the ${previous}-entry tier`)
  }
  const store = SqliteCacheEntries.open(join(work, 'cache.sqlite'), { ttlMs: NO_EXPIRY_MS, maxEntries: Number.MAX_SAFE_INTEGER })
  const threads = availableParallelism()
  const began = performance.now()
  let addMs = 0
  let lastReport = began

  for (let first = start; first <= target; ) {
    const next = tiers.find((t) => t >= first)!
    const last = Math.min(first + BATCH - 1, next)
    const n = last - first + 1
    const matrix = new Float32Array(n * DIMENSIONS)
    const rows = Array.from({ length: n }, (_, i) => ({ id: first + i, embedding: entryVector(first + i, matrix, i * DIMENSIONS).subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS) }))
    const t0 = performance.now()
    index.addMany(rows, threads)
    addMs += performance.now() - t0
    // One transaction per batch: put's body runs synchronously (bun:sqlite), so every row is inside it.
    const puts: Array<Promise<{ id: number }>> = []
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = first + i
        const prompt = entryPrompt(id)
        const entry = store.put({
          ...entryKeys(prompt),
          endpoint: 'chat',
          model: 'gpt-4o-mini',
          prompt,
          answer: storedAnswer(id),
          embedding: matrix.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS),
          embeddingModel: DEFAULT_EMBEDDING_MODEL,
        })
        puts.push(entry)
      }
    })()
    const stored = await Promise.all(puts)
    stored.forEach((entry, i) => {
      if (entry.id !== first + i) throw new Error(`expected SQLite id ${first + i}, got ${entry.id}: delete ${root} and run again`)
    })
    first = last + 1

    const now = performance.now()
    if (now - lastReport > 15_000 || last === next) {
      lastReport = now
      const done = last - start + 1
      const rate = (now - began) / done
      log(`${last.toLocaleString('en')} / ${target.toLocaleString('en')} entries, ${(addMs / done * 1000).toFixed(0)} µs/vector in usearch, about ${Math.round(((target - last) * rate) / 1000)}s to go`)
    }
    if (last === next && !readTier(root, next)) await snapshot(root, next, store, index, spent + (performance.now() - began) / 1000, (addMs * 1000) / (last - start + 1))
  }
  await store.close()
  rmSync(work, { recursive: true, force: true })
}

function entryKeys(prompt: string) {
  const keys = cacheKeys('chat', chatBody(prompt), 'full')
  return { key: keys.exact, partition: keys.partition }
}

async function snapshot(root: string, tier: number, store: SqliteCacheEntries, index: VectorIndex, buildSeconds: number, addUs: number) {
  const dir = tierDir(root, tier)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  store.db.run('PRAGMA wal_checkpoint(TRUNCATE)')
  const summary = await store.vectorSummary(DEFAULT_EMBEDDING_MODEL)
  await index.save({ model: DEFAULT_EMBEDDING_MODEL, dims: DIMENSIONS, ...summary })
  for (const file of FILES) copyFileSync(join(dirname(index.file), file), join(dir, file))
  const info: TierInfo = { version: GENERATOR_VERSION, count: tier, buildSeconds, addUsPerVector: addUs, fingerprint: { model: DEFAULT_EMBEDDING_MODEL, dims: DIMENSIONS, ...summary } }
  writeFileSync(join(dir, 'done.json.tmp'), JSON.stringify(info))
  renameSync(join(dir, 'done.json.tmp'), join(dir, 'done.json'))
  log(`tier ${tier.toLocaleString('en')} saved (${buildSeconds.toFixed(0)}s of building so far)`)
}

function log(line: string) {
  console.log(`  [scale build] ${line}`)
}

if (import.meta.main) await main()
