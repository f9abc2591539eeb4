import { describe, expect, test } from 'bun:test'
import { tapStream } from '../../../../src/openai/sse/tap'
import { UsageChunkFilter } from '../../../../src/dialects/chat/usage-filter'

// The stream that never ended (issue 19): when the usage-only chunk the proxy hides arrived in its own read,
// the tap's pull enqueued nothing and was never called again. Every way of cutting the same body into reads
// must give the client every event but the usage one, then `[DONE]`, then the end.

const encoder = new TextEncoder()
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const USAGE = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`
const EVENTS = [chunk({ role: 'assistant', content: 'Hi' }), chunk({ content: ' there' }), chunk({}, 'stop'), USAGE, 'data: [DONE]\n\n']
const BODY = EVENTS.join('')
const EXPECTED = EVENTS.filter((event) => event !== USAGE).join('')

/** A source handing out `pieces` one per pull, like a socket read. */
function source(pieces: string[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const piece = pieces[i++]
        if (piece === undefined) controller.close()
        else controller.enqueue(encoder.encode(piece))
      },
    },
    { highWaterMark: 0 }
  )
}

async function throughFilter(pieces: string[]) {
  const filter = new UsageChunkFilter()
  const seen: Uint8Array[] = []
  let ended: string | undefined
  const out = tapStream(source(pieces), {
    onChunk: (c) => seen.push(c),
    transform: (c) => filter.push(c),
    flush: () => filter.flush(),
    onEnd: (how) => (ended = how),
  })
  const text = await new Response(out).text()
  return { text, ended, seen: new TextDecoder().decode(Buffer.concat(seen)) }
}

describe('tapStream with the usage filter', () => {
  test('each event in its own read, the usage one included', async () => {
    const { text, ended, seen } = await throughFilter(EVENTS)
    expect(text).toBe(EXPECTED)
    expect(seen).toBe(BODY) // the recorder still sees the usage chunk
    expect(ended).toBe('complete')
  })

  test('split into two reads at every byte boundary', async () => {
    for (let at = 1; at < BODY.length; at++) {
      const { text, ended } = await throughFilter([BODY.slice(0, at), BODY.slice(at)])
      expect(text).toBe(EXPECTED)
      expect(ended).toBe('complete')
    }
  })

  test('one byte per read', async () => {
    const { text, ended } = await throughFilter([...BODY])
    expect(text).toBe(EXPECTED)
    expect(ended).toBe('complete')
  })

  test('a run of reads that forward nothing (usage alone, then half an event) still ends', async () => {
    const half = Math.floor(USAGE.length / 2)
    const { text } = await throughFilter([EVENTS[0]!, EVENTS[1]!, EVENTS[2]!, USAGE.slice(0, half), USAGE.slice(half), 'data: [DO', 'NE]\n', '\n'])
    expect(text).toBe(EXPECTED)
  })
})
