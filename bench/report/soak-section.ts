// Section 4: proxy-gpt's resident memory under a soak with the cache full and evicting.

import type { SoakResult } from '../soak'
import { f0, f1, signed, table } from './format'
import { soakTrend } from './results'

export function soakSection(soak: SoakResult): string {
  const all = soak.samples
  // The table shows the start, every 10 s, and the end; the trend uses every 2-s sample.
  const start = all[0]!
  const end = all[all.length - 1]!
  const s = all.filter((x, i) => i === 0 || i === all.length - 1 || (Math.round(x.t) % 10 === 0 && end.t - x.t > 1))
  const trend = soakTrend(soak)
  const counts = Object.entries(soak.traffic.counts).map(([kind, c]) => [
    kind,
    String(c.total),
    Object.entries(c.seen)
      .sort((x, y) => y[1] - x[1])
      .map(([header, n]) => `${header} ${n}`)
      .join(', '),
    String(c.failed),
  ])
  return `## 4. Memory under a ${soak.options.durationS}-second soak

proxy-gpt (cache on, CACHE_MAX_ENTRIES=${soak.options.maxEntries} so the cache is full and evicting throughout) under
${soak.options.concurrency} concurrent clients sending a fixed mix: 30% exact hits, 20% semantic hits, 30% upstream calls
not stored (\`Cache-Control: no-store\`), 20% new questions (stored, each evicting the least recently used);
half of each kind streamed. ${soak.options.pool} questions seeded, then ${soak.options.warmupS} s of the same mix before
the first sample. VmRSS of the proxy process:

${table(['t (s)', ...s.map((x) => f0(x.t))], [['RSS MiB', ...s.map((x) => f1(x.rssMiB))]])}

Idle after start-up: ${f1(soak.rssIdleMiB)} MiB; start of the soak ${f1(start.rssMiB)} MiB; end ${f1(end.rssMiB)} MiB
(${signed(end.rssMiB - start.rssMiB, 1)} MiB, ${signed(((end.rssMiB - start.rssMiB) / start.rssMiB) * 100, 1)}%); between ${f1(trend.min)} and ${f1(trend.max)} MiB over the ${all.length} samples
taken every 2 s, whose least-squares trend is ${signed(trend.growthMiB, 1)} MiB over the soak; 5 s after the load stopped
${f1(soak.rssAfterIdleMiB)} MiB. Traffic: ${soak.traffic.requests} requests in ${f1(soak.traffic.seconds)} s
(${f0(soak.traffic.rps)} req/s):

${table(['kind', 'requests', 'answered with x-cache', 'failed'], counts)}

A paraphrase answered \`MISS\` went upstream and its answer was stored under its own wording, so the later
asks of that same paraphrase were exact hits (\`HIT/exact\`; a few also shared an identical request in flight).
An exact ask answered \`MISS\` or \`HIT/semantic\` came after its entry was evicted (LRU, the cache being full).`
}
