// Sections 1 and 2: proxy overhead under autocannon (one table per mode), time to first byte of a stream,
// and where proxy-gpt's time goes under load.

import type { MatrixResult, Mode, TargetId } from '../matrix'
import { TARGET_LABELS } from '../matrix'
import { f0, f2, f3, pct, ratio, signed, table } from './format'
import { cellOf } from './results'

function matrixTable(matrix: MatrixResult, mode: Mode): string {
  const [low, high] = [Math.min(...matrix.options.connections), Math.max(...matrix.options.connections)]
  const a1 = cellOf(matrix, 'a', mode, low)
  const aN = cellOf(matrix, 'a', mode, high)
  const bN = cellOf(matrix, 'b', mode, high)
  const b1 = cellOf(matrix, 'b', mode, low)
  const rows = (['a', 'b', 'c', 'd', 'e', 'f'] as TargetId[]).map((id) => {
    const one = cellOf(matrix, id, mode, low)
    const many = cellOf(matrix, id, mode, high)
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
    ]
  })
  return table(
    ['target', `c=${low} req/s`, 'p50 ms', 'p99 ms', 'p50 − (a) ms', 'req/s ÷ (b)', `c=${high} req/s`, 'p50 ms', 'p99 ms', 'req/s ÷ (b)', 'req/s ÷ (a)', `CPU µs/req (system), c=${high}`],
    rows
  )
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

Every target answers the same chat request (\`${'gpt-4o-mini'}\`, one short user message). The fake upstream waits
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

### Non-streamed (\`stream: false\`)

${matrixTable(matrix, 'json')}

### Streamed (\`stream: true\`, time to the end of the stream)

${matrixTable(matrix, 'stream')}

(f) runs under Bun because its streaming breaks on Node 20 (Portkey-AI/gateway issues #1389 and #1550). Checked in
this run, one request each through Portkey under Node ${matrix.portkeyOnNode.node}: JSON → ${matrix.portkeyOnNode.json}; stream → ${matrix.portkeyOnNode.stream}.

Resident memory after the load: ${Object.entries(matrix.rssMiB).map(([k, v]) => `${k} ${f0(v)} MiB`).join(', ')}.

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
