// The explanations under the targets table: for a missed target, the measured cause and what would close it;
// for some targets a short note whatever the verdict (what was done for exact hits, the Portkey comparison, the
// trade-off curve of the semantic index, the 1M tier's build). Each returns undefined when there is nothing to
// say; targets that share a text return the same one, and the report writes it once. Every sentence is built
// from the run's numbers, so it stays true whatever they are.

import type { Mode } from '../matrix'
import { costs, type ProfileResult } from '../profile'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../lib/proc'
import { isResponsesTarget } from '../responses-cells'
import { tierName } from '../scale-common'
import { BOUNDS, type MatrixFigures, MODES, type RunFigures, type ScaleFigures, type SoakFigures, SRC_EXPANSION } from './figures'
import { f0, f1, f2, f3, minutes, pct, ratio, signed } from './format'

// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────
// FIXED TEXT — what was done in src/ for the exact-hit path. Written into RESULTS.md as it stands, under
// point 1 ("Exact hits — where the time goes, and what was done"), whatever the numbers; the numbers around it
// are the run's own. Edit it here when src/ changes.
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────
export const EXACT_HIT_WORK = `**What was done in src/.** Profiled under exact-hit load, a hit spent most of its time around the lookup
rather than in it: Elysia rebuilt every response (a new \`Headers\` and a new \`Response\` around the body)
because the CORS and request-id headers were set by a plugin; every hit read its row from SQLite and parsed
and rendered the stored answer again; and every request was hashed for its cache keys. The changes:
the most asked answers are kept hot in memory, ready to send, and recognised by the request's bytes alone
(\`src/cache/hot-answers.ts\`, \`src/openai/replay-template.ts\`; the store stays the truth and every change
to it reaches them); the CORS and request-id headers are added outside Elysia by the server wrapper
(\`src/http/cors.ts\`), so Elysia no longer rebuilds every response; the hashing is cheaper (\`Bun.SHA256\`,
a memo of the log's client hash); and the metrics histograms and counters are counted per label set
(\`src/stats/histogram.ts\`) and handed to prom-client when scraped.`

// FIXED TEXT — what was tried for cache off (point 2), and what would close it. Edit it here when src/ changes.
export const CACHE_OFF_WORK = `**What was tried.** Everything under point 1 that every request shares: the CORS and request-id headers
outside Elysia (Elysia no longer rebuilds the response around the upstream's body), \`Bun.SHA256\` for the key
check, the log's client hash memoised, request ids from a counter, the metrics counted per label set, the log's
timestamp made once a millisecond, one copy of the request headers less, the pool's route per model memoised,
the token estimate skipped for keys without usage, a cheaper timeout and abort wiring (measured: no better than
\`AbortSignal.any\`, reverted), and a Bun direct stream for the SSE tap (about 10% less CPU on streams, but a
reader sees a different stream than the WHATWG one the unit tests pin; reverted). In the issue's run cache off
cost 149 / 196 µs (JSON / stream), 2.7× / 2.6× its floor; the ratio to the floor, above, is what compares across
runs, and these changes moved it little. **What is left** is spread thin: after the
\`fetch\` and the sockets (both paid by the floor too), no single cost is above ~5%; it is about 60 µs of
JavaScript over some forty functions — reading and validating the JSON, writing it again, the header filters both
ways, the timeout and abort signals, the pool's choice of key and its health read, the relay, the access log and
the statistics. **What would close it**: a second, narrower path for the plain forward (no cache, no usage to
meter): the client's bytes sent on untouched when no output cap or model rename applies, header allow-lists
compiled once instead of filtered per request, and the statistics sampled rather than counted per figure — a
design change to weigh against keeping one request flow.`

/** The profile's largest costs, as a sentence. */
function costLines(profile: ProfileResult | undefined, label: string): string {
  if (!profile) return ''
  const list = costs(profile).filter((c) => c.share >= 0.02)
  if (list.length === 0) return ''
  return `In the profile of ${label} (section 2), the largest costs are: ${list.map((c) => `${c.what} ${pct(c.share)}`).join('; ')}.`
}

