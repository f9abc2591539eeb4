// Section 1's Responses cells (issue 21): (c-r), (d-r), (t-r) beside the chat targets they compare with, and
// the lines that compare them. No targets are judged on them yet.

import type { MatrixResult, TargetId } from '../matrix'
import { responsesRounds } from '../responses-cells'
import { comparison, dialectTable } from './dialect-figures'

/** Each Responses target below the chat target it is compared with. */
const ROWS: TargetId[] = ['c', 'c-r', 't-r', 'd', 'd-r']

export function responsesSection(matrix: MatrixResult): string {
  const heading = '### The Responses API: exact hits and translation (issue 21)'
  if (!matrix.cells.some((c) => c.target === 'd-r')) return `${heading}\n\n_Not measured: these results were written before the Responses cells existed._`
  const o = matrix.options
  const high = Math.max(...o.connections)
  const rounds = responsesRounds(o)
  const lines = (['json', 'stream'] as const).flatMap((mode) => [
    comparison(matrix, rounds, mode, 'Responses exact hit vs chat exact hit, (d-r) against (d)', 'd-r', 'd'),
    comparison(matrix, rounds, mode, 'translated Responses vs native Responses forward, (t-r) against (c-r)', 't-r', 'c-r'),
    comparison(matrix, rounds, mode, 'native Responses forward vs chat forward, (c-r) against (c)', 'c-r', 'c'),
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

${dialectTable(matrix, ROWS, rounds)}

CPU per request of proxy-gpt's own process at c=${high}:

${lines.join('\n')}`
}
