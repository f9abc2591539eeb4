// The OpenAI SDKs stop reading at `data: [DONE]` and close the response. A real upstream ends its body a
// moment after that event, so the proxy sees the client cancel a stream that was already complete: it must
// still keep the answer (DESIGN §2, "even if the client hung up right after [DONE]").

import { afterEach, describe, expect, test } from 'bun:test'
import { waitFor } from '../helpers/sse'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const chatCalls = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').length

describe('a stream the SDK closes at [DONE]', () => {
  for (const lag of [1, 20]) {
    test(`is stored when the upstream ends its body ${lag} ms after [DONE], and the repeat is a HIT`, async () => {
      proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
      proxy.upstream.fault({ endLagMs: lag })
      const client = proxy.client()
      const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `hang up at done ${lag}` }], stream: true as const }

      let text = ''
      for await (const chunk of await client.chat.completions.create(request)) text += chunk.choices[0]?.delta?.content ?? ''
      expect(text).toBe(`Echo: hang up at done ${lag}`)
      await waitFor(() => proxy!.logs.some((l) => / stream=(cancelled|complete)/.test(l)))
      await waitFor(async () => (await proxy!.cache!.count()) === 1)

      const { data, response } = await client.chat.completions.create(request).withResponse()
      expect(response.headers.get('x-cache')).toBe('HIT')
      let again = ''
      for await (const chunk of data) again += chunk.choices[0]?.delta?.content ?? ''
      expect(again).toBe(text)
      expect(chatCalls()).toBe(1)
    })
  }

  test('a stream cancelled before [DONE] is still never stored', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    proxy.upstream.fault({ chunkDelayMs: 20 })
    const client = proxy.client()
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'one two three four five six seven' }],
      stream: true,
    })
    for await (const _ of stream) break // the SDK aborts the response after the first chunk
    await waitFor(() => proxy!.logs.some((l) => l.endsWith('stream=cancelled')))
    await Bun.sleep(50)
    expect((await proxy.cache!.count())).toBe(0)
  })
})