/** The remedies for the costs the profile found (≥ 3% of the samples). */
function fixes(profile: ProfileResult | undefined): string {
  if (!profile) return 'see the profile.'
  const list = costs(profile).filter((c) => c.fix && c.share >= 0.03)
  return list.length ? `${list.map((c) => `${c.fix} (${pct(c.share)})`).join('; ')}.` : 'no single cost with a known remedy above 3% of the samples stands out; the remaining cost is spread over the request path.'
}

/** x as a multiple of y, with words that stay true: "less than half", "less, but not half", "about the same", "more". */
function against(x: number, y: number): string {
  const r = x / y
  if (!Number.isFinite(r)) return '–'
  const words = r < 0.5 ? 'less than half' : r < 0.9 ? 'less, but not half' : r <= 1.1 ? 'about the same' : 'more'
  return `${ratio(r)}: ${words}`
}

const verdictWord = (met: boolean) => (met ? 'met' : 'missed')

/** Point 1, always written with the matrix: what was done, where a hit's time goes now, and (when missed) what would close it. */
export function exactHitsNote(m: MatrixFigures): string {
  const { matrix, cell, low, high, cpu, profileD, hitMet } = m
  const perMode = (mode: Mode) =>
    `- ${mode === 'json' ? 'without streaming' : 'streamed'}: **${f0(cpu('d', mode))} µs** of CPU per exact hit — against the floor's ${f0(cpu('b', mode))} µs per forwarded request ${against(cpu('d', mode), cpu('b', mode))} (target ${verdictWord(hitMet.cpu(mode))}); against proxy-gpt's ${f0(cpu('c', mode))} µs with the cache off ${against(cpu('d', mode), cpu('c', mode))}. Throughput ${ratio(m.hitRatio(mode, high))} that of (c) (target ${verdictWord(hitMet.throughput(mode))}).`
  const missed = !hitMet.all
  const slowModes = MODES.filter((mode) => !hitMet.throughput(mode))
  const ceiling = slowModes
    .map((mode) => {
      const need = BOUNDS.hitThroughput * cell('c', mode, high).rps
      const direct = cell('a', mode, high).rps
      return `${mode}: ${BOUNDS.hitThroughput}× (c) is ${f0(need)} req/s, ${pct(need / direct)} of the ${f0(direct)} req/s the same load generator reached against the bare fake upstream (a); (d) reached ${f0(cell('d', mode, high).rps)}`
    })
    .join('; ')
  return `### Exact hits (point 1) — where the time goes, and what was done

${EXACT_HIT_WORK}

**In this run**, at c=${high}:

${MODES.map(perMode).join('\n')}

At one connection a hit also skips the upstream's ${matrix.options.latencyMs} ms wait: ${MODES.map((mode) => `${ratio(m.hitRatio(mode, low))} the throughput of (c) ${mode === 'json' ? 'without streaming' : 'streamed'}`).join(', ')},
at a p50 of ${MODES.map((mode) => `${f3(cell('d', mode, low).p50)} ms`).join(' / ')}. (e), a semantic hit, costs ${f0(cpu('e'))} µs (JSON, c=${high}), one embedding call included.
${costLines(profileD, 'exact hits')}${missed ? `

What would close it: ${fixes(profileD)} Beyond the profile's largest costs, a hit still pays what every request pays
in proxy-gpt and the floor does not — routing, the key check, the access log, statistics; for a hit to cost
no more than the floor's forwarding, that common path and the hit's own work together must cost no more than
piping one request through \`fetch\` on this runtime.${slowModes.length ? `
Throughput at c=${high} is shared with the load generator (autocannon, on the same cores) and the kernel, whose cost per request a hit does not
lower: ${ceiling}.` : ''}` : ''}`
}

/** Point 2, written when cache off costs more than 1.5× the floor's CPU, or adds more than the floor + 0.1 ms at c=1. */
export function overheadWhy(m: MatrixFigures): string | undefined {
  const { cell, low, high, added, floorAdded, cpu, profileC, offMet } = m
  if (offMet.all) return undefined
  const cpuLine = (mode: Mode) => `${f0(cpu('c', mode))} µs against ${f0(cpu('b', mode))} µs (${ratio(cpu('c', mode) / cpu('b', mode))}, ${verdictWord(offMet.cpu(mode))}) ${mode === 'json' ? 'without streaming' : 'streamed'}`
  const latencyLine = (mode: Mode) =>
    `${signed(added(mode))} ms against the floor's ${signed(floorAdded(mode))} ms ${mode === 'json' ? 'without streaming' : 'streamed'} (${signed(added(mode) - floorAdded(mode))} ms, ${verdictWord(offMet.latency(mode))})`
  return `### Cache off (point 2) — why, and what would close it

CPU per request at c=${high}, which decides throughput once the cores are busy: ${MODES.map(cpuLine).join('; ')}.
Hence (c) reached ${MODES.map((mode) => `${pct(m.share(mode, high))} of (b)'s throughput ${mode}`).join(' and ')} at c=${high}. Added p50 over (a) at c=${low}: ${MODES.map(latencyLine).join('; ')};
the part proxy-gpt controls is (c) − (b): ${MODES.map((mode) => `${signed(cell('c', mode, low).p50 - cell('b', mode, low).p50)} ms ${mode}`).join(', ')}.
The floor only swaps a header and pipes the body; proxy-gpt routes the request, checks the key, parses,
validates and re-serialises the JSON, filters headers both ways, arms an upstream timeout, logs and counts it.
${costLines(profileC, 'cache off')}

