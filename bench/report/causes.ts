// The explanations under the targets table: for a missed target, the measured cause and what would close it.
// Each returns undefined when there is nothing to explain; targets that share a cause return the same text, and
// the report writes it once. Each checks its own condition, which for a shared one is "any of them missed".

import type { Mode } from '../matrix'
import { costs, type ProfileResult } from '../profile'
import { tierName } from '../scale-common'
import { type MatrixFigures, MODES, type RunFigures, type ScaleFigures, type SoakFigures } from './figures'
import { f0, f1, f2, f3, minutes, pct, ratio, signed } from './format'

/** The profile's largest costs, as a sentence. */
function costLines(profile: ProfileResult | undefined, label: string): string {
  if (!profile) return ''
  const list = costs(profile).filter((c) => c.share >= 0.02)
  return `In the profile of ${label} (section 2), the largest costs are: ${list.map((c) => `${c.what} ${pct(c.share)}`).join('; ')}.`
}

/** The remedies for the costs the profile found (≥ 3% of the samples). */
function fixes(profile: ProfileResult | undefined): string {
  if (!profile) return 'see the profile.'
  const list = costs(profile).filter((c) => c.fix && c.share >= 0.03)
  return list.length ? `${list.map((c) => `${c.fix} (${pct(c.share)})`).join('; ')}.` : 'no single cost above 3% of the samples stands out; the remaining cost is spread over the request path.'
}

/** Written when proxy-gpt adds 0.2 ms or more over (a), or reaches less than 90% of the floor's throughput. */
export function overheadWhy(m: MatrixFigures): string | undefined {
  const { cell, low, high, added, floorAdded, cpu, profileC } = m
  const shares = MODES.flatMap((mode) => [low, high].map((n): [Mode, number, number] => [mode, n, m.share(mode, n)]))
  if (!(added('json') >= 0.2 || added('stream') >= 0.2 || shares.some(([, , x]) => x < 0.9))) return undefined
  return `### Proxy overhead over the floor — why, and what would close it

At one connection proxy-gpt adds ${signed(added('json'))} ms (JSON) and ${signed(added('stream'))} ms (stream) at p50 where the
floor adds ${signed(floorAdded('json'))} / ${signed(floorAdded('stream'))} ms. Once the cores are busy (c=${high}), what decides throughput is
CPU per request: **${f0(cpu('c'))} µs in proxy-gpt against ${f0(cpu('b'))} µs in the floor** (JSON; streamed ${f0(cpu('c', 'stream'))} vs
${f0(cpu('b', 'stream'))} µs), on the same core as the fake upstream and next to the load generator. Hence (c) reaches
${shares.map(([mode, n, x]) => `${pct(x)} of (b) at c=${n} ${mode}`).join(', ')}. The floor only swaps a header and pipes the
body; proxy-gpt routes through Elysia and its plugins, checks the key, parses, validates, clamps and
re-serialises the JSON, filters headers both ways, arms an upstream timeout, logs and counts every request.
${costLines(profileC, 'cache off')}

${floorAdded('json') >= 0.2
  ? `The floor alone adds ${f3(floorAdded('json'))} ms here (the target assumed about 0.1 ms): on this machine no Bun forwarder meets 0.2 ms over
(a), so the part proxy-gpt controls is (c) − (b): **${signed(cell('c', 'json', low).p50 - cell('b', 'json', low).p50)} ms** (JSON), ${signed(cell('c', 'stream', low).p50 - cell('b', 'stream', low).p50)} ms (stream).`
  : `The floor adds ${f3(floorAdded('json'))} ms of the runtime's own cost, which leaves ${f3(0.2 - floorAdded('json'))} ms for proxy-gpt's own work; it uses ${f3(cell('c', 'json', low).p50 - cell('b', 'json', low).p50)} ms.`}

What would close it (src/ changes; the bench changes none): ${fixes(profileC)}`
}

