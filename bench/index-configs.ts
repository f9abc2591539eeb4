// Issue 26 point 3: the vector index built under other configurations — a denser graph (connectivity,
// expansion_add) and other vector types (i8, f16, f32) — measured on one scale tier, to pick src's default.
//
//   bun bench/index-configs.ts [--tier 100000] [--configs c16-e128-i8,c32-e128-i8,...] [--lookups 1000] [--rebuild]
//
// The tier must exist (npm run bench -- --only=scale --tiers=...). Its vectors are read from its cache.sqlite
// through SqliteCacheEntries.vectors, the path proxy-gpt's own rebuild takes. Each configuration is built,
// then loaded and searched, in a fresh process so its resident memory is its own; built files are kept in
// bench/.data/index-configs/tier-<n>/ and reused unless --rebuild. src's configuration is the tier's own index
// (built incrementally by scale-build.ts, as a growing cache builds it) unless --rebuild.
// The ground truth (brute force, exact f32) is computed once per tier and query set, and kept there too.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { type BatchMatches, exactSearch, Index, MetricKind, ScalarKind } from 'usearch'
import { checksum } from '../src/cache/semantic/vector-index'
import { SqliteCacheEntries } from '../src/state/sqlite/cache-entries'
import {
  type ConfigResult,
  configName,
  DEFAULT_CONFIGS,
  EXPANSIONS,
  type IndexConfig,
  markdownTable,
  parseConfig,
  parseConfigList,
  pct,
  recallAt1,
  recommend,
  type SearchPoint,
  SRC_CONFIG,
  truthSample,
} from './index-configs-report'
import { BUN, ROOT } from './lib/proc'
import { rssMiB, summarize } from './lib/stats'
import { SCALE_ROOT } from './scale'
import { DEFAULT_EMBEDDING_MODEL, readTier, tierDir, tierName } from './scale-common'
import { DIMENSIONS, pickIds, queryVector } from './synthetic'

const WARMUP = 200
const BATCH = 10_000
/** The query ids of scale-probe.ts's index probe (seed 7): its recall and these are over the same queries. */
const QUERY_SEED = 7
const NO_EXPIRY_MS = 100 * 365 * 24 * 3600 * 1000
const SCALARS: Record<IndexConfig['quantization'], ScalarKind> = { i8: ScalarKind.I8, f16: ScalarKind.F16, bf16: ScalarKind.BF16, f32: ScalarKind.F32 }

interface Truth {
  count: number
  lookups: number
  /** The id of the true nearest stored vector of each of the first `nearest.length` measured queries. */
  nearest: number[]
  sourceNearest: number
  seconds: number
}

function makeIndex(config: IndexConfig, expansionSearch = 0): Index {
  return new Index({
    dimensions: DIMENSIONS,
    metric: MetricKind.Cos,
    quantization: SCALARS[config.quantization],
    connectivity: config.connectivity,
    expansion_add: config.expansionAdd,
    expansion_search: expansionSearch,
    multi: false,
  })
}

/** The tier's stored vectors, in id order, BATCH at a time, as proxy-gpt's rebuild reads them. */
async function* storedVectors(dir: string) {
  const store = SqliteCacheEntries.open(join(dir, 'cache.sqlite'), { ttlMs: NO_EXPIRY_MS, maxEntries: Number.MAX_SAFE_INTEGER })
  try {
    for (let after = 0; ; ) {
      const rows = await store.vectors(DEFAULT_EMBEDDING_MODEL, after, BATCH)
      if (rows.length === 0) return
      yield rows
      after = rows[rows.length - 1]!.id
    }
  } finally {
    await store.close()
  }
}

function queries(count: number, lookups: number) {
  const ids = pickIds(count, WARMUP + lookups, QUERY_SEED)
  return { ids, vectors: ids.map((id) => queryVector(id)) }
}