${CACHE_OFF_WORK}

Of the costs the profile names, the remedies known: ${fixes(profileC)}`
}

/** Point 3, written when a miss waited longer than min(delay, EMBEDDING_WAIT_MS) + 50 ms, or an answer was stored without its vector. */
export function missWhy(m: MatrixFigures): string | undefined {
  const s = m.misses
  if (!s) return undefined
  const late = s.delays.flatMap((d) => MODES.filter((mode) => !s.inTime(d, mode)).map((mode) => [d, mode] as const))
  const lost = s.delays.filter((d) => !s.storedAll(d))
  if (late.length === 0 && lost.length === 0) return undefined
  const wait = s.result.embeddingWaitMs
  const lines = late.map(([d, mode]) => {
    const a = s.added(d, mode).p50
    const expected = Math.min(d, wait)
    return `- embedder ${d} ms, ${mode}: ${signed(a, 1)} ms at p50 over cache off, where the wait for the embedding should be ${f0(expected)} ms (${d > wait ? `the lookup gives up after EMBEDDING_WAIT_MS, ${wait} ms` : 'the embedding comes before EMBEDDING_WAIT_MS'}), at most ${f0(s.limit(d))} ms with the slack: ${f1(a - expected)} ms more than the wait itself`
  })
  const storedLines = lost.map((d) => {
    const st = s.stored(d)
    return st
      ? `- embedder ${d} ms: ${st.entries} answers stored for ${st.sent} new questions, ${st.withVector} of them with their vector (read from its cache.sqlite after it stopped)`
      : `- embedder ${d} ms: what its proxy stored was not read`
  })
  return `### A miss with a slow embedder (point 3) — why, and what would close it

