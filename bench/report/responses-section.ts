// Section 1's Responses cells (issue 21): (c-r), (d-r), (t-r) beside the chat targets they compare with, and
// the lines that compare them. No targets are judged on them yet.

import { median } from '../lib/stats'
import type { MatrixResult, Mode, TargetId } from '../matrix'
import { TARGET_LABELS } from '../matrix'
import { isResponsesTarget, responsesRounds } from '../responses-cells'
import { f0, f3, ratio, signed, table } from './format'
import { cellOf } from './results'

/** Each Responses target below the chat target it is compared with. */
const ROWS: TargetId[] = ['c', 'c-r', 't-r', 'd', 'd-r']

interface Figures {
  rps: number
  p50: number
  p99: number
  cpuUs: number
  systemUs: number
  upstreamCpuUs: number
}

/**
 * A cell's medians over the rounds the Responses targets took part in: a chat target is read from those rounds
 * only, so that each comparison is between cells measured side by side in the same rotation.
 */
function figuresOf(matrix: MatrixResult, id: TargetId, mode: Mode, n: number): Figures | undefined {
  const cell = cellOf(matrix, id, mode, n)
  if (!cell) return undefined
  const rounds = isResponsesTarget(id) ? cell.rounds : responsesRounds(matrix.options).flatMap((r) => (cell.rounds[r] ? [cell.rounds[r]!] : []))
  const of = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick))
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
const more = (x: number, of: number) => (Number.isFinite(x / of) ? `${x >= of ? '+' : '−'}${Math.abs((x / of - 1) * 100).toFixed(1)}%` : '–')

export function responsesSection(matrix: MatrixResult): string {
  const heading = '### The Responses API: exact hits and translation (issue 21)'
  if (!matrix.cells.some((c) => c.target === 'd-r')) return `${heading}\n\n_Not measured: these results were written before the Responses cells existed._`
  const o = matrix.options
  const [low, high] = [Math.min(...o.connections), Math.max(...o.connections)]
  const rounds = responsesRounds(o)
  const rows = (['json', 'stream'] as const).flatMap((mode) =>
    ROWS.map((id) => {
      const [one, many, a1] = [figuresOf(matrix, id, mode, low), figuresOf(matrix, id, mode, high), figuresOf(matrix, 'a', mode, low)]
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
  const cpu = (id: TargetId, mode: Mode) => figuresOf(matrix, id, mode, high)?.cpuUs ?? NaN
  const rps = (id: TargetId, mode: Mode) => figuresOf(matrix, id, mode, high)?.rps ?? NaN
  const compare = (mode: Mode, what: string, x: TargetId, of: TargetId) =>
    `- ${what}, ${mode}: **${f0(cpu(x, mode))} µs against ${f0(cpu(of, mode))} µs (${more(cpu(x, mode), cpu(of, mode))})** of CPU per request, ${ratio(rps(x, mode) / rps(of, mode))} the throughput`
  const lines = (['json', 'stream'] as const).flatMap((mode) => [
    compare(mode, 'Responses exact hit vs chat exact hit, (d-r) against (d)', 'd-r', 'd'),
    compare(mode, 'translated Responses vs native Responses forward, (t-r) against (c-r)', 't-r', 'c-r'),
    compare(mode, 'native Responses forward vs chat forward, (c-r) against (c)', 'c-r', 'c'),
  ])
  return `${heading}

The same question as a Responses request (\`POST /v1/responses\`, \`input\` one user item with an \`input_text\`
part, as the AI SDK's OpenAI provider sends it), measured like the cells above and in the same rotation${
    rounds.length === o.rounds
      ? ''
      : ` — in ${rounds.length} of the ${o.rounds} rounds (round ${rounds.map((r) => r + 1).join(', ')}), so that the default run stays within
its time; the chat rows and (a) below are read from the same round${rounds.length > 1 ? 's' : ''}, so they may differ from the tables above, which give the median of all ${o.rounds}`
  }. The fake upstream answers \`/v1/responses\` itself, as OpenAI does: the response object in its full shape, or
its event stream (\`response.created\`, \`response.in_progress\`, the message item and its content part opened,
one \`response.output_text.delta\` per word, their \`.done\` events, \`response.completed\`, each with its
\`sequence_number\`), with ids of its own for every response.

- (c-r) is (c)'s proxy-gpt (cache off) forwarding the request to that upstream (\`provider: openai\`); it reads the
  response's id off the answer as it passes, to send follow-ups to the key that made it.
- (d-r) is (d)'s proxy-gpt (cache on), which learnt the request once before: every request is an exact hit,
  replayed as the stored response, or as its whole event sequence when streamed.
- (t-r) is a proxy-gpt of its own, cache off, whose one upstream is a second fake that speaks chat only (its
  \`/v1/responses\` answers 404), named in \`PROXY_CONFIG\` with \`provider: openai-chat\`: the request is translated
  to \`/chat/completions\`, and the answer or the stream back to Responses. It keeps each translated response
  for \`RESPONSES_TTL\` (the request does not say \`store: false\`), so that \`previous_response_id\` works on it.

*p50 − (a)* is over the chat upstream's own p50 (the fake waits the same ${o.latencyMs} ms for both APIs). *upstream CPU* is
the fake upstream's CPU time per request (the chat-only one for (t-r)); hits reach no upstream. No targets are set
for these cells yet.

${table(
    [
      'target',
      'mode',
      `c=${low} req/s`,
      'p50 ms',
      'p50 − (a) ms',
      `c=${high} req/s`,
      'p50 ms',
      'p99 ms',
      `CPU µs/req (system), c=${high}`,
      `upstream CPU µs/req, c=${high}`,
    ],
    rows
  )}

CPU per request of proxy-gpt's own process at c=${high}:

${lines.join('\n')}`
}