async function childTruth(dir: string, lookups: number): Promise<Truth> {
  const count = (JSON.parse(readFileSync(join(dir, 'done.json'), 'utf8')) as { count: number }).count
  const sample = queries(count, lookups).vectors.slice(WARMUP, WARMUP + truthSample(count, lookups))
  const matrix = new Float32Array(sample.length * DIMENSIONS)
  sample.forEach((q, i) => matrix.set(q, i * DIMENSIONS))
  const best = new Float64Array(sample.length).fill(Number.POSITIVE_INFINITY)
  const nearest = new Array<number>(sample.length).fill(0)
  const started = performance.now()
  for await (const rows of storedVectors(dir)) {
    const batch = new Float32Array(rows.length * DIMENSIONS)
    rows.forEach((row, i) => batch.set(row.embedding, i * DIMENSIONS))
    // Inner product ranks unit vectors as the cosine does, and costs less.
    const found = exactSearch(batch, matrix, DIMENSIONS, 1, MetricKind.IP, 0) as BatchMatches
    for (let q = 0; q < sample.length; q++) {
      if (found.distances[q]! < best[q]!) {
        best[q] = found.distances[q]!
        nearest[q] = rows[Number(found.keys[q])]!.id
      }
    }
  }
  const ids = queries(count, lookups).ids.slice(WARMUP)
  return { count, lookups, nearest, sourceNearest: nearest.filter((id, q) => id === ids[q]).length / nearest.length, seconds: (performance.now() - started) / 1000 }
}

async function childBuild(config: IndexConfig, dir: string, file: string) {
  const index = makeIndex(config)
  const threads = availableParallelism()
  const started = performance.now()
  let addMs = 0
  for await (const rows of storedVectors(dir)) {
    const matrix = new Float32Array(rows.length * DIMENSIONS)
    rows.forEach((row, i) => matrix.set(row.embedding, i * DIMENSIONS))
    const t0 = performance.now()
    index.add(BigUint64Array.from(rows, (row) => BigInt(row.id)), matrix, threads)
    addMs += performance.now() - t0
  }
  const rss = rssMiB()
  index.save(file)
  return { source: 'built' as const, seconds: addMs / 1000, totalSeconds: (performance.now() - started) / 1000, fileMiB: Bun.file(file).size / 2 ** 20, rssMiB: rss }
}

async function childProbe(config: IndexConfig, file: string, truth: Truth) {
  const rssBefore = rssMiB()
  const t0 = performance.now()
  await checksum(file)
  const t1 = performance.now()
  const index = makeIndex(config)
  index.load(file)
  const t2 = performance.now()
  if (index.size() !== truth.count) throw new Error(`${file} holds ${index.size()} vectors, not ${truth.count}`)
  const load = { checksumSeconds: (t1 - t0) / 1000, loadSeconds: (t2 - t1) / 1000, rssMiB: rssMiB(), rssBeforeMiB: rssBefore }

  const { vectors } = queries(truth.count, truth.lookups)
  const points: SearchPoint[] = []
  for (const expansion of EXPANSIONS) {
    // usearch's JavaScript API takes expansion_search only when an index is made: a memory-mapped view of the
    // same file per beam, no second copy in RAM (as scale-probe.ts sweeps).
    const view = makeIndex(config, expansion)
    view.view(file)
    const spent: number[] = []
    const first: number[] = []
    let within16 = 0
    vectors.forEach((query, i) => {
      const started = performance.now()
      const matches = view.search(query, 16, 1)
      const ms = performance.now() - started
      if (i < WARMUP) return
      spent.push(ms)
      const q = i - WARMUP
      if (q >= truth.nearest.length) return
      first.push(Number(matches.keys[0]))
      if (Array.from(matches.keys, Number).includes(truth.nearest[q]!)) within16++
    })
    const search = summarize(spent)
    points.push({ expansion, p50: search.p50, p99: search.p99, recallAt1: recallAt1(first, truth.nearest), recallAt16: within16 / truth.nearest.length })
  }
  return { load, points }
}

async function child(args: string[]) {
  const [mode, name, dir, file, extra] = args
  if (mode === 'truth') return childTruth(dir!, Number(file))
  const config = parseConfig(name!)
  if (mode === 'build') return childBuild(config, dir!, file!)
  if (mode === 'probe') return childProbe(config, file!, JSON.parse(readFileSync(extra!, 'utf8')) as Truth)
  throw new Error(`unknown child mode ${mode}`)
}

