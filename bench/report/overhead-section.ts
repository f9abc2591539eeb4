// Sections 1 and 2: proxy overhead under autocannon (one table per mode), time to first byte of a stream,
// and where proxy-gpt's time goes under load.

import type { MatrixResult, Mode, TargetId } from '../matrix'
import { TARGET_LABELS } from '../matrix'
import { f0, f1, f2, f3, pct, ratio, signed, table } from './format'
import { messagesSection } from './messages-section'
import { responsesSection } from './responses-section'
import { cellOf } from './results'

function matrixTable(matrix: MatrixResult, mode: Mode): string {
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const a1 = cellOf(matrix, 'a', mode, low)
  const aN = cellOf(matrix, 'a', mode, high)
  const bN = cellOf(matrix, 'b', mode, high)
  const b1 = cellOf(matrix, 'b', mode, low)
  // (c′)–(e′) each below its SQLite row, when they ran; redis-server's own CPU in a column of its own.
  const ids = ORDER.filter((id) => cellOf(matrix, id, mode, high))
  const withRedis = ids.some((id) => REDIS_IDS.includes(id))
  const rows = ids.map((id) => {
    const one = cellOf(matrix, id, mode, low)
    const many = cellOf(matrix, id, mode, high)
    const redis = many?.redisCpuUs === undefined ? '' : `${f0(many.redisCpuUs)} (${f1(many.redisCommands ?? NaN)})`
    return [
      TARGET_LABELS[id],
      f0(one?.rps ?? NaN),
      f3(one?.p50 ?? NaN),
      f3(one?.p99 ?? NaN),
      signed((one?.p50 ?? NaN) - (a1?.p50 ?? NaN)),
      ratio((one?.rps ?? NaN) / (b1?.rps ?? NaN)),
      f0(many?.rps ?? NaN),
      f2(many?.p50 ?? NaN),
      f2(many?.p99 ?? NaN),
      ratio((many?.rps ?? NaN) / (bN?.rps ?? NaN)),
      ratio((many?.rps ?? NaN) / (aN?.rps ?? NaN)),
      `${f0(many?.cpuUs ?? NaN)} (${f0(many?.systemUs ?? NaN)})`,
      ...(withRedis ? [redis] : []),
    ]
  })
  return table(
    [
      'target',
      `c=${low} req/s`,
      'p50 ms',
      'p99 ms',
      'p50 − (a) ms',
      'req/s ÷ (b)',
      `c=${high} req/s`,
      'p50 ms',
      'p99 ms',
      'req/s ÷ (b)',
      'req/s ÷ (a)',
      `CPU µs/req (system), c=${high}`,
      ...(withRedis ? [`redis-server CPU µs/req (commands/req), c=${high}`] : []),
    ],
    rows
  )
}

const ORDER: TargetId[] = ['a', 'b', 'c', 'cr', 'd', 'dr', 'e', 'er', 'f']
const REDIS_IDS: TargetId[] = ['cr', 'dr', 'er']

