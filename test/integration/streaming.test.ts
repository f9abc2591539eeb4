import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'
import { readChatStream, SseReader, waitFor } from '../helpers/sse'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

const streamRequest = (content = 'tell me a long story') => ({
  model: 'gpt-4o-mini',
  stream: true as const,
  messages: [{ role: 'user' as const, content }],
})

describe('SSE pass-through', () => {
  test('chunks reach the client while the upstream is still holding the rest (no buffering)', async () => {
    // The upstream sends the role chunk and one word, then waits until the test releases it.
    proxy.upstream.fault({ holdAfterChunks: 2 })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, streamRequest())
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')

    const events = new SseReader(response)
    const first = JSON.parse((await events.next())!)
    expect(first.choices[0].delta.role).toBe('assistant')
    const second = JSON.parse((await events.next())!)
    expect(second.choices[0].delta.content).toBe('Echo: ')
    expect(proxy.upstream.streamsCompleted).toBe(0)

    proxy.upstream.release()
    const rest = await events.rest()
    expect(rest.at(-1)).toBe('[DONE]')
    expect(proxy.upstream.streamsCompleted).toBe(1)
  })

  test('a client that disconnects mid-stream cancels the upstream stream', async () => {
    proxy.upstream.fault({ holdAfterChunks: 2 })
    const abort = new AbortController()
    const live = await fetch(`${proxy.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${proxy.config.proxyKeys[0]}` },
      body: JSON.stringify(streamRequest()),
      signal: abort.signal,
    })
    const events = new SseReader(live)
    await events.next()
    abort.abort()
    // The upstream is still holding the rest of its answer: only a cancel from the proxy can end it now.
    await waitFor(() => proxy.upstream.cancelled === 1)
    expect(proxy.upstream.streamsCompleted).toBe(0)
    await waitFor(() => proxy.logs.some((line) => line.endsWith('stream=cancelled')))
  })

  test('a client that disconnects before the upstream answers aborts the upstream request', async () => {
    proxy.upstream.fault({ hang: true })
    const abort = new AbortController()
    const pending = fetch(`${proxy.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${proxy.config.proxyKeys[0]}` },
      body: JSON.stringify(streamRequest()),
      signal: abort.signal,
    }).catch((error) => error)
    await waitFor(() => proxy.upstream.requests.length === 1)
    abort.abort()
    await pending
    await waitFor(() => proxy.upstream.aborted === 1)
  })

  test('a stream the upstream cuts mid-way ends with an error event the SDK raises, never a clean short answer', async () => {
    // Paced, so the upstream's headers and first chunks are out before the cut.
    proxy.upstream.fault({ cutAfterChunks: 2, chunkDelayMs: 20 })
    const stream = await proxy.client().chat.completions.create(streamRequest())
    const { text, failure } = await readChatStream(stream)
    expect(failure?.constructor?.name).toBe('APIError')
    expect(failure.error.code).toBe('upstream_stream_interrupted')
    expect(text).toBe('Echo: tell ')
    await waitFor(() => proxy.logs.some((line) => line.endsWith('stream=cut')))
  })

  test('raw SSE view of a cut stream: the data so far, then the error event, and no [DONE]', async () => {
    proxy.upstream.fault({ cutAfterChunks: 2, chunkDelayMs: 20 })
    const response = await postJson(`${proxy.baseURL}/chat/completions`, streamRequest())
    const events = await new SseReader(response).rest()
    expect(events).toHaveLength(4)
    expect(JSON.parse(events.at(-1)!).error.type).toBe('upstream_error')
    expect(events).not.toContain('[DONE]')
  })

  test('the access log line of a stream is written when the stream ends', async () => {
    proxy.upstream.fault({ holdAfterChunks: 2 })
    const before = proxy.logs.length
    const response = await postJson(`${proxy.baseURL}/chat/completions`, streamRequest())
    const events = new SseReader(response)
    await events.next()
    await Bun.sleep(50)
    expect(proxy.logs.length).toBe(before)
    proxy.upstream.release()
    await events.rest()
    await waitFor(() => proxy.logs.length === before + 1)
    expect(proxy.logs.at(-1)).toMatch(/ POST \/v1\/chat\/completions 200 .* stream=complete$/)
  })
})
