// The benchmark's targets: one entry per row of the "Targets" table in RESULTS.md, in its order. Each gives
// what it asks (goal), what this run measured, and its verdict: met or missed, and why — the explanation
// written under the table (causes.ts). Adding or dropping a target is adding or dropping its entry here.

import { tierName } from '../scale-common'
import { exactHitsWhy, lookupWhy, overheadWhy, portkeyWhy, runTimeWhy, soakWhy, startupNote } from './causes'
import { type Figures, MODES } from './figures'
import { f1, f3, minutes, pct, ratio, signed } from './format'

export interface Verdict {
  met: boolean
  /** The explanation under the table; targets with one cause give the same text, and it is written once. */
  why?: string
}

type Part = keyof Figures

/** A target measured in one part of the run; it is left out of the table when that part did not run. */
export type Target<P extends Part = Part> = {
  [K in P]: {
    part: K
    goal: (f: Figures[K]) => string
    measured: (f: Figures[K]) => string
    verdict: (f: Figures[K]) => Verdict
  }
}[P]

/** The matrix targets are judged at the fewest connections (latency) and at the most (throughput). */
const CONNECTIONS = ['low', 'high'] as const

/** One target for each mode and each connection count, modes first, as the table lists them. */
const eachCell = (target: (mode: (typeof MODES)[number], n: (typeof CONNECTIONS)[number]) => Target) =>
  MODES.flatMap((mode) => CONNECTIONS.map((n) => target(mode, n)))

export const TARGETS: Target[] = [
  ...MODES.map(
    (mode): Target => ({
      part: 'matrix',
      goal: (m) => `(c) adds < 0.2 ms at p50 over (a), c=${m.low}, ${mode}`,
      measured: (m) => `${signed(m.added(mode))} ms (the floor (b): ${signed(m.floorAdded(mode))} ms)`,
      verdict: (m) => ({ met: m.added(mode) < 0.2, why: overheadWhy(m) }),
    })
  ),
  ...eachCell((mode, n) => ({
    part: 'matrix',
    goal: (m) => `(c) throughput ≥ 90% of (b), c=${m[n]}, ${mode}`,
    measured: (m) => pct(m.share(mode, m[n])),
    verdict: (m) => ({ met: m.share(mode, m[n]) >= 0.9, why: overheadWhy(m) }),
  })),
  ...eachCell((mode, n) => ({
    part: 'matrix',
    goal: (m) => `(d) exact hits ≥ 2× the throughput of (c), c=${m[n]}, ${mode}`,
    measured: (m) => ratio(m.hitRatio(mode, m[n])),
    verdict: (m) => ({ met: m.hitRatio(mode, m[n]) >= 2, why: exactHitsWhy(m) }),
  })),
  ...MODES.map(
    (mode): Target => ({
      part: 'matrix',
      goal: (m) => `≥ 20× the throughput of (f), c=${m.high}, ${mode}`,
      measured: ({ cell, high }) =>
        `(c) ${ratio(cell('c', mode, high).rps / cell('f', mode, high).rps)}, (d) ${ratio(cell('d', mode, high).rps / cell('f', mode, high).rps)}; (f) itself is ${ratio(cell('f', mode, high).rps / cell('b', mode, high).rps)} of (b)`,
      verdict: (m) => ({ met: m.cell('c', mode, m.high).rps / m.cell('f', mode, m.high).rps >= 20, why: portkeyWhy(m) }),
    })
  ),
  {
    part: 'scale',
    goal: ({ big }) => `semantic lookup p99 < 2 ms at ${tierName(big.tier)} entries (no embedding call)`,
    measured: ({ big }) => `${f3(big.cache.hit.p99)} ms (p50 ${f3(big.cache.hit.p50)} ms; search alone p99 ${f3(big.index.search.p99)} ms)`,
    // The start-up note goes with it: it has no target of its own, and is written whenever the scale part ran.
    verdict: (s) => ({ met: s.big.cache.hit.p99 < 2, why: [lookupWhy(s), startupNote(s)].filter(Boolean).join('\n\n') }),
  },
  {
    part: 'soak',
    goal: ({ soak }) => `memory flat over the ${soak.options.durationS} s soak (trend within ±10% of the start)`,
    measured: ({ soak, samples: s, trend, growth }) =>
      `${f1(s[0]!.rssMiB)} MiB at start, ${f1(s[s.length - 1]!.rssMiB)} at the end; trend ${signed(trend.growthMiB, 1)} MiB (${signed(growth * 100, 1)}%); ${f1(soak.rssAfterIdleMiB)} MiB idle after`,
    verdict: (s) => ({ met: Math.abs(s.growth) <= 0.1, why: soakWhy(s) }),
  },
  {
    part: 'fullRun',
    goal: () => '`npm run bench` under 10 minutes on a fresh clone',
    measured: ({ run, built, recorded, freshSeconds }) =>
      built > 0
        ? `${minutes(run.totalSeconds)} (fresh: scale data built in this run, ${minutes(built)})`
        : `${minutes(run.totalSeconds)} with the scale data reused; their build took ${minutes(recorded)} when made, so a fresh clone needs about ${minutes(freshSeconds)}`,
    verdict: (f) => ({ met: f.freshSeconds < 600, why: runTimeWhy(f) }),
  },
]
