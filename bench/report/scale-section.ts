// Section 3: the semantic cache at each scale tier (10k, 100k and 1M entries in a full run), measured in-process.

import type { ScaleResult } from '../scale'
import { tierName } from '../scale-common'
import { GENERATOR_VERSION } from '../synthetic'
import { SRC_EXPANSION } from './figures'
import { f0, f1, f2, f3, pct, ratio, table } from './format'

export function scaleSection(scale: ScaleResult): string {
  const rows = scale.tiers.map((t) => [
    tierName(t.tier),
    f0(t.index.fileMiB),
    f0(t.cache.sqliteMiB),
    `${f3(t.cache.hit.p50)} / ${f3(t.cache.hit.p99)}`,
    `${f3(t.cache.miss.p50)} / ${f3(t.cache.miss.p99)}`,
    `${f3(t.index.search.p50)} / ${f3(t.index.search.p99)}`,
    pct(t.cache.hitRate),
    f0(t.index.rssLoadedMiB),
    f0(t.cache.rssAfterMiB),
    f2(t.index.loadSeconds),
    f2(t.index.checksumSeconds),
    f2(t.cache.openSeconds),
    `${f0(t.build.buildSeconds)}${t.builtNow ? ' (this run)' : ' (reused)'}`,
  ])
  const growth: string[][] = []
  for (let i = 1; i < scale.tiers.length; i++) {
    const [p, c] = [scale.tiers[i - 1]!, scale.tiers[i]!]
    growth.push([
      `${tierName(p.tier)} → ${tierName(c.tier)} (×${f0(c.tier / p.tier)} entries)`,
      ratio(c.cache.hit.p50 / p.cache.hit.p50),
      ratio(c.cache.hit.p99 / p.cache.hit.p99),
      ratio(c.index.search.p50 / p.index.search.p50),
      ratio((c.cache.rssAfterMiB - c.cache.rssBeforeMiB) / (p.cache.rssAfterMiB - p.cache.rssBeforeMiB)),
      ratio(c.cache.openSeconds / p.cache.openSeconds),
    ])
  }
  const sweepRows = scale.tiers.flatMap((t) =>
    (t.index.sweep ?? []).map((p) => [
      tierName(t.tier),
      p.expansion === SRC_EXPANSION ? `**${p.expansion}** (default)` : String(p.expansion),
      `${f3(p.search.p50)} / ${f3(p.search.p99)}`,
      pct(p.recallAt1),
      pct(p.recallAt16),
      pct(p.sourceAt1),
    ])
  )
  const truths = scale.tiers.filter((t) => t.index.truth)
  const last = scale.tiers[scale.tiers.length - 1]
  return `## 3. The semantic cache at scale (in-process)

Synthetic 1536-dimension unit vectors with structure at four scales (\`bench/synthetic.ts\`, generator version ${GENERATOR_VERSION}): 20 domains
of 50 topics of 100 subtopics; cosine ≈ 0.76 inside a subtopic, ≈ 0.45 inside a topic, ≈ 0.19 inside a domain, ≈ 0
across. Stored as proxy-gpt stores them: one SQLite row per entry written by \`CacheStore.put\` (f16
embedding, prompt, answer) and a usearch index with the settings of \`src/cache/semantic/vector-index.ts\` (cos, i8,
usearch's default connectivity 16, expansion_add 128, expansion_search 64), filled by \`VectorIndex.addMany\` (the
multi-threaded batch add of proxy-gpt's own rebuild from SQLite) and saved by \`VectorIndex.save\`. Each query is a paraphrase of a random
stored entry (its vector plus noise, cosine ≈ 0.90, above the 0.8 threshold; a question text the guard
accepts), so a lookup finds exactly one true match, as a real paraphrase does.

- **lookup (hit)** = \`AnswerCache.semantic()\` as a request runs it — index search (k = 16), reading from SQLite
  only the candidates near enough to clear the threshold, exact cosine, guard, loading the hit — with the embedding call replaced by a ready vector
  (\`embedder.embed\` stubbed). ${scale.options.lookups} lookups after 200 of warm-up. **miss** = a vector far from
  every entry. **search alone** = \`VectorIndex.search(vector, 16)\`.
- **RSS** = VmRSS of a fresh process: after \`VectorIndex.load\` alone, and after \`AnswerCache.open\` plus
  the lookups. **index load** = \`VectorIndex.load\` (checksum of the file, then usearch load), **start-up** =
  \`AnswerCache.open\` as \`src/index.ts\` calls it (SQLite open and sweep, fingerprint query, index load).
  Files were in the page cache (built or read just before): a cold disk adds its read time.
- CACHE_MAX_ENTRIES is raised to fit each tier (its default, 100000, would evict a 1M cache down to 100k).

${table(
    ['entries', 'index MiB', 'SQLite MiB', 'lookup hit p50 / p99 ms', 'miss p50 / p99 ms', 'search alone p50 / p99 ms', 'hit rate', 'RSS index only MiB', 'RSS cache MiB', 'index load s', 'of which checksum s', 'start-up s', 'build s (once, from nothing)'],
    rows
  )}

How each grows:

${table(['step', 'lookup p50', 'lookup p99', 'search p50', 'RSS (above an empty process)', 'start-up'], growth)}

### The search beam: recall against time (point 4)

usearch's \`expansion_search\` (the beam of an HNSW search) swept at each tier: \`search(query, 16)\` on the calling
thread, as src/ searches, the same ${scale.options.lookups} paraphrase queries (after 200 of warm-up) for every setting. usearch's
JavaScript API takes expansion_search only when an index object is made, so each setting searches its own
memory-mapped view of the tier's file (no second copy in memory). The proxy searches with \`CACHE_SEARCH_EXPANSION\`
(default ${SRC_EXPANSION}). *recall@1* = the query's true nearest stored vector is the first result; the
true nearest is found by brute force (exact f32 cosine over every entry's vector, usearch's \`exactSearch\`) for a sample
of the queries${truths.length ? ` (${truths.map((t) => `${tierName(t.tier)}: ${t.index.truth!.sample} queries, ${f1(t.index.truth!.seconds)} s; the nearest was the query's own source entry for ${pct(t.index.truth!.sourceNearest)}`).join('; ')})` : ''}.
*in the 16* = the true nearest is among the 16 results (the cache reads every near candidate and decides on the exact
cosine, so this is what it can find); *source first* = the entry the query was made from is the first result (all queries).

${sweepRows.length ? table(['entries', 'expansion_search', 'search p50 / p99 ms', 'recall@1', 'in the 16', 'source first'], sweepRows) : '_No sweep in these results: they were written before it existed._'}
${last ? `\nBuilding the index: ${f0(last.build.addUsPerVector)} µs per vector on average up to ${tierName(last.tier)} (usearch batch add on ${'all'} cores).` : ''}`
}
