// The figures the targets are judged on, taken once from the raw results of each part of the run, so that a
// target's row and the explanation under the table read the same numbers.

import type { CellResult, MatrixResult, Mode, TargetId } from '../matrix'
import type { ProfileResult } from '../profile'
import type { ScaleResult, TierResult } from '../scale'
import type { SoakResult } from '../soak'
import { cellOf, type RunResults, soakTrend } from './results'

export const MODES = ['json', 'stream'] as const

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
  profileC?: ProfileResult
  profileD?: ProfileResult
}

type Variant = TierResult['index']['variants'][number]

export interface ScaleFigures {
  scale: ScaleResult
  /** The largest tier: the targets are judged there. */
  big: TierResult
  /** The search-alone variants of the largest tier: src/'s settings (the baseline), other beams, usearch's threads. */
  base?: Variant
  v32?: Variant
  v128?: Variant
  vt0?: Variant
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
  /** Seconds this run spent building the scale data (0 when it reused bench/.data/). */
  built: number
  /** The build time recorded when the reused scale data were made. */
  recorded: number
  /** What the run takes on a fresh clone: this run, plus the recorded build when the scale data were reused. */
  freshSeconds: number
}

/** What each part of the run gives the targets; a part that did not run gives nothing. */
export interface Figures {
  matrix: MatrixFigures
  scale: ScaleFigures
  soak: SoakFigures
  /** Run time is judged on full runs only. */
  fullRun: RunFigures
}

function matrixFigures(matrix: MatrixResult): MatrixFigures {
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const cell = (id: TargetId, mode: Mode, n: number) => cellOf(matrix, id, mode, n)!
  return {
    matrix,
    low,
    high,
    cell,
    added: (mode) => cell('c', mode, low).p50 - cell('a', mode, low).p50,
    floorAdded: (mode) => cell('b', mode, low).p50 - cell('a', mode, low).p50,
    share: (mode, n) => cell('c', mode, n).rps / cell('b', mode, n).rps,
    hitRatio: (mode, n) => cell('d', mode, n).rps / cell('c', mode, n).rps,
    cpu: (id, mode = 'json') => cell(id, mode, high).cpuUs,
    profileC: matrix.profile.find((p) => p.label.startsWith('(c)')),
    profileD: matrix.profile.find((p) => p.label.startsWith('(d)')),
  }
}

function scaleFigures(scale: ScaleResult): ScaleFigures {
  const big = scale.tiers[scale.tiers.length - 1]!
  return {
    scale,
    big,
    base: big.index.variants.find((v) => v.expansion === 0 && v.threads === 1),
    v32: big.index.variants.find((v) => v.expansion === 32),
    v128: big.index.variants.find((v) => v.expansion === 128),
    vt0: big.index.variants.find((v) => v.threads === 0),
  }
}

function soakFigures(soak: SoakResult): SoakFigures {
  const trend = soakTrend(soak)
  return { soak, samples: soak.samples, trend, growth: trend.growthMiB / soak.samples[0]!.rssMiB }
}

function runFigures(run: RunResults): RunFigures {
  const built = run.sections.scale?.buildSeconds ?? 0
  const recorded = Math.max(0, ...(run.sections.scale?.tiers.map((t) => t.build.buildSeconds) ?? [0]))
  return { run, built, recorded, freshSeconds: built > 0 ? run.totalSeconds : run.totalSeconds + recorded }
}

export function figuresOf(r: RunResults): Partial<Figures> {
  const { matrix, scale, soak } = r.sections
  return {
    matrix: matrix && matrixFigures(matrix),
    scale: scale && scaleFigures(scale),
    soak: soak && soakFigures(soak),
    fullRun: r.quick ? undefined : runFigures(r),
  }
}
