import { SETTINGS } from '../../src/config/settings'
// The figures the targets are judged on, taken once from the raw results of each part of the run, so that a
// target's row and the explanation under the table read the same numbers.

import type { CellResult, MatrixResult, MissCell, MissResult, Mode, TargetId } from '../matrix'
import type { ProfileResult } from '../profile'
import type { ScaleResult, SweepPoint, TierResult } from '../scale'
import { DEFAULT_TIERS, ONE_MILLION, type TierInfo } from '../scale-common'
import type { SoakResult } from '../soak'
import { cellOf, type RunResults, soakTrend } from './results'

export const MODES = ['json', 'stream'] as const

/** The expansion_search proxy-gpt searches with by default: CACHE_SEARCH_EXPANSION (src/config/settings.ts). */
export const SRC_EXPANSION = SETTINGS.cache.searchExpansion.default as number

/** Issue 16's bounds, in one place: the rows and the explanations read them from here. */
export const BOUNDS = {
  /** 1: an exact hit's CPU per request at most the floor's per forwarded request; its throughput at least 2× cache off. */
  hitCpuOfFloor: 1,
  hitThroughput: 2,
  /** 2: cache off at most 1.5× the floor's CPU per request; its p50 added at c=1 at most the floor's + 0.1 ms. */
  offCpuOfFloor: 1.5,
  offAddedMs: 0.1,
  /** 3: a miss waits for the embedding at most min(delay, EMBEDDING_WAIT_MS), plus this much (ms). */
  missSlackMs: 50,
  /** 4: recall@1 and search p99 at the largest tier. */
  recall: 0.97,
  p99Ms: 2,
  /** 6: a default run on a fresh clone, seconds. */
  runSeconds: 600,
}

export interface MissFigures {
  result: MissResult
  delays: number[]
  /** The (c) cache-off baseline measured the same way (new questions, sequential, one connection). */
  baseline: (mode: Mode) => MissCell | undefined
  cell: (delay: number, mode: Mode) => MissCell | undefined
  /** What a miss adds over cache off at p50 and p99 (ms). */
  added: (delay: number, mode: Mode) => { p50: number; p99: number }
  /** What the miss may add: the embedding's wait, min(delay, EMBEDDING_WAIT_MS), plus the slack. */
  limit: (delay: number) => number
  /** The answers stored by the proxy of that embedder, with and without their vector. */
  stored: (delay: number) => MissResult['stored'][number] | undefined
  /** The miss added no more than its limit at p50 in that mode. */
  inTime: (delay: number, mode: Mode) => boolean
  /** Every question sent was stored, each with its vector. */
  storedAll: (delay: number) => boolean
  /** Point 3 for that embedder: in time in both modes, and every answer stored with its vector. */
  met: (delay: number) => boolean
}

export interface MatrixFigures {
  matrix: MatrixResult
  /** The fewest and the most connections of the matrix (latency-bound and CPU-bound). */
  low: number
  high: number
  cell: (id: TargetId, mode: Mode, n: number) => CellResult
  /** What (c), and the floor (b), add to the upstream's own p50 at one connection (ms). */
  added: (mode: Mode) => number
  floorAdded: (mode: Mode) => number
  /** (c)'s throughput as a share of the floor's. */
  share: (mode: Mode, n: number) => number
  /** Exact hits (d) against cache off (c), in throughput. */
  hitRatio: (mode: Mode, n: number) => number
  /** CPU µs per request of a target's own process, at the most connections. */
  cpu: (id: TargetId, mode?: Mode) => number
  /** Whether the targets of points 1 and 2 are met (any mode failing is a miss). */
  hitMet: { cpu: (mode: Mode) => boolean; throughput: (mode: Mode) => boolean; all: boolean }
  offMet: { cpu: (mode: Mode) => boolean; latency: (mode: Mode) => boolean; all: boolean }
  /** Point 5: (c) against Portkey (f) in one cell: throughput ratio, and how many times less CPU per request. */
  portkey: (mode: Mode, n: number) => { rps: number; cpu: number; met: boolean }
  /** Point 3, absent in results written before the miss cells. */
  misses?: MissFigures
  profileC?: ProfileResult
  profileD?: ProfileResult
}

export interface ScaleFigures {
  scale: ScaleResult
  /** The largest tier: the targets are judged there. */
  big: TierResult
  /** Whether the largest tier is the 1M one the issue names. */
  atMillion: boolean
  /** The sweep at the largest tier (absent in results written before it). */
  sweep?: SweepPoint[]
  /** The sweep's point at src/'s setting. */
  srcPoint?: SweepPoint
  /** The cheapest setting (least expansion) with recall@1 ≥ 97% and p99 ≤ 2 ms, if any. */
  meeting?: SweepPoint
  /** The default the curve gives: the highest recall@1 within p99 ≤ 2 ms (else the lowest p99), and why. */
  chosen?: { point: SweepPoint; why: string }
}

