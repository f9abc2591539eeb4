// The raw numbers of one run, as bench/run.ts saves them in bench/.data/results.json, and the readings of
// them that more than one part of the report makes.

import type { Machine } from '../lib/machine'
import type { CellResult, MatrixResult, Mode, TargetId } from '../matrix'
import type { ScaleResult } from '../scale'
import type { SoakResult } from '../soak'

export interface RunResults {
  quick: boolean
  startedAt: string
  command: string
  machine: Machine
  sections: { matrix?: MatrixResult; scale?: ScaleResult; soak?: SoakResult }
  sectionSeconds: Record<string, number>
  totalSeconds: number
  loadAtEnd?: number[]
  failure?: string
}

export function cellOf(matrix: MatrixResult, target: TargetId, mode: Mode, connections: number): CellResult | undefined {
  return matrix.cells.find((c) => c.target === target && c.mode === mode && c.connections === connections)
}

/** Least-squares growth of resident memory over the soak, in MiB over its whole duration. */
export function soakTrend(soak: SoakResult): { growthMiB: number; min: number; max: number } {
  const s = soak.samples
  const n = s.length
  const mt = s.reduce((a, x) => a + x.t, 0) / n
  const mr = s.reduce((a, x) => a + x.rssMiB, 0) / n
  const slope = s.reduce((a, x) => a + (x.t - mt) * (x.rssMiB - mr), 0) / (s.reduce((a, x) => a + (x.t - mt) ** 2, 0) || 1)
  return { growthMiB: slope * soak.options.durationS, min: Math.min(...s.map((x) => x.rssMiB)), max: Math.max(...s.map((x) => x.rssMiB)) }
}
