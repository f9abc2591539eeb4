// How the Responses and Messages sections read their cells: each cell's medians over the rounds that dialect's
// targets took part in, so that a chat target is compared with a dialect target measured side by side in the
// same rotation, not with the median of rounds the dialect target sat out; and the table and comparison lines
// the two sections share.

import { median } from '../lib/stats'
import type { MatrixResult, Mode, TargetId } from '../matrix'
import { TARGET_LABELS } from '../matrix'
import { roundsOf } from '../messages-cells'
import { f0, f3, ratio, signed, table } from './format'
import { cellOf } from './results'

export interface Figures {
  rps: number
  p50: number
  p99: number
  cpuUs: number
  systemUs: number
  upstreamCpuUs: number
}

/** The medians of a cell over those of its rounds that are among `rounds` (0-based rounds of the run). */
export function figuresOf(matrix: MatrixResult, id: TargetId, mode: Mode, n: number, rounds: number[]): Figures | undefined {
  const cell = cellOf(matrix, id, mode, n)
  if (!cell) return undefined
  // A cell keeps one entry per round it took part in, in order: which rounds those were follows from the options.
  const taken = roundsOf(id, matrix.options)
  const picked = cell.rounds.filter((_, k) => rounds.includes(taken[k]!))
  const of = (pick: (r: (typeof picked)[number]) => number) => median(picked.map(pick))
  return {
    rps: of((r) => r.rps),
    p50: of((r) => r.latency.p50),
    p99: of((r) => r.latency.p99),
    cpuUs: of((r) => r.cpuUs),
    systemUs: of((r) => r.systemUs),
    upstreamCpuUs: of((r) => r.upstreamCpuUs),
  }
}

/** How much more `x` is than `of`, as a signed percentage. */
export const more = (x: number, of: number) => (Number.isFinite(x / of) ? `${x >= of ? '+' : '−'}${Math.abs((x / of - 1) * 100).toFixed(1)}%` : '–')

/** A dialect section's table: each target at the lowest and highest connection count, JSON then stream. */
export function dialectTable(matrix: MatrixResult, ids: TargetId[], rounds: number[]): string {
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const rows = (['json', 'stream'] as const).flatMap((mode) =>
    ids.map((id) => {
      const [one, many, a1] = [figuresOf(matrix, id, mode, low, rounds), figuresOf(matrix, id, mode, high, rounds), figuresOf(matrix, 'a', mode, low, rounds)]
      return [
        TARGET_LABELS[id],
        mode,
        f0(one?.rps ?? NaN),
        f3(one?.p50 ?? NaN),
        signed((one?.p50 ?? NaN) - (a1?.p50 ?? NaN)),
        f0(many?.rps ?? NaN),
        f3(many?.p50 ?? NaN),
        f3(many?.p99 ?? NaN),
        `${f0(many?.cpuUs ?? NaN)} (${f0(many?.systemUs ?? NaN)})`,
        // A process that did nothing can come out a hair below zero from rounding its CPU times: shown as 0.
        f0(Math.max(0, many?.upstreamCpuUs ?? NaN)),
      ]
    })
  )
  return table(
    ['target', 'mode', `c=${low} req/s`, 'p50 ms', 'p50 − (a) ms', `c=${high} req/s`, 'p50 ms', 'p99 ms', `CPU µs/req (system), c=${high}`, `upstream CPU µs/req, c=${high}`],
    rows
  )
}

/** One line comparing `x`'s CPU per request (and throughput) with `of`'s, at the highest connection count. */
export function comparison(matrix: MatrixResult, rounds: number[], mode: Mode, what: string, x: TargetId, of: TargetId): string {
  const high = Math.max(...matrix.options.connections)
  const [fx, fof] = [figuresOf(matrix, x, mode, high, rounds), figuresOf(matrix, of, mode, high, rounds)]
  const [cx, cof] = [fx?.cpuUs ?? NaN, fof?.cpuUs ?? NaN]
  return `- ${what}, ${mode}: **${f0(cx)} µs against ${f0(cof)} µs (${more(cx, cof)})** of CPU per request, ${ratio((fx?.rps ?? NaN) / (fof?.rps ?? NaN))} the throughput`
}