export interface SoakFigures {
  soak: SoakResult
  samples: SoakResult['samples']
  trend: ReturnType<typeof soakTrend>
  /** The trend as a share of the resident memory at the start. */
  growth: number
}

export interface RunFigures {
  run: RunResults
  /** Whether this was `npm run bench` as a fresh clone runs it (not --quick, every part, the default tiers, finished); else why not. */
  defaultRun: boolean
  notDefault?: string
  /** Seconds this run spent building scale data (0 when it reused bench/.data/). */
  built: number
  /** Every measured tier was built in this run (a fresh clone's run), none was, or some were. */
  fresh: 'all' | 'none' | 'some' | 'no scale part'
  /** The build time of the largest measured tier as recorded when it was made (cumulative from nothing). */
  recorded: number
  /** What the run takes on a fresh clone: this run without its own building, plus the recorded build from nothing. */
  freshSeconds: number
  /** The 1M tier's one-time build: from this run, from bench/.data/, or the figure measured on this machine before. */
  oneMillion: { seconds: number; source: string }
}

/** What each part of the run gives the targets; a part that did not run gives nothing. */
export interface Figures {
  matrix: MatrixFigures
  scale: ScaleFigures
  soak: SoakFigures
  run: RunFigures
}

function missFigures(result: MissResult): MissFigures {
  const baseline = (mode: Mode) => result.cells.find((c) => c.embeddingDelayMs === undefined && c.mode === mode)
  const cell = (delay: number, mode: Mode) => result.cells.find((c) => c.embeddingDelayMs === delay && c.mode === mode)
  const added = (delay: number, mode: Mode) => ({
    p50: (cell(delay, mode)?.latency.p50 ?? NaN) - (baseline(mode)?.latency.p50 ?? NaN),
    p99: (cell(delay, mode)?.latency.p99 ?? NaN) - (baseline(mode)?.latency.p99 ?? NaN),
  })
  const limit = (delay: number) => Math.min(delay, result.embeddingWaitMs) + BOUNDS.missSlackMs
  const stored = (delay: number) => result.stored.find((s) => s.embeddingDelayMs === delay)
  const inTime = (delay: number, mode: Mode) => added(delay, mode).p50 <= limit(delay)
  const storedAll = (delay: number) => {
    const s = stored(delay)
    return !!s && s.entries === s.sent && s.withVector === s.sent
  }
  return {
    result,
    delays: [...new Set(result.cells.flatMap((c) => (c.embeddingDelayMs === undefined ? [] : [c.embeddingDelayMs])))],
    baseline,
    cell,
    added,
    limit,
    stored,
    inTime,
    storedAll,
    met: (delay) => MODES.every((mode) => inTime(delay, mode)) && storedAll(delay),
  }
}

function matrixFigures(matrix: MatrixResult): MatrixFigures {
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const cell = (id: TargetId, mode: Mode, n: number) => cellOf(matrix, id, mode, n)!
  const cpu = (id: TargetId, mode: Mode = 'json') => cell(id, mode, high).cpuUs
  const added = (mode: Mode) => cell('c', mode, low).p50 - cell('a', mode, low).p50
  const floorAdded = (mode: Mode) => cell('b', mode, low).p50 - cell('a', mode, low).p50
  const hitRatio = (mode: Mode, n: number) => cell('d', mode, n).rps / cell('c', mode, n).rps
  const hitCpu = (mode: Mode) => cpu('d', mode) <= BOUNDS.hitCpuOfFloor * cpu('b', mode)
  const hitThroughput = (mode: Mode) => hitRatio(mode, high) >= BOUNDS.hitThroughput
  const offCpu = (mode: Mode) => cpu('c', mode) <= BOUNDS.offCpuOfFloor * cpu('b', mode)
  const offLatency = (mode: Mode) => added(mode) <= floorAdded(mode) + BOUNDS.offAddedMs
  return {
    matrix,
    low,
    high,
    cell,
    added,
    floorAdded,
    share: (mode, n) => cell('c', mode, n).rps / cell('b', mode, n).rps,
    hitRatio,
    cpu,
    // Getters: a figure is read only when a row or a note asks for it.
    hitMet: {
      cpu: hitCpu,
      throughput: hitThroughput,
      get all() {
        return MODES.every((m) => hitCpu(m) && hitThroughput(m))
      },
    },
    offMet: {
      cpu: offCpu,
      latency: offLatency,
      get all() {
        return MODES.every((m) => offCpu(m) && offLatency(m))
      },
    },
    portkey: (mode, n) => {
      const [c, f] = [cell('c', mode, n), cell('f', mode, n)]
      const rps = c.rps / f.rps
      const less = f.cpuUs / c.cpuUs
      return { rps, cpu: less, met: rps > 1 && less > 1 }
    },
    misses: matrix.misses && missFigures(matrix.misses),
    profileC: matrix.profile.find((p) => p.label.startsWith('(c)')),
    profileD: matrix.profile.find((p) => p.label.startsWith('(d)')),
  }
}

