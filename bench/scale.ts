// Item 3: the semantic cache at 10k and 100k entries (and 1M on request) — lookup latency, the
// expansion_search sweep, resident memory, start-up time.
// The data sets are built once (bench/scale-build.ts) and reused from bench/.data/ by later runs.

import { join } from 'node:path'
import { BUN, cleanEnv, type Processes, ROOT } from './lib/proc'
import type { Summary } from './lib/stats'
import { ONE_MILLION, readTier, type TierInfo, tierDir, tierName } from './scale-common'
import { GENERATOR_VERSION } from './synthetic'

export const SCALE_ROOT = join(ROOT, 'bench/.data', `scale-v${GENERATOR_VERSION}`)

export interface ScaleOptions {
  tiers: number[]
  lookups: number
}

export interface IndexProbe {
  count: number
  fileMiB: number
  loadSeconds: number
  checksumSeconds: number
  rssBeforeMiB: number
  rssLoadedMiB: number
  search: Summary
  /** The paraphrased entry among the 16 results / first, of `VectorIndex.search` on the loaded index. */
  recallAt16: number
  recallAt1: number
  /** The expansion_search sweep (absent in results written before it existed). */
  sweep?: SweepPoint[]
  /** The brute-force ground truth of the sweep: queries it covers, and how often the nearest is the query's source entry. */
  truth?: { sample: number; sourceNearest: number; seconds: number }
  /** Results written before the sweep: a few other settings of the same search. */
  variants?: Array<{ label: string; expansion: number; threads: number; search: Summary; recallAt1: number }>
}

/** One search beam of the sweep: the search alone (k = 16, one thread) on a view of the tier's index. */
export interface SweepPoint {
  expansion: number
  search: Summary
  /** The true nearest stored vector (brute force, exact f32 cosine) is the first result / among the 16. */
  recallAt1: number
  recallAt16: number
  /** The entry the query was made from is the first result (over every measured query). */
  sourceAt1: number
}

export interface CacheProbe {
  count: number
  sqliteMiB: number
  openSeconds: number
  rssBeforeMiB: number
  rssOpenMiB: number
  rssAfterMiB: number
  /** Paraphrase lookups that found their entry (a semantic hit). */
  hit: Summary
  hitRate: number
  /** Paraphrase lookups whose entry the index did not return (a miss). */
  notFound: Summary
  miss: Summary
  wrongHits: number
}

export interface TierResult {
  tier: number
  build: TierInfo
  /** True when this run built it; false when it came from bench/.data/. */
  builtNow: boolean
  index: IndexProbe
  cache: CacheProbe
}

export interface ScaleResult {
  options: ScaleOptions
  buildSeconds: number
  tiers: TierResult[]
  /** The 1M tier as found in bench/.data/ when the run ended (its recorded build), when it was not measured. */
  oneMillion?: TierInfo
}

export async function runScale(procs: Processes, options: ScaleOptions, progress: (line: string) => void): Promise<ScaleResult> {
  const missing = options.tiers.filter((t) => !readTier(SCALE_ROOT, t))
  let buildSeconds = 0
  if (missing.length > 0) {
    progress(`building tiers ${missing.map(tierName).join(', ')} into ${SCALE_ROOT} (once; later runs reuse them)`)
    const started = performance.now()
    await procs.run([BUN, join(ROOT, 'bench/scale-build.ts'), SCALE_ROOT, options.tiers.join(',')], { env: cleanEnv({}), showOutput: true })
    buildSeconds = (performance.now() - started) / 1000
  } else {
    progress(`tiers ${options.tiers.map(tierName).join(', ')} already built in ${SCALE_ROOT}`)
  }

  const tiers: TierResult[] = []
  for (const tier of options.tiers) {
    const dir = tierDir(SCALE_ROOT, tier)
    const probe = async (mode: 'index' | 'cache') =>
      JSON.parse(await procs.run([BUN, join(ROOT, 'bench/scale-probe.ts'), mode, dir, String(options.lookups)], { env: cleanEnv({}) }))
    const index = (await probe('index')) as IndexProbe
    const cache = (await probe('cache')) as CacheProbe
    progress(
      `${tierName(tier).padStart(4)}: start-up ${cache.openSeconds.toFixed(2)}s (index load ${index.loadSeconds.toFixed(2)}s), ` +
        `lookup p50 ${cache.hit.p50.toFixed(3)} ms p99 ${cache.hit.p99.toFixed(3)} ms (search alone p99 ${index.search.p99.toFixed(3)} ms), ` +
        `RSS ${cache.rssAfterMiB.toFixed(0)} MiB, hit rate ${(cache.hitRate * 100).toFixed(1)}%`
    )
    if (index.sweep && index.truth) {
      progress(
        `${tierName(tier).padStart(4)}: expansion_search sweep (recall@1 against the true nearest of ${index.truth.sample} queries; search p99): ` +
          index.sweep.map((p) => `${p.expansion} → ${(p.recallAt1 * 100).toFixed(1)}% ${p.search.p99.toFixed(3)} ms`).join(', ')
      )
    }
    tiers.push({ tier, build: readTier(SCALE_ROOT, tier)!, builtNow: missing.includes(tier), index, cache })
  }
  return { options, buildSeconds, tiers, oneMillion: options.tiers.includes(ONE_MILLION) ? undefined : readTier(SCALE_ROOT, ONE_MILLION) }
}