/** What (c′)–(e′) are, and what Redis costs against SQLite, both processes counted; or why they did not run. */
function redisNote(matrix: MatrixResult): string {
  const r = matrix.redis
  if (!r) return '(c′)–(e′), proxy-gpt with `REDIS_URL`, were not part of the bench when these numbers were taken.'
  if (r.skipped) return `**(c′), (d′), (e′) — proxy-gpt with \`REDIS_URL\` — were not measured in this run:** ${r.skipped}.`
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const commands = (id: TargetId, n: number) => f1(cellOf(matrix, id, 'json', n)?.redisCommands ?? NaN)
  const fewer = (cellOf(matrix, 'er', 'json', high)?.redisCommands ?? NaN) < (cellOf(matrix, 'er', 'json', low)?.redisCommands ?? NaN)
  const pairs = (['c', 'd', 'e'] as const).map((id) => [id, cellOf(matrix, id, 'json', high), cellOf(matrix, `${id}r` as TargetId, 'json', high)] as const)
  const compare = pairs
    .map(([id, sqlite, redis]) => {
      const both = (redis?.cpuUs ?? NaN) + (redis?.redisCpuUs ?? NaN)
      return `- (${id}′) against (${id}): **${f0(redis?.cpuUs ?? NaN)} µs in proxy-gpt + ${f0(redis?.redisCpuUs ?? NaN)} µs in redis-server = ${f0(both)} µs** against ${f0(sqlite?.cpuUs ?? NaN)} µs (${ratio(both / (sqlite?.cpuUs ?? NaN))}), ${f1(redis?.redisCommands ?? NaN)} Redis commands; ${pct((redis?.rps ?? NaN) / (sqlite?.rps ?? NaN))} of its throughput`
    })
    .join('\n')
  return `(c′), (d′), (e′) are (c), (d), (e) with \`REDIS_URL\` set, measured the same way in the same rotation: the replica keeps
its shared state — limits, in-flight calls, key health, statistics, usage, keys, and for (d′)/(e′) the cache
entries — in a redis-server ${r.version} the bench starts itself (\`redis-server --port <free port> --dir <temp dir> ${(r.args ?? []).map((a) => (a === '' ? "''" : a)).join(' ')}\`:
loopback, no persistence, removed at the end). The two replicas share it, as two replicas of one deployment would;
each keeps its own vector index, built from Redis and kept current from its change stream. Their *CPU µs/req* is
the proxy's process alone; the work moved into Redis is in the last column: redis-server's own CPU time per
request during the cell (and the Redis commands per request, from \`INFO stats\`), on the same two cores.
CPU per request at c=${high} without streaming, with Redis against SQLite:

${compare}

At c=${low} a request made ${commands('cr', low)} (cache off), ${commands('dr', low)} (exact hit) and ${commands('er', low)} (semantic hit) Redis commands${
    fewer
      ? `; at c=${high} a semantic hit made ${commands('er', high)}, because identical questions in flight together share one replica-local claim
(one leader looks up and claims in Redis; the others wait for its answer)`
      : ''
  }.`
}

/** The miss cells (point 3): a new question on every request, a slow embedder, against cache off. */
function missSection(matrix: MatrixResult): string {
  const s = matrix.misses
  if (!s) return '### A miss with a slow embedder\n\n_Not measured: these results were written before the miss cells existed._'
  const base = (mode: Mode) => s.cells.find((c) => c.embeddingDelayMs === undefined && c.mode === mode)
  const rows = s.cells.map((c) => {
    const b = base(c.mode)
    const label = c.embeddingDelayMs === undefined ? '(c) cache off, new questions' : `miss, cache on, embedder ${c.embeddingDelayMs} ms`
    return [
      label,
      c.mode,
      f3(c.latency.p50),
      f3(c.latency.p99),
      c.embeddingDelayMs === undefined ? '' : signed(c.latency.p50 - (b?.latency.p50 ?? NaN), 1),
      c.embeddingDelayMs === undefined ? '' : signed(c.latency.p99 - (b?.latency.p99 ?? NaN), 1),
      Object.entries(c.xCache)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]
  })
  const stored = s.stored.map((x) => `embedder ${x.embeddingDelayMs} ms: ${x.entries} answers stored for ${x.sent} new questions, ${x.withVector} with their vector`).join('; ')
  return `### A miss with a slow embedder (point 3)

What a miss costs when the semantic layer's embedding is slow: a proxy-gpt with the cache on in front of a fake
upstream of its own whose \`/v1/embeddings\` answers wait ${s.cells
    .flatMap((c) => (c.embeddingDelayMs === undefined || c.mode !== 'json' ? [] : [`${c.embeddingDelayMs} ms`]))
    .join(' or ')} (chat answers keep the usual ${matrix.options.latencyMs} ms), and every request a
question never asked before — nothing to hit exactly or by meaning, so each is a miss (its \`x-cache\` is checked on every
answer, the warm-up included). EMBEDDING_WAIT_MS was ${s.embeddingWaitMs} ms (not set: proxy-gpt's default): the lookup waits for the
question's embedding at most that long, then the request goes upstream; the embedding still completes in the
background and is stored with the answer. ${s.warmup} + ${s.requests} sequential requests per cell over one keep-alive connection
(Node's http client; the latency is request sent → end of the answer), against (c) cache off sent the same new
questions the same way. Stored afterwards (each proxy's cache.sqlite, read after it stopped): ${stored}.

${table(['target', 'mode', 'p50 ms', 'p99 ms', 'p50 − (c) ms', 'p99 − (c) ms', 'x-cache'], rows)}`
}