${[...lines, ...storedLines].join('\n')}
${late.some(([d]) => d > wait) ? `\nWhere the embedder is slower than EMBEDDING_WAIT_MS, a miss that waits longer than the setting means the wait is not
bounded by it on this path: what would close it is giving up at the setting on every path that waits for the
question's embedding (the semantic lookup, and any wait for an identical request in flight that is itself waiting).` : ''}${late.some(([d]) => d <= wait) ? `\nWhere the embedding came in time, the time past it is the lookup, the store and the upstream call that follow:
compare with the semantic-hit cell (e) of section 1, which pays the same lookup.` : ''}${lost.length ? `\nAn answer stored without its vector can be found again only word for word: the embedding that came after the
answer has to be written to its entry when it arrives (and before the proxy stops, which waits for it).` : ''}`
}

/** Point 4, written with the sweep: the curve in words, the setting that meets the target or the default the curve gives, and why. */
export function lookupNote(f: ScaleFigures): string | undefined {
  const { big, sweep, meeting, chosen, srcPoint, atMillion } = f
  if (!sweep || sweep.length === 0) return undefined
  const tier = tierName(big.tier)
  const figures = (p: (typeof sweep)[number]) => `recall@1 ${pct(p.recallAt1)}, search p50 / p99 ${f3(p.search.p50)} / ${f3(p.search.p99)} ms`
  const point = (p: (typeof sweep)[number]) => `${p.expansion}: ${figures(p)}`
  const widest = sweep[sweep.length - 1]!
  const firstRecall = sweep.find((p) => p.recallAt1 >= BOUNDS.recall)
  const src = srcPoint ? `The proxy searches with CACHE_SEARCH_EXPANSION=${SRC_EXPANSION} (its default) (${point(srcPoint)}${srcPoint === meeting || (srcPoint.recallAt1 >= BOUNDS.recall && srcPoint.search.p99 <= BOUNDS.p99Ms) ? ', which meets the target' : ', which does not meet it'}).` : `The proxy searches with CACHE_SEARCH_EXPANSION=${SRC_EXPANSION} (its default).`
  const truth = big.index.truth
  const head = `### Semantic lookup at ${tier} entries (point 4) — the trade-off, and the default

