// The pure half of the index-configuration sweep (bench/index-configs.ts): configuration names, recall, the
// choice of a default and the table. Kept apart from the measuring so it can be unit-tested in milliseconds.

export type Quantization = 'i8' | 'f16' | 'bf16' | 'f32'

/** What usearch fixes when an index is built; expansion_search is chosen per search and swept separately. */
export interface IndexConfig {
  connectivity: number
  expansionAdd: number
  quantization: Quantization
}

/** What src/cache/semantic/vector-index.ts builds: its 0s are usearch's defaults, connectivity 16 and expansion_add 128. */
export const SRC_CONFIG: IndexConfig = { connectivity: 16, expansionAdd: 128, quantization: 'i8' }

/** The beams every configuration is searched with (the proxy's CACHE_SEARCH_EXPANSION defaults to 64). */
export const EXPANSIONS = [64, 128, 256]

/** The configurations of a run without --configs: src's, a denser graph each way and both, and wider vectors. */
export const DEFAULT_CONFIGS = ['c16-e128-i8', 'c32-e128-i8', 'c16-e256-i8', 'c32-e256-i8', 'c24-e128-i8', 'c16-e128-f16', 'c32-e128-f16', 'c16-e128-f32']

/** The target for the semantic lookup at 1M entries. */
export const TARGET = { recallAt1: 0.97, p99Ms: 2 }

const QUANTIZATIONS: Quantization[] = ['i8', 'f16', 'bf16', 'f32']

export function configName(config: IndexConfig): string {
  return `c${config.connectivity}-e${config.expansionAdd}-${config.quantization}`
}

/** "c32-e256-f16" → connectivity 32, expansion_add 256, f16 vectors; anything else is refused, not guessed. */
export function parseConfig(name: string): IndexConfig {
  const match = /^c(\d+)-e(\d+)-([a-z0-9]+)$/.exec(name.trim())
  const quantization = match?.[3] as Quantization | undefined
  if (!match || !quantization || !QUANTIZATIONS.includes(quantization)) {
    throw new Error(`not an index configuration: "${name}" (expected c<connectivity>-e<expansion_add>-<${QUANTIZATIONS.join('|')}>, e.g. c32-e128-i8)`)
  }
  const config = { connectivity: Number(match[1]), expansionAdd: Number(match[2]), quantization }
  // usearch takes 0 as "its default", which would make two names mean one index.
  if (config.connectivity < 2 || config.expansionAdd < 1) throw new Error(`connectivity must be ≥ 2 and expansion_add ≥ 1: "${name}"`)
  return config
}

export function parseConfigList(list: string): IndexConfig[] {
  const configs = list.split(',').filter((s) => s.trim() !== '').map(parseConfig)
  const names = configs.map(configName)
  const repeated = names.find((n, i) => names.indexOf(n) !== i)
  if (repeated) throw new Error(`configuration listed twice: ${repeated}`)
  return configs
}

/** As scale-probe.ts sizes it: brute force costs ~2 s per 10k entries × 1000 queries on one core here. */
export function truthSample(count: number, lookups: number): number {
  return Math.min(lookups, count <= 10_000 ? 1000 : count <= 100_000 ? 500 : 300)
}

/** Share of queries whose first result is their true nearest; `truth` covers the first truth.length queries only. */
export function recallAt1(firstIds: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (truth.length === 0 || firstIds.length < truth.length) throw new Error(`recall needs a first result for each of the ${truth.length} queries with a known nearest`)
  let hits = 0
  for (let q = 0; q < truth.length; q++) if (firstIds[q] === truth[q]) hits++
  return hits / truth.length
}

/** One beam on one configuration: the search alone, k = 16, one thread; times in ms. */
export interface SearchPoint {
  expansion: number
  p50: number
  p99: number
  recallAt1: number
  recallAt16: number
}

export interface ConfigResult {
  config: string
  tier: number
  /** 'tier': the scale tier's own index (src's configuration, built incrementally by scale-build.ts), not rebuilt here. */
  build: { source: 'built' | 'tier'; seconds: number; fileMiB: number; rssMiB?: number }
  /** Start-up as VectorIndex.load does it: the checksum of the file, then usearch reading it into memory. */
  load: { checksumSeconds: number; loadSeconds: number; rssMiB: number }
  truthSample: number
  points: SearchPoint[]
}

export interface Recommendation {
  config: string
  point: SearchPoint
  meetsTarget: boolean
  why: string
}

/**
 * The configuration and beam to propose as the default. Among the points that meet the target, the one that
 * costs the least resident memory (then the lowest p99): memory is what grows with the cache. When none
 * meets it, the best trade-off: the highest recall@1 whose p99 stays within the target's bound (then memory).
 */
export function recommend(results: ConfigResult[], target = TARGET): Recommendation | undefined {
  const all = results.flatMap((result) => result.points.map((point) => ({ result, point })))
  const fast = all.filter(({ point }) => point.p99 <= target.p99Ms)
  const meeting = fast.filter(({ point }) => point.recallAt1 >= target.recallAt1)
  const byMemory = (a: (typeof all)[0], b: (typeof all)[0]) => a.result.load.rssMiB - b.result.load.rssMiB || a.point.p99 - b.point.p99
  if (meeting.length > 0) {
    const best = meeting.sort(byMemory)[0]!
    return { config: best.result.config, point: best.point, meetsTarget: true, why: `meets recall@1 ≥ ${pct(target.recallAt1)} with p99 ≤ ${target.p99Ms} ms at the least resident memory of those that do` }
  }
  if (fast.length === 0) return undefined
  const best = fast.sort((a, b) => b.point.recallAt1 - a.point.recallAt1 || byMemory(a, b))[0]!
  return { config: best.result.config, point: best.point, meetsTarget: false, why: `none meets both; the highest recall@1 whose p99 stays within ${target.p99Ms} ms` }
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`
}

/** One row per configuration and beam, with the build and start-up costs beside recall and latency. */
export function markdownTable(results: ConfigResult[]): string {
  const head = [
    '| configuration | build | file | RSS loaded | start-up (checksum + load) | expansion_search | recall@1 | recall@16 | search p50 / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const rows = results.flatMap((r) =>
    r.points.map((p, i) => {
      const first = i === 0
      const build = r.build.source === 'tier' ? `${r.build.seconds.toFixed(0)} s (tier's)` : `${r.build.seconds.toFixed(0)} s`
      return [
        first ? `**${r.config}**` : '',
        first ? build : '',
        first ? `${r.build.fileMiB.toFixed(0)} MiB` : '',
        first ? `${r.load.rssMiB.toFixed(0)} MiB` : '',
        first ? `${(r.load.checksumSeconds + r.load.loadSeconds).toFixed(2)} s (${r.load.checksumSeconds.toFixed(2)} + ${r.load.loadSeconds.toFixed(2)})` : '',
        String(p.expansion),
        pct(p.recallAt1),
        pct(p.recallAt16),
        `${p.p50.toFixed(3)} / ${p.p99.toFixed(3)} ms`,
      ]
    })
  )
  return [...head, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n')
}
