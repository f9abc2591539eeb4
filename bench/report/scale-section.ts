// Section 3: the semantic cache at each scale tier (10k, 100k and 1M entries in a full run), measured in-process.

import type { ScaleResult } from '../scale'
import { tierName } from '../scale-common'
import { GENERATOR_VERSION } from '../synthetic'
import { f0, f2, f3, pct, ratio, table } from './format'

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
    `${f0(t.build.buildSeconds)}${t.builtNow ? '' : ' (cached)'}`,
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
  const variantRows = scale.tiers.map((t) => [
    tierName(t.tier),
    `${f3(t.index.search.p50)} / ${f3(t.index.search.p99)}`,
    pct(t.index.recallAt1),
    ...t.index.variants.flatMap((v) => [`${f3(v.search.p50)} / ${f3(v.search.p99)}`, pct(v.recallAt1)]),
  ])
  const variantHead = scale.tiers[0]?.index.variants.flatMap((v) => [`${v.label}: p50 / p99 ms`, 'recall@1']) ?? []
  const last = scale.tiers[scale.tiers.length - 1]
  return `## 3. The semantic cache at scale (in-process)

Synthetic 1536-dimension unit vectors with structure at four scales (\`bench/synthetic.ts\`, generator version ${GENERATOR_VERSION}): 20 domains
of 50 topics of 100 subtopics; cosine ≈ 0.76 inside a subtopic, ≈ 0.45 inside a topic, ≈ 0.19 inside a domain, ≈ 0
across. Stored as proxy-gpt stores them: one SQLite row per entry written by \`CacheStore.put\` (f16
embedding, prompt, answer) and a usearch index with the settings of \`src/cache/vector-index.ts\` (cos, i8,
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
    ['entries', 'index MiB', 'SQLite MiB', 'lookup hit p50 / p99 ms', 'miss p50 / p99 ms', 'search alone p50 / p99 ms', 'hit rate', 'RSS index only MiB', 'RSS cache MiB', 'index load s', 'of which checksum s', 'start-up s', 'build s (once)'],
    rows
  )}

How each grows:

${table(['step', 'lookup p50', 'lookup p99', 'search p50', 'RSS (above an empty process)', 'start-up'], growth)}

The usearch search alone with other settings (recall@1 = the paraphrased entry ranked first). The first
column is \`VectorIndex.search\` on the loaded index; the others search a memory-mapped view of the same file
(no second copy in memory), the first of them with src/'s own settings as the baseline for the rest:

${table(['entries', 'VectorIndex.search: p50 / p99 ms', 'recall@1', ...variantHead], variantRows)}
${last ? `\nBuilding the index: ${f0(last.build.addUsPerVector)} µs per vector on average up to ${tierName(last.tier)} (usearch batch add on ${'all'} cores).` : ''}`
}