async function runChild(args: string[]): Promise<any> {
  const proc = Bun.spawn([BUN, import.meta.path, '--child', ...args], { stdout: 'pipe', stderr: 'inherit', cwd: ROOT })
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0) throw new Error(`child ${args.join(' ')} failed`)
  return JSON.parse(out.trim().split('\n').pop()!)
}

function option(args: string[], name: string): string | undefined {
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (at < 0) return undefined
  return args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1]
}

async function main(args: string[]) {
  const tier = Number(option(args, 'tier') ?? 100_000)
  const lookups = Number(option(args, 'lookups') ?? 1000)
  const configs = parseConfigList(option(args, 'configs') ?? DEFAULT_CONFIGS.join(','))
  const rebuild = args.includes('--rebuild')
  const dir = tierDir(SCALE_ROOT, tier)
  const info = readTier(SCALE_ROOT, tier)
  if (!info) throw new Error(`tier ${tier} is not built: npm run bench -- --only=scale --tiers=${tier}`)
  const out = join(ROOT, 'bench/.data/index-configs', `tier-${tier}`)
  mkdirSync(out, { recursive: true })
  const log = (line: string) => console.error(`  [index-configs ${tierName(tier)}] ${line}`)

  const truthFile = join(out, `truth-${lookups}.json`)
  if (!existsSync(truthFile)) {
    log(`ground truth: brute force over ${tier.toLocaleString('en')} stored vectors for ${truthSample(tier, lookups)} queries`)
    writeFileSync(truthFile, JSON.stringify(await runChild(['truth', '-', dir, String(lookups)])))
  }
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as Truth
  log(`ground truth: ${truth.nearest.length} queries; the source entry is the true nearest for ${pct(truth.sourceNearest)}`)

  const resultsFile = join(out, 'results.json')
  const results: ConfigResult[] = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : []
  for (const config of configs) {
    const name = configName(config)
    const isSrc = name === configName(SRC_CONFIG)
    const file = isSrc && !rebuild ? join(dir, 'semantic.usearch') : join(out, `${name}.usearch`)
    const buildFile = join(out, `${name}.build.json`)
    let build: ConfigResult['build']
    if (isSrc && !rebuild) {
      build = { source: 'tier', seconds: (info.addUsPerVector * info.count) / 1e6, fileMiB: Bun.file(file).size / 2 ** 20 }
    } else if (!rebuild && existsSync(file) && existsSync(buildFile)) {
      build = JSON.parse(readFileSync(buildFile, 'utf8'))
    } else {
      log(`${name}: building`)
      build = await runChild(['build', name, dir, file])
      writeFileSync(buildFile, JSON.stringify(build))
    }
    log(`${name}: built in ${build.seconds.toFixed(0)} s, ${build.fileMiB.toFixed(0)} MiB; probing`)
    const probe = await runChild(['probe', name, dir, file, truthFile])
    const result: ConfigResult = { config: name, tier, build, load: probe.load, truthSample: truth.nearest.length, points: probe.points }
    log(`${name}: RSS ${probe.load.rssMiB.toFixed(0)} MiB; ` + result.points.map((p) => `${p.expansion} → ${pct(p.recallAt1)} p99 ${p.p99.toFixed(3)} ms`).join(', '))
    const at = results.findIndex((r) => r.config === name)
    if (at >= 0) results[at] = result
    else results.push(result)
    writeFileSync(resultsFile, JSON.stringify(results, null, 1))
  }

  console.log(markdownTable(results))
  const pick = recommend(results)
  console.log(pick ? `\nproposed default: ${pick.config} at expansion_search ${pick.point.expansion} (recall@1 ${pct(pick.point.recallAt1)}, p99 ${pick.point.p99.toFixed(3)} ms): ${pick.why}` : '\nno configuration keeps p99 within the bound')
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  if (args[0] === '--child') console.log(JSON.stringify(await child(args.slice(1))))
  else await main(args)
}