function chooseDefault(sweep: SweepPoint[]): { point: SweepPoint; why: string } {
  const fast = sweep.filter((p) => p.search.p99 <= BOUNDS.p99Ms)
  if (fast.length > 0) {
    const best = fast.reduce((a, b) => (b.recallAt1 > a.recallAt1 + 1e-9 ? b : a))
    return { point: best, why: `it has the highest recall@1 of the settings whose search p99 stays within ${BOUNDS.p99Ms} ms (a larger beam finds no more, or costs more than ${BOUNDS.p99Ms} ms at p99)` }
  }
  const quickest = sweep.reduce((a, b) => (b.search.p99 < a.search.p99 ? b : a))
  return { point: quickest, why: `no setting keeps the search p99 within ${BOUNDS.p99Ms} ms, and it comes nearest` }
}

function scaleFigures(scale: ScaleResult): ScaleFigures {
  const big = scale.tiers[scale.tiers.length - 1]!
  const sweep = big.index.sweep
  return {
    scale,
    big,
    atMillion: big.tier >= ONE_MILLION,
    sweep,
    srcPoint: sweep?.find((p) => p.expansion === SRC_EXPANSION),
    meeting: sweep?.find((p) => p.recallAt1 >= BOUNDS.recall && p.search.p99 <= BOUNDS.p99Ms),
    chosen: sweep && sweep.length > 0 ? chooseDefault(sweep) : undefined,
  }
}

function soakFigures(soak: SoakResult): SoakFigures {
  const trend = soakTrend(soak)
  return { soak, samples: soak.samples, trend, growth: trend.growthMiB / soak.samples[0]!.rssMiB }
}

/** Measured on this machine in the full run of 2026-11-25 16:31 UTC (fresh clone): 10k → 100k → 1M, built once. */
export const ONE_MILLION_BUILD_MEASURED = { seconds: 13 * 60 + 15, when: 'the full run of 2026-11-25 16:31 UTC on this machine' }

function runFigures(run: RunResults): RunFigures {
  const scale = run.sections.scale
  const built = scale?.buildSeconds ?? 0
  const tiers = scale?.tiers ?? []
  const recorded = Math.max(0, ...tiers.map((t) => t.build.buildSeconds))
  const builtNow = tiers.filter((t) => t.builtNow).length
  const fresh = !scale ? 'no scale part' : builtNow === tiers.length ? 'all' : builtNow === 0 ? 'none' : 'some'
  const sameTiers = !!scale && scale.options.tiers.length === DEFAULT_TIERS.length && DEFAULT_TIERS.every((t, i) => scale.options.tiers[i] === t)
  const missing = (['matrix', 'scale', 'soak'] as const).filter((p) => !run.sections[p])
  const notDefault = run.quick
    ? 'a --quick run'
    : missing.length > 0
      ? `not every part ran (no ${missing.join(', ')})`
      : !sameTiers
        ? `its tiers were ${scale!.options.tiers.join(',')}, not the default ${DEFAULT_TIERS.join(',')}`
        : run.failure
          ? 'it did not finish'
          : undefined
  const oneM = tiers.find((t) => t.tier === ONE_MILLION)
  const known: TierInfo | undefined = oneM?.build ?? scale?.oneMillion
  const oneMillion = oneM?.builtNow
    ? { seconds: oneM.build.buildSeconds, source: 'built in this run (10k → 100k → 1M, cumulative)' }
    : known
      ? { seconds: known.buildSeconds, source: 'recorded in bench/.data/ when it was built (10k → 100k → 1M, cumulative)' }
      : { seconds: ONE_MILLION_BUILD_MEASURED.seconds, source: `10k → 100k → 1M, measured in ${ONE_MILLION_BUILD_MEASURED.when}` }
  return {
    run,
    defaultRun: notDefault === undefined,
    notDefault,
    built,
    fresh,
    recorded,
    freshSeconds: run.totalSeconds - built + recorded,
    oneMillion,
  }
}

export function figuresOf(r: RunResults): Partial<Figures> {
  const { matrix, scale, soak } = r.sections
  return {
    matrix: matrix && matrixFigures(matrix),
    scale: scale && scaleFigures(scale),
    soak: soak && soakFigures(soak),
    run: runFigures(r),
  }
}
