// Section 1's Anthropic Messages cells (issue 22): (c-m), (t-m), (d-m) beside the chat targets they compare
// with, read from the same rounds, and the lines that compare their CPU per request. No targets are judged on them.

import type { MatrixResult, TargetId } from '../matrix'
import { messagesRounds } from '../messages-cells'
import { comparison, dialectTable } from './dialect-figures'

/** Each Messages target below the chat target it is compared with. */
const ROWS: TargetId[] = ['c', 't-m', 'c-m', 'd', 'd-m']

export function messagesSection(matrix: MatrixResult): string {
  const heading = '### Anthropic Messages: exact hits and translation (issue 22)'
  const o = matrix.options
  if (!matrix.cells.some((c) => c.target === 'd-m')) {
    return `${heading}\n\n_Not measured: ${
      o.messagesRounds === 0
        ? 'the Messages cells take part in `npm run bench -- --quick` only (in the default run their cells would take it past 10 minutes); see bench/.data/RESULTS-quick.md'
        : 'these results were written before the Messages cells existed'
    }._`
  }
  const high = Math.max(...o.connections)
  const rounds = messagesRounds(o)
  const lines = (['json', 'stream'] as const).flatMap((mode) => [
    comparison(matrix, rounds, mode, 'Messages exact hit vs chat exact hit, (d-m) against (d)', 'd-m', 'd'),
    comparison(matrix, rounds, mode, 'translated Messages vs chat forward, (t-m) against (c)', 't-m', 'c'),
    comparison(matrix, rounds, mode, 'native Messages forward vs chat forward, (c-m) against (c)', 'c-m', 'c'),
    comparison(matrix, rounds, mode, 'translated Messages vs native Messages forward, (t-m) against (c-m)', 't-m', 'c-m'),
  ])
  return `${heading}

The same question as an Anthropic Messages request (\`POST /v1/messages\`, \`max_tokens\` 300, one user message; the
proxy key in \`x-api-key\` with \`anthropic-version: 2023-06-01\`, as the Anthropic SDK and Claude Code send it),
measured like the cells above and in the same rotation${
    rounds.length === o.rounds
      ? ''
      : ` — in ${rounds.length} of the ${o.rounds} rounds (round ${rounds.map((r) => r + 1).join(', ')}); the chat rows and (a) below are read
from the same round${rounds.length > 1 ? 's' : ''}, so they may differ from the tables above, which give the median of all ${o.rounds}`
  }. The fake upstream answers \`/v1/messages\` itself, as Anthropic does (its key in \`x-api-key\` or as a Bearer
token, an \`anthropic-version\` required): the message object, or its event stream (\`message_start\`, the text block opened, a \`ping\`, one
\`text_delta\` per word, the block closed, \`message_delta\`, \`message_stop\`), with ids of its own.

- (t-m) is (c)'s proxy-gpt (cache off), whose upstream is the fake as \`provider: openai\`: the request is
  translated to \`/chat/completions\`, and the answer or the stream back to Messages. Same process and upstream
  as (c): the difference between the two is the translation.
- (c-m) is a proxy-gpt of its own, cache off, whose one upstream is the same fake named in \`PROXY_CONFIG\` with
  \`provider: anthropic\`: the request goes natively to its \`/v1/messages\`.
- (d-m) is (d)'s proxy-gpt (cache on), which learnt the request once before: every request is an exact hit,
  replayed as the stored message, or as Anthropic's event stream when streamed.

*p50 − (a)* is over the chat upstream's own p50 (the fake waits the same ${o.latencyMs} ms for both APIs). *upstream CPU* is
the fake upstream's CPU time per request; hits reach no upstream. No targets are set for these cells.

${dialectTable(matrix, ROWS, rounds)}

CPU per request of proxy-gpt's own process at c=${high}:

${lines.join('\n')}`
}
