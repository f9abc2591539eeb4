// The benchmark's targets (issue 16): one entry per row of the "Targets" table in RESULTS.md, in its order.
// Each gives what it asks (goal), what this run measured, and its verdict: met, missed, or not judged (the
// run did not measure it), with the explanation written under the table (causes.ts). Adding or dropping a
// target is adding or dropping its entry here; the bounds are in figures.ts (BOUNDS).

import { tierName } from '../scale-common'
import {
  exactHitsNote,
  lookupNote,
  missWhy,
  oneMillionNote,
  overheadWhy,
  portkeyNote,
  runTimeWhy,
  soakWhy,
  startupNote,
} from './causes'
import { BOUNDS, type Figures, MODES, SRC_EXPANSION } from './figures'
import { f0, f1, f3, minutes, pct, ratio, signed } from './format'

export interface Verdict {
  /** undefined: not judged (the run did not measure it, or was not the run the target speaks of). */
  met: boolean | undefined
  /** Said after the verdict, e.g. which tier it was judged at. */
  note?: string
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

const perMode = (target: (mode: (typeof MODES)[number]) => Target) => MODES.map(target)

/** Point 5 is judged in every cell: both modes, at the fewest and the most connections. */
const perCell = (target: (mode: (typeof MODES)[number], n: 'low' | 'high') => Target) => MODES.flatMap((mode) => (['low', 'high'] as const).map((n) => target(mode, n)))

const delayName = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`)

export const TARGETS: Target[] = [
  // 1. Exact hits.
  ...perMode((mode) => ({
    part: 'matrix',
    goal: (m) => `1. (d) exact hit: CPU per request ≤ the floor (b)'s per forwarded request, c=${m.high}, ${mode}`,
    measured: (m) => `${f0(m.cpu('d', mode))} µs against ${f0(m.cpu('b', mode))} µs (${ratio(m.cpu('d', mode) / m.cpu('b', mode))})`,
    verdict: (m) => ({ met: m.hitMet.cpu(mode), why: exactHitsNote(m) }),
  })),
  ...perMode((mode) => ({
    part: 'matrix',
    goal: (m) => `1. (d) exact hits: throughput ≥ ${BOUNDS.hitThroughput}× (c) cache off, c=${m.high}, ${mode}`,
    measured: (m) => `${ratio(m.hitRatio(mode, m.high))} (${f0(m.cell('d', mode, m.high).rps)} against ${f0(m.cell('c', mode, m.high).rps)} req/s)`,
    verdict: (m) => ({ met: m.hitMet.throughput(mode), why: exactHitsNote(m) }),
  })),
  // 2. Cache off.
  ...perMode((mode) => ({
    part: 'matrix',
    goal: (m) => `2. (c) cache off: CPU per request ≤ ${BOUNDS.offCpuOfFloor}× the floor (b)'s, c=${m.high}, ${mode}`,
    measured: (m) => `${f0(m.cpu('c', mode))} µs = ${ratio(m.cpu('c', mode) / m.cpu('b', mode))} the floor's ${f0(m.cpu('b', mode))} µs`,
    verdict: (m) => ({ met: m.offMet.cpu(mode), why: overheadWhy(m) }),
  })),
  ...perMode((mode) => ({
    part: 'matrix',
    goal: (m) => `2. (c) cache off: p50 added over (a) ≤ the floor (b)'s + ${BOUNDS.offAddedMs} ms, c=${m.low}, ${mode}`,
    measured: (m) =>
      `(c) ${signed(m.added(mode))} ms, (b) ${signed(m.floorAdded(mode))} ms: ${signed(m.added(mode) - m.floorAdded(mode))} ms over the floor's (at most +${BOUNDS.offAddedMs.toFixed(3)})`,
    verdict: (m) => ({ met: m.offMet.latency(mode), why: overheadWhy(m) }),
  })),
  // 3. A miss with a slow embedder; the delays are the run's own (150 ms and 2 s by default).
  ...[150, 2000].map(
    (delay, i): Target => ({
      part: 'matrix',
      goal: (m) => {
        const d = m.misses?.delays[i] ?? delay
        const wait = m.misses?.result.embeddingWaitMs ?? 300
        return `3. a miss (cache on, a new question) with a ${delayName(d)} embedder: p50 added over (c) cache off ≤ ${f0(Math.min(d, wait))} + ${BOUNDS.missSlackMs} ms, c=1 (EMBEDDING_WAIT_MS ${wait})`
      },
      measured: (m) => {
        const s = m.misses
        const d = s?.delays[i]
        if (!s || d === undefined) return 'not measured: these results were written before the miss cells existed'
        const stored = s.stored(d)
        return (
          MODES.map((mode) => `${signed(s.added(d, mode).p50, 1)} ms ${mode} (p99 ${signed(s.added(d, mode).p99, 1)})`).join(', ') +
          (stored ? `; ${stored.withVector} of ${stored.sent} answers stored with their vector` : '')
        )
      },
      verdict: (m) => {
        const s = m.misses
        const d = s?.delays[i]
        if (!s || d === undefined) return { met: undefined }
        return { met: s.met(d), why: missWhy(m) }
      },
    })
  ),
  // 4. Semantic at scale.
  {
    part: 'scale',
    goal: () => `4. semantic at 1M entries: some expansion_search gives recall@1 ≥ ${pct(BOUNDS.recall)} of the true nearest with search p99 ≤ ${BOUNDS.p99Ms} ms`,
    measured: (s) => {
      const at = s.atMillion ? `at ${tierName(s.big.tier)}` : `at ${tierName(s.big.tier)} (1M not run: \`--tiers=10000,100000,1000000\`)`
      if (!s.sweep) return `${at}: no expansion_search sweep in these results (written before it existed)`
      const point = (p: NonNullable<typeof s.srcPoint>) => `${p.expansion} → ${pct(p.recallAt1)}, p99 ${f3(p.search.p99)} ms`
      return `${at}: ${s.meeting ? `${point(s.meeting)} (the cheapest that reaches both)` : `none reaches both; the curve is in section 3`}; the default CACHE_SEARCH_EXPANSION=${SRC_EXPANSION}${s.srcPoint ? `: ${pct(s.srcPoint.recallAt1)}, p99 ${f3(s.srcPoint.search.p99)} ms` : ''}`
    },
    verdict: (s) => ({
      met: s.sweep ? !!s.meeting : undefined,
      note:
        [s.sweep && !s.meeting && s.chosen ? `trade-off curve; the default would be ${s.chosen.point.expansion}, see below` : '', s.atMillion ? '' : `at ${tierName(s.big.tier)}; 1M not run`]
          .filter(Boolean)
          .join('; ') || undefined,
      why: lookupNote(s),
    }),
  },
  {
    part: 'scale',
    goal: ({ big }) => `4. the semantic lookup as proxy-gpt runs it (expansion_search ${SRC_EXPANSION}): p99 ≤ ${BOUNDS.p99Ms} ms and ≥ ${pct(BOUNDS.recall)} of paraphrases found, at ${tierName(big.tier)} (no embedding call)`,
    measured: ({ big }) => `p99 ${f3(big.cache.hit.p99)} ms (p50 ${f3(big.cache.hit.p50)} ms; search alone p99 ${f3(big.index.search.p99)} ms); ${pct(big.cache.hitRate)} found`,
    // The start-up note goes with it: it has no target of its own, and is written whenever the scale part ran.
    verdict: (s) => ({
      met: s.big.cache.hit.p99 <= BOUNDS.p99Ms && s.big.cache.hitRate >= BOUNDS.recall,
      note: s.atMillion ? undefined : `at ${tierName(s.big.tier)}; 1M not run`,
      why: startupNote(s),
    }),
  },
  // 5. Beside Portkey, in every cell.
  ...perCell((mode, n) => ({
    part: 'matrix',
    goal: (m) => `5. (c) ahead of Portkey (f) in req/s and in CPU per request, c=${m[n]}, ${mode}`,
    measured: (m) => {
      const p = m.portkey(mode, m[n])
      return `${ratio(p.rps)} its req/s; ${ratio(p.cpu)} less CPU (${f0(m.cell('c', mode, m[n]).cpuUs)} against ${f0(m.cell('f', mode, m[n]).cpuUs)} µs)`
    },
    verdict: (m) => ({ met: m.portkey(mode, m[n]).met, why: portkeyNote(m) }),
  })),
  // 6. Run time.
  {
    part: 'run',
    goal: () => '6. `npm run bench` (default: tiers 10k and 100k) under 10 minutes on a fresh clone',
    measured: (f) => {
      const total = minutes(f.run.totalSeconds)
      if (!f.defaultRun) return `${total} for this run, which is not the default one (${f.notDefault})`
      if (f.fresh === 'all') return `${total}, the scale data built in this run (${minutes(f.built)}), as on a fresh clone`
      return `${total} with ${f.fresh === 'none' ? 'the scale data reused from bench/.data/' : 'part of the scale data reused from bench/.data/'}; their build took ${minutes(f.recorded)} when made, so a fresh clone needs about ${minutes(f.freshSeconds)}`
    },
    verdict: (f) => ({
      met: f.defaultRun ? f.freshSeconds < BOUNDS.runSeconds : undefined,
      note: f.defaultRun && f.fresh !== 'all' ? 'estimated: not from a fresh clone' : undefined,
      why: [runTimeWhy(f), oneMillionNote(f)].filter(Boolean).join('\n\n'),
    }),
  },
  // 7. No regression elsewhere: the soak (tests and behaviour are not the bench's to judge).
  {
    part: 'soak',
    goal: ({ soak }) => `7. memory flat over the ${soak.options.durationS} s soak (trend within ±10% of the start)`,
    measured: ({ soak, samples: s, trend, growth }) =>
      `${f1(s[0]!.rssMiB)} MiB at start, ${f1(s[s.length - 1]!.rssMiB)} at the end; trend ${signed(trend.growthMiB, 1)} MiB (${signed(growth * 100, 1)}%); ${f1(soak.rssAfterIdleMiB)} MiB idle after`,
    verdict: (s) => ({ met: Math.abs(s.growth) <= 0.1, why: soakWhy(s) }),
  },
]