/** Written when an exact hit is less than twice the throughput of cache off, in any mode or connection count. */
export function exactHitsWhy(m: MatrixFigures): string | undefined {
  const { matrix, cell, low, high, cpu, profileD } = m
  const hitRatios = MODES.flatMap((mode) => [low, high].map((n): [Mode, number, number] => [mode, n, m.hitRatio(mode, n)]))
  if (!hitRatios.some(([, , x]) => x < 2)) return undefined
  return `### Exact hits against cache off — why, and what would close it

At one connection an exact hit skips the upstream's ${matrix.options.latencyMs} ms wait, hence ${hitRatios.filter(([, n]) => n === low).map(([mode, , x]) => `${ratio(x)} (${mode})`).join(' and ')}
the throughput of (c). With ${high} connections both are bound by proxy-gpt's one JavaScript thread, and an exact hit
costs ${cpu('d') < cpu('c') * 0.75 ? 'clearly less CPU than forwarding, but not half' : 'about as much CPU as forwarding'}: **${f0(cpu('d'))} µs per exact hit against ${f0(cpu('c'))} µs per forwarded request** (JSON).
On loopback with a fixed wait, forwarding is cheap, and an exact hit still pays the whole request path (routing,
key check, parsing, validation, cache keys, logging, metrics) plus its own lookup.
${costLines(profileD, 'exact hits')}
${cell('e', 'json', high).rps > cell('d', 'json', high).rps ? `(e) — semantic hits — reached ${ratio(cell('e', 'json', high).rps / cell('d', 'json', high).rps)} the throughput of (d) at c=${high}, with ${f0(cpu('e'))} µs of CPU per hit although it does
more (an embedding call, a search, a candidate check). Part of the difference is in the kernel: ${f0(cell('d', 'json', high).systemUs)} µs of
system time per exact hit against ${f0(cell('e', 'json', high).systemUs)} µs per semantic hit, and the exact-hit profile has a large native share
with no JavaScript frame. A likely reading: an exact hit is answered synchronously, one response written per
request as it comes, while semantic hits finish in batches when the embedding answers arrive and share the
event loop's turns and writes. That is the runtime's behaviour more than proxy-gpt's code.` : `(e) — semantic hits — cost ${f0(cpu('e'))} µs of CPU per hit, and one embedding call.`}

What would close it: ${fixes(profileD)} Beyond that, the share of the request path that hits and misses have
in common (routing, parsing, keys, logging) bounds the ratio: for exact hits to be twice as cheap as forwarding,
that common path must cost less than half of a forwarded request.`
}

/** Written when cache off is less than 20× Portkey's throughput without streaming, at the most connections. */
export function portkeyWhy(m: MatrixFigures): string | undefined {
  const { matrix, cell, low, high, cpu } = m
  const fJson = cell('f', 'json', high).rps / cell('b', 'json', high).rps
  if (!(cell('c', 'json', high).rps / cell('f', 'json', high).rps < 20)) return undefined
  return `### Against Portkey — why 20× is out of reach here

The 20× target rests on Portkey running at about 1/22 of the floor. Run under Bun on this machine, it reached
${ratio(fJson)} of the floor without streaming at c=${high} (${f0(cpu('f'))} µs CPU per request against proxy-gpt's ${f0(cpu('c'))} µs), so 20× would need
proxy-gpt to be ${f1(20 * fJson)}× faster than the floor itself — no forwarder can be. Where Portkey does fall far behind is
streaming: every stream through it waited ~${f0((matrix.ttfb.find((t) => t.name === 'f')?.ttfb.p50 ?? NaN) - (matrix.ttfb.find((t) => t.name === 'a')?.ttfb.p50 ?? NaN))} ms before its first byte (section 2), which caps
it at ${f0(cell('f', 'stream', low).rps)} streams per second per connection (proxy-gpt: ${f0(cell('c', 'stream', low).rps)}). The measured ratios are in the table;
closing the target is not in proxy-gpt's hands: a target relative to the floor (b) is the meaningful one.`
}

/** Written when the lookup's p99 at the largest tier is 2 ms or more, or fewer than 95% of the paraphrases hit. */
export function lookupWhy(f: ScaleFigures): string | undefined {
  const { scale, big, base, v32, v128, vt0 } = f
  const checkP50 = big.cache.hit.p50 - big.index.search.p50
  if (!(big.cache.hit.p99 >= 2 || big.cache.hitRate < 0.95)) return undefined
  return `### Semantic lookup at ${tierName(big.tier)} entries — why, and what would close it

${big.cache.hit.p99 >= 2 ? `The lookup's p99 is ${f3(big.cache.hit.p99)} ms (p50 ${f3(big.cache.hit.p50)} ms). ${pct(big.index.search.p50 / big.cache.hit.p50)} of the median is usearch's HNSW search (p50 ${f3(big.index.search.p50)}, p99 ${f3(big.index.search.p99)} ms alone): with
the default expansion_search (64) it compares each query with a few thousand 1536-byte i8 vectors spread
over a ${f0(big.index.fileMiB)} MiB index, so it is bound by memory reads, and grows slowly with the size
(${scale.tiers.map((t) => `${tierName(t.tier)}: ${f3(t.index.search.p50)} ms`).join(', ')} at p50). The rest — about ${f3(checkP50)} ms at p50 — is reading
the one or two candidates near enough to matter from SQLite, the exact cosine, the guard and \`getById\` for the hit.` : ''}
${big.cache.hitRate < 0.95 ? `\n**Recall.** ${pct(big.cache.hitRate)} of the paraphrase queries found their entry at ${tierName(big.tier)} (${scale.tiers.map((t) => `${tierName(t.tier)}: ${pct(t.cache.hitRate)}`).join(', ')}): the
others came back as misses (an upstream call; never a wrong answer — the exact cosine and the guard still
decide), in ${f3(big.cache.notFound.p50)} ms at p50. HNSW recall depends on the data: inside a topic these vectors have 100
unrelated subtopics, a flat choice that a graph search can only make by luck of its links (version 2 of the generator, with
1000 unrelated topics and no domains, found 68.5% at 1M), while real question embeddings vary at every scale. The trend
still says: measure recall on real embeddings before raising CACHE_MAX_ENTRIES far past its default of 100k, and
consider a larger search beam for large caches.\n` : ''}
${base && v32 && v128 ? `The search beam trades time for recall (same view, same queries): expansion_search 32 → p50 / p99 ${f3(v32.search.p50)} / ${f3(v32.search.p99)} ms,
recall@1 ${pct(v32.recallAt1)}; 64 (src/'s default) → ${f3(base.search.p50)} / ${f3(base.search.p99)} ms, ${pct(base.recallAt1)}; 128 → ${f3(v128.search.p50)} / ${f3(v128.search.p99)} ms, ${pct(v128.recallAt1)}.` : ''}
${vt0 && base ? `src/ searches on the calling thread; letting usearch pick its threads gave ${f3(vt0.search.p50)} / ${f3(vt0.search.p99)} ms against ${f3(base.search.p50)} / ${f3(base.search.p99)} ms.` : ''}

What would close it: the search itself is now most of the lookup, so only a cheaper search would: ${v32 && base && v32.search.p99 < 2 ? `a smaller beam brings it under 2 ms at p99 but costs recall (above), a trade rather than a fix; ` : ''}fewer bytes read per
candidate (a binary or lower-dimensional index used only to propose candidates, the exact cosine on the stored
f16 embedding still deciding)${(() => {
  const small = scale.tiers.find((t) => t.tier === 100_000)
  return big.tier > 100_000 && small && small.cache.hit.p99 < big.cache.hit.p99 * 0.8 ? `; or keeping the default CACHE_MAX_ENTRIES (100k), where the whole lookup's p99 was ${f3(small.cache.hit.p99)} ms` : ''
})()}.
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

/** Written when a fresh clone's run would take 10 minutes or more. */
export function runTimeWhy(f: RunFigures): string | undefined {
  const { run: r, built } = f
  if (f.freshSeconds < 600) return undefined
  const oneM = r.sections.scale?.tiers.find((t) => t.tier === 1_000_000)
  return `### Run time on a fresh clone — why, and what would close it

${built > 0 ? `This run started without bench/.data/ and spent ${minutes(built)} building the scale data` : 'A fresh clone first builds the scale data'}: almost all of it is
inserting 1M vectors into the usearch index${oneM ? ` (${f0(oneM.build.addUsPerVector)} µs per vector on average with both cores busy, with the
settings of src/cache/vector-index.ts)` : ''}, plus writing ${oneM ? f0(oneM.cache.sqliteMiB / 1024) : '~4'} GiB of SQLite rows. The measurements themselves take about
${minutes(r.totalSeconds - built)}. An HNSW insertion is a search with a wide beam (expansion_add 128) through a graph whose 1536-byte
vectors are spread over more than a gigabyte, so it waits on memory, and grows with the index; on two cores no
setting that keeps the index proxy-gpt builds brings 1M insertions under ten minutes, let alone the whole run.
Later runs reuse bench/.data/. What would close it: more cores (the batch add uses all of them), or an index
that is cheaper to build (fewer bytes per vector), which would change what proxy-gpt runs, not only the bench.
\`npm run bench -- --quick\` (10k and 100k only) stays within a few minutes.`
}