${atMillion ? '' : `Measured at ${tier}, the largest tier of this run: the 1M tier is built and measured only on request
(\`npm run bench -- --tiers=10000,100000,1000000\`), so the target's own tier is not in these numbers.\n\n`}The search beam (usearch's expansion_search), swept on the ${tier} index with the same queries (section 3):
${sweep.map(point).join('; ')}. Recall@1 counts the queries whose true nearest stored vector — found by brute force
over all ${tier} exact vectors for ${truth ? `${truth.sample} of the queries; it was the entry the query was made from for ${pct(truth.sourceNearest)} of them` : 'a sample of the queries'} —
is the index's first result. The cache itself reads every candidate near enough and decides on the exact cosine,
so what it can find is the true nearest among the 16 results: ${sweep.map((p) => `${p.expansion} → ${pct(p.recallAt16)}`).join(', ')}.`
  if (meeting) {
    return `${head}

Met: ${meeting.expansion} is the cheapest setting with recall@1 ≥ ${pct(BOUNDS.recall)} and search p99 ≤ ${BOUNDS.p99Ms} ms. ${src}${meeting.expansion !== SRC_EXPANSION && !(srcPoint && srcPoint.recallAt1 >= BOUNDS.recall && srcPoint.search.p99 <= BOUNDS.p99Ms) ? ` Set CACHE_SEARCH_EXPANSION=${meeting.expansion} to run with it.` : ''}
A p99 of a few milliseconds is the tail of a shared machine as much as of the code: the p50 is the steadier figure.`
  }
  const why = chosen!
  const reasons: string[] = []
  if (!firstRecall) {
    reasons.push(`even ${widest.expansion} finds the true nearest first for only ${pct(widest.recallAt1)}: what the beam cannot reach is in the graph's links
(usearch's connectivity 16 and expansion_add 128 at build time), not in the search; a denser graph would be built once, at a cost in build
time and memory`)
  } else {
    reasons.push(`the first setting to reach ${pct(BOUNDS.recall)} (${firstRecall.expansion}) has a search p99 of ${f3(firstRecall.search.p99)} ms: each query compares
itself with more of the ${f0(big.index.fileMiB)} MiB of 1536-byte i8 vectors, bound by memory reads; fewer bytes per candidate (a binary
or lower-dimensional index used only to propose candidates, the exact cosine on the stored embedding still deciding) would make
a wide beam cheaper`)
  }
  return `${head}

Missed: trade-off curve. The default would be **${why.point.expansion}** (${figures(why.point)}) because ${why.why}. ${src}
Why no setting reaches both: ${reasons.join('; ')}. A paraphrase the index does not propose is a miss (an
upstream call), never a wrong answer: the exact cosine and the guard still decide.
A p99 of a few milliseconds is the tail of a shared machine as much as of the code: the p50 is the steadier figure.`
}

/** Always written with the scale results: start-up grows with the index. */
export function startupNote(f: ScaleFigures): string {
  const { scale, big } = f
  return `### Start-up with a large index

Start-up grows with the index: ${scale.tiers.map((t) => `${tierName(t.tier)} ${f2(t.cache.openSeconds)} s`).join(', ')} (\`AnswerCache.open\`, warm page cache).
At ${tierName(big.tier)}, \`VectorIndex.load\` takes ${f2(big.index.loadSeconds)} s, of which the checksum (wyhash) of the ${f0(big.index.fileMiB)} MiB file is ${f2(big.index.checksumSeconds)} s
and the rest usearch reading it into memory; the rest of \`AnswerCache.open\` is SQLite (open, expiry sweep, and the
index fingerprint, read from a partial index on the rows that have an embedding). Resident memory is the
index itself (~${f0((big.index.rssLoadedMiB - big.index.rssBeforeMiB) / (big.tier / 1000))} MiB per 1000 entries) plus a few tens of MiB; SQLite stays on disk.`
}

/** Point 5, always written with the matrix: a short factual comparison with Portkey. */
export function portkeyNote(m: MatrixFigures): string {
  const { matrix, low, high } = m
  const cells = MODES.flatMap((mode) => [low, high].map((n) => ({ mode, n, ...m.portkey(mode, n) })))
  const worstRps = cells.reduce((a, b) => (b.rps < a.rps ? b : a))
  const worstCpu = cells.reduce((a, b) => (b.cpu < a.cpu ? b : a))
  const behind = cells.filter((c) => !c.met)
  const ttfb = (id: 'a' | 'c' | 'f') => matrix.ttfb.find((t) => t.name === id)?.ttfb.p50 ?? NaN
  return `### Beside Portkey (point 5)

Portkey's gateway (@portkey-ai/gateway 1.15.2, run under Bun, section 1) against proxy-gpt with the cache off, same upstream, same
requests: ${behind.length === 0 ? 'proxy-gpt was ahead in every cell, in throughput and in CPU per request' : `proxy-gpt was behind in ${behind.map((c) => `c=${c.n} ${c.mode}`).join(', ')}`}. Its throughput was
${ratio(worstRps.rps)} Portkey's at the least (c=${worstRps.n} ${worstRps.mode}) and ${ratio(Math.max(...cells.map((c) => c.rps)))} at the most; its CPU per request ${ratio(worstCpu.cpu)} less at the
least (c=${worstCpu.n} ${worstCpu.mode}) and ${ratio(Math.max(...cells.map((c) => c.cpu)))} less at the most. Streams through Portkey waited ${f1(ttfb('f') - ttfb('a'))} ms more than
direct for their first byte (section 2; proxy-gpt ${signed(ttfb('c') - ttfb('a'))} ms).`
}

/** Written after the soak is understood: replaced by the text of the analysis when memory grows. */
const SOAK_NOTE =
  'Section 4 shows whether it levels off. What would find the cause: the same soak with `bun --heap-prof src/index.ts`, comparing the heap at start and end.'

/** Written when the soak's trend is more than 10% of the memory at its start, either way. */
export function soakWhy(f: SoakFigures): string | undefined {
  const { soak, samples: s, growth } = f
  if (!(Math.abs(growth) > 0.1)) return undefined
  return `### Memory under the soak — why, and what would close it

Resident memory went from ${f1(s[0]!.rssMiB)} to ${f1(s[s.length - 1]!.rssMiB)} MiB over ${soak.options.durationS} s with the cache full (${soak.options.maxEntries} entries) and evicting.
${SOAK_NOTE}`
}

/** Point 6, written when a default run on a fresh clone takes (or would take) 10 minutes or more. */
export function runTimeWhy(f: RunFigures): string | undefined {
  const { run: r, built, freshSeconds } = f
  if (!f.defaultRun || freshSeconds < BOUNDS.runSeconds) return undefined
  const matrix = r.sections.matrix
  const sections = Object.entries(r.sectionSeconds).map(([k, v]) => `${k} ${minutes(v)}`).join(', ')
  const o = matrix?.options
  // Every round of every cell: the Responses cells may take part in fewer rounds than the others.
  const cells = matrix ? matrix.cells.reduce((n, c) => n + c.rounds.length, 0) : 0
  const st = matrix?.stageSeconds
  const perCell = st && cells ? st.cells / cells : NaN
  const over = freshSeconds - BOUNDS.runSeconds
  const targets = matrix ? new Set(matrix.cells.map((c) => c.target)).size : 0
  const redisTargets = matrix ? (['cr', 'dr', 'er'] as const).filter((id) => matrix.cells.some((c) => c.target === id)).length : 0
  const redisCells = matrix ? matrix.cells.filter((c) => ['cr', 'dr', 'er'].includes(c.target)).reduce((n, c) => n + c.rounds.length, 0) : 0
  const responsesCells = matrix ? matrix.cells.filter((c) => isResponsesTarget(c.target)).reduce((n, c) => n + c.rounds.length, 0) : 0
  return `### Run time on a fresh clone (point 6) — why, and what would close it

${minutes(freshSeconds)} on a fresh clone${f.fresh === 'all' ? '' : ' (estimated: this run plus the recorded build of the scale data it reused)'}: ${sections}${built > 0 ? `; building the scale data took ${minutes(built)} of it` : ''}.
${matrix && o ? `The matrix is the largest part: ${cells} autocannon cells (${matrix.cells.length} target, mode and connection combinations in ${o.rounds} rounds) of
${o.warmupS} + ${o.durationS} s of load each${st ? `, which took ${minutes(st.cells)} — ${f1(perCell)} s a cell, its two autocannon runs (warm-up and measured)
included — then the miss cells ${minutes(st.misses)}, time to first byte ${minutes(st.ttfb)} and the profiles ${minutes(st.profile)}` : ''}.
What would close it: ${minutes(over)} less. ${st ? `One round fewer saves about ${minutes(st.cells / o.rounds)}${redisTargets ? `; the Redis targets (c′)–(e′) only on request would save
about ${minutes((st.cells * redisCells) / cells)} (${redisTargets} of the ${targets} targets)` : ''}${responsesCells ? `; the Responses cells (c-r), (d-r), (t-r) only in \`--quick\` would save
about ${minutes((st.cells * responsesCells) / cells)}` : ''}` : 'fewer rounds or shorter cells in the default run, or the Redis targets only on request'}. The bench leaves these choices to whoever owns the numbers: each changes
how steady the matrix's medians are.` : ''}`
}

/** Where a run of the 1M tier alone is kept (`npm run bench -- --only=scale --tiers=1000000 --out=bench/RESULTS-1M.md`). */
const ONE_MILLION_REPORT = 'bench/RESULTS-1M.md'

/** Always written: how the 1M tier is run, and how long its one-time build takes. */
export function oneMillionNote(f: RunFigures): string {
  const { oneMillion } = f
  return `### The 1M tier

Built and measured only on request: \`npm run bench -- --tiers=10000,100000,1000000\`. Its one-time build takes
**${minutes(oneMillion.seconds)}** (${oneMillion.source}); later runs reuse it from bench/.data/ (about 5.5 GB for the 1M tier).${
    existsSync(join(ROOT, ONE_MILLION_REPORT)) ? ` A run of the 1M tier alone, with its expansion_search sweep and point 4's verdict at 1M, is in [${ONE_MILLION_REPORT.slice(6)}](${ONE_MILLION_REPORT.slice(6)}).` : ''
  }`
}