export function matrixSection(matrix: MatrixResult): string {
  const o = matrix.options
  const ttfbDirect = matrix.ttfb.find((t) => t.name === 'a')!
  const ttfbRows = matrix.ttfb.map((t) => [
    TARGET_LABELS[t.name],
    f3(t.ttfb.p50),
    f3(t.ttfb.p99),
    signed(t.ttfb.p50 - ttfbDirect.ttfb.p50),
    signed(t.ttfb.p99 - ttfbDirect.ttfb.p99),
    f3(t.total.p50),
  ])
  return `## 1. Proxy overhead (autocannon, loopback)

Every target answers the same chat request (\`${'gpt-4o-mini'}\`, one short user message; the Responses and Messages
cells, below the tables, the same question as a Responses or an Anthropic Messages request). The fake upstream waits
a fixed **${o.latencyMs} ms** before its response headers, then sends the whole answer (JSON, or 14 SSE events back
to back). Each cell: ${o.warmupS} s of warm-up, then ${o.durationS} s measured with autocannon (pipelining 1,
keep-alive); ${o.rounds} round${o.rounds > 1 ? 's' : ''} with the targets taken in turn, the median of the rounds
shown. Latency is each 2xx response's own time at full precision (autocannon's built-in histogram keeps
whole milliseconds only). No cell had a non-2xx answer or an error (the bench stops if one does).
*CPU µs/req (system)*: user + system CPU time (and the system part alone) of the target's own process (for (a) the upstream; for (b)–(f) not
counting the upstream behind them) during the cell, per request — the cost that decides throughput once the
cores are busy, and steadier than req/s on a shared machine.

(e) includes one embedding call to the fake upstream per request (1536 floats of JSON, after the same
${o.latencyMs} ms wait): a semantic lookup cannot be made without embedding the question. The lookup itself,
without that call, is measured in-process in section 3.

${redisNote(matrix)}

### Non-streamed (\`stream: false\`)

${matrixTable(matrix, 'json')}

### Streamed (\`stream: true\`, time to the end of the stream)

${matrixTable(matrix, 'stream')}

(f) runs under Bun because its streaming breaks on Node 20 (Portkey-AI/gateway issues #1389 and #1550). Checked in
this run, one request each through Portkey under Node ${matrix.portkeyOnNode.node}: JSON → ${matrix.portkeyOnNode.json}; stream → ${matrix.portkeyOnNode.stream}.

Resident memory after the load: ${Object.entries(matrix.rssMiB).map(([k, v]) => `${k} ${f0(v)} MiB`).join(', ')}.

${responsesSection(matrix)}

${messagesSection(matrix)}

${missSection(matrix)}

## 2. Time to first byte of a stream

${o.ttfbRounds} sequential streamed requests per target over one keep-alive connection each (Node's http client),
the targets taken in turn. TTFB = request sent → first body byte.

${table(['target', 'TTFB p50 ms', 'TTFB p99 ms', 'p50 − direct', 'p99 − direct', 'whole stream p50 ms'], ttfbRows)}
${matrix.profile.length ? `
### Where proxy-gpt's time goes

proxy-gpt under c=32 load of (c) and (d) (JSON), each in its own process started with \`bun --cpu-prof-md\`
(${o.profileS} s of load; the samples also cover its start-up and idle moments). Native functions are charged to the first
caller in src/ or a library when the profile recorded one.

${matrix.profile
  .map((p) => `**${p.label}** (${p.samples} samples; the 12 largest)\n\n${table(['share', 'where'], p.top.slice(0, 12).map((e) => [pct(e.share), e.where]), ['---:', '---'])}`)
  .join('\n\n')}` : ''}`
}
