import { describe, expect, test } from 'bun:test'
import { tapStream, type StreamEnd } from '../../../../src/openai/sse/tap'

const bytes = (text: string) => new TextEncoder().encode(text)

interface Source {
  stream: ReadableStream<Uint8Array>
  cancelled: unknown[]
  pulls: number
}

/** A pull-driven source that hands out `chunks` one per pull, then closes (or errors with `failWith`). */
function source(chunks: Uint8Array[], failWith?: Error): Source {
  const state: Source = { stream: undefined as never, cancelled: [], pulls: 0 }
  let i = 0
  state.stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++
        const chunk = chunks[i++]
        if (chunk) controller.enqueue(chunk)
        else if (failWith) controller.error(failWith)
        else controller.close()
      },
      cancel(reason) {
        state.cancelled.push(reason)
      },
    },
    { highWaterMark: 0 }
  )
  return state
}

function recorder() {
  const ends: StreamEnd[] = []
  const chunks: Uint8Array[] = []
  return { ends, chunks, handlers: { onChunk: (c: Uint8Array) => chunks.push(c), onEnd: (how: StreamEnd) => ends.push(how) } }
}

describe('tapStream', () => {
  test('passes every chunk through in order and calls onEnd("complete") once after a full read', async () => {
    const input = ['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n'].map(bytes)
    const src = source(input)
    const rec = recorder()
    const out = tapStream(src.stream, rec.handlers)

    const reader = out.getReader()
    const seen: Uint8Array[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      seen.push(value)
      expect(rec.ends).toEqual([]) // not before the end
    }

    expect(seen).toHaveLength(3)
    seen.forEach((chunk, i) => expect(chunk).toBe(input[i]!)) // the same chunks, not copies or re-splits
    expect(rec.chunks).toHaveLength(3)
    rec.chunks.forEach((chunk, i) => expect(chunk).toBe(input[i]!))
    expect(rec.ends).toEqual(['complete'])

    // Cancelling after the end changes nothing.
    await reader.cancel('late')
    expect(rec.ends).toEqual(['complete'])
    expect(src.cancelled).toEqual([])
  })

  test('whole body read through a Response: same bytes, onEnd("complete") once', async () => {
    const src = source(['Hello', ', ', 'world'].map(bytes))
    const rec = recorder()
    const text = await new Response(tapStream(src.stream, rec.handlers)).text()
    expect(text).toBe('Hello, world')
    expect(rec.ends).toEqual(['complete'])
  })

  test('an empty source ends complete', async () => {
    const rec = recorder()
    expect(await new Response(tapStream(source([]).stream, rec.handlers)).text()).toBe('')
    expect(rec.ends).toEqual(['complete'])
    expect(rec.chunks).toEqual([])
  })

  test('works without handlers', async () => {
    const text = await new Response(tapStream(source([bytes('a'), bytes('b')]).stream, {})).text()
    expect(text).toBe('ab')
  })

  test('the consumer cancelling: onEnd("cancelled") once, and the source is cancelled with the reason', async () => {
    const input = ['one', 'two', 'three'].map(bytes)
    const src = source(input)
    const rec = recorder()
    const reader = tapStream(src.stream, rec.handlers).getReader()

    const first = await reader.read()
    expect(first.value).toBe(input[0]!)
    await reader.cancel('client went away')

    expect(rec.ends).toEqual(['cancelled'])
    expect(src.cancelled).toEqual(['client went away'])
    expect(rec.chunks).toEqual([input[0]!])

    // A second cancel does not report again.
    await reader.cancel('again')
    expect(rec.ends).toEqual(['cancelled'])
  })

  test('cancelling before anything was read still reports incomplete and cancels the source', async () => {
    const src = source([bytes('x')])
    const rec = recorder()
    await tapStream(src.stream, rec.handlers).cancel('never mind')
    expect(rec.ends).toEqual(['cancelled'])
    expect(src.cancelled).toEqual(['never mind'])
  })

  test('the source erroring: onEnd("cut") once and the output errors with the same error', async () => {
    const boom = new Error('upstream connection reset')
    const input = [bytes('partial ')]
    const src = source(input, boom)
    const rec = recorder()
    const reader = tapStream(src.stream, rec.handlers).getReader()

    const first = await reader.read()
    expect(first.value).toBe(input[0]!)
    expect(rec.ends).toEqual([])

    let caught: unknown
    try {
      await reader.read()
    } catch (error) {
      caught = error
    }
    expect(caught).toBe(boom)
    expect(rec.ends).toEqual(['cut'])

    // Further reads keep failing; onEnd is not called again.
    let again: unknown
    await reader.read().catch((error) => (again = error))
    expect(again).toBe(boom)
    expect(rec.ends).toEqual(['cut'])
  })

  test('the source erroring immediately: reading the whole body rejects, onEnd("cut") once', async () => {
    const boom = new Error('boom')
    const rec = recorder()
    let caught: unknown
    await new Response(tapStream(source([], boom).stream, rec.handlers)).text().catch((error) => (caught = error))
    expect(caught).toBe(boom)
    expect(rec.ends).toEqual(['cut'])
    expect(rec.chunks).toEqual([])
  })

  test('onSourceError returning bytes: they are the last chunk, the stream closes cleanly, onEnd("cut") once', async () => {
    const boom = new Error('reset')
    const errors: unknown[] = []
    const tail = bytes('event: error\ndata: {"error":{"message":"cut"}}\n\n')
    const rec = recorder()
    const out = tapStream(source([bytes('data: {"a":1}\n\n')], boom).stream, {
      ...rec.handlers,
      onSourceError: (error) => {
        errors.push(error)
        return tail
      },
    })
    const text = await new Response(out).text()
    expect(text).toBe('data: {"a":1}\n\nevent: error\ndata: {"error":{"message":"cut"}}\n\n')
    expect(errors).toEqual([boom])
    expect(rec.ends).toEqual(['cut'])
    // The tail is the proxy's own bytes, not a source chunk.
    expect(rec.chunks).toHaveLength(1)
  })

  test('onSourceError returning nothing: the failure passes on as a broken stream', async () => {
    const boom = new Error('reset')
    const errors: unknown[] = []
    const rec = recorder()
    const out = tapStream(source([bytes('a')], boom).stream, {
      ...rec.handlers,
      onSourceError: (error) => {
        errors.push(error)
        return undefined
      },
    })
    let caught: unknown
    await new Response(out).text().catch((error) => (caught = error))
    expect(caught).toBe(boom)
    expect(errors).toEqual([boom])
    expect(rec.ends).toEqual(['cut'])
  })

  test('onSourceError is not called on a clean end or a cancel', async () => {
    const calls: unknown[] = []
    const onSourceError = (error: unknown) => {
      calls.push(error)
      return undefined
    }
    await new Response(tapStream(source([bytes('a')]).stream, { onSourceError })).text()
    await tapStream(source([bytes('a')]).stream, { onSourceError }).cancel('bye')
    expect(calls).toEqual([])
  })

  test('no read-ahead: the source is pulled only when the consumer asks', async () => {
    const src = source(['a', 'b', 'c'].map(bytes))
    const reader = tapStream(src.stream, {}).getReader()
    await reader.read()
    const afterOne = src.pulls
    await reader.read()
    expect(src.pulls).toBe(afterOne + 1)
    await reader.cancel()
  })

  // Guards a fixed bug: an exception thrown by the owner's own onChunk was once handled as
  // if the *source* broke: onSourceError is asked for a "stream cut" event, and the source reader is never
  // cancelled, so the upstream request keeps running (and billing tokens) with nobody reading it.
  test('a throwing onChunk cancels the source and is not reported as a source error', async () => {
    const src = source(['a', 'b', 'c'].map(bytes))
    const sourceErrors: unknown[] = []
    const out = tapStream(src.stream, {
      onChunk: () => {
        throw new Error('cache recorder failed')
      },
      onSourceError: (error) => {
        sourceErrors.push(error)
        return undefined
      },
    })
    await new Response(out).text().catch(() => {})
    expect(sourceErrors).toEqual([])
    expect(src.cancelled).toHaveLength(1)
  })
})
