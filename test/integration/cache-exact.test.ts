import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { SseReader } from '../helpers/sse'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

let n = 0
/** A question no other test asked, so hits come only from this test's own requests. */
const fresh = (text = 'question') => `${text} #${++n}`
const chat = (content: string, extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra })
const calls = (path = '/v1/chat/completions') => proxy.upstream.requests.filter((r) => r.path === path).length

describe('exact cache', () => {
  test('the same question twice: one upstream call, the second answer says HIT exact and has the full shape', async () => {
    const content = fresh()
    const first = await postJson(`${proxy.baseURL}/chat/completions`, chat(content))
    expect(first.headers.get('x-cache')).toBe('MISS')
    const firstBody: any = await first.json()

    const second = await postJson(`${proxy.baseURL}/chat/completions`, chat(content))
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('x-cache-match')).toBe('exact')
    expect(second.headers.get('x-cache-similarity')).toBeNull()
    const body: any = await second.json()
    expect(body.object).toBe('chat.completion')
    expect(body.id).toMatch(/^chatcmpl-/)
    expect(Number.isInteger(body.created)).toBe(true)
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5)
    expect(body.model).toBe('gpt-4o-mini')
    expect(body.choices).toEqual(firstBody.choices)
    expect(body.usage).toEqual(firstBody.usage)
    expect(calls()).toBe(1)
    expect(proxy.logs.at(-1)).toContain('cache=HIT/exact')
  })

  test('stream, stream_options and user do not split the key; model, system prompt, parameters and earlier turns do', async () => {
    const content = fresh()
    await postJson(`${proxy.baseURL}/chat/completions`, chat(content, { temperature: 0.5 }))
    const same = [
      chat(content, { temperature: 0.5, user: 'someone' }),
      chat(content, { temperature: 0.5, stream: true, stream_options: { include_usage: true } }),
      { temperature: 0.5, messages: [{ content, role: 'user' }], model: 'gpt-4o-mini' }, // field order
    ]
    for (const body of same) {
      const response = await postJson(`${proxy.baseURL}/chat/completions`, body)
      expect(response.headers.get('x-cache')).toBe('HIT')
      await response.text()
    }
    const different = [
      chat(content, { temperature: 0.9 }),
      { ...chat(content, { temperature: 0.5 }), model: 'gpt-4o' },
      { model: 'gpt-4o-mini', temperature: 0.5, messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content }] },
      { model: 'gpt-4o-mini', temperature: 0.5, messages: [{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'ok' }, { role: 'user', content }] },
      chat(content, { temperature: 0.5, max_tokens: 20 }),
      chat(content, { temperature: 0.5, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }),
    ]
    for (const body of different) {
      const response = await postJson(`${proxy.baseURL}/chat/completions`, body)
      expect(response.headers.get('x-cache')).toBe('MISS')
      await response.text()
    }
    expect(calls()).toBe(1 + different.length)
  })

  test('an answer first streamed serves a later JSON request, with usage', async () => {
    const content = fresh('stream first please')
    const stream = await proxy.client().chat.completions.create({ ...chat(content), stream: true } as any)
    let streamed = ''
    let sawUsageChunk = false
    for await (const chunk of stream as any) {
      streamed += chunk.choices[0]?.delta?.content ?? ''
      if (chunk.choices.length === 0) sawUsageChunk = true
    }
    // The proxy asked the upstream for usage to store it, but this client did not ask: it must not see it.
    expect(sawUsageChunk).toBe(false)
    const forwarded = proxy.upstream.requests.find((r) => r.path === '/v1/chat/completions')!
    expect(forwarded.json.stream_options).toEqual({ include_usage: true })

    const { data: completion, response } = await proxy.client().chat.completions.create(chat(content) as any).withResponse()
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(completion.choices[0]!.message.content).toBe(streamed)
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    expect(completion.usage?.total_tokens).toBeGreaterThan(0)
    expect(calls()).toBe(1)
  })

  test('an answer first given as JSON is replayed as a real SSE stream, usage chunk when asked', async () => {
    const content = fresh('json first then stream me')
    const original = await proxy.client().chat.completions.create(chat(content) as any)

    const response = await postJson(`${proxy.baseURL}/chat/completions`, chat(content, { stream: true, stream_options: { include_usage: true } }))
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const events = await new SseReader(response).rest()
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e))
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta?.content)
    expect(contentChunks.length).toBeGreaterThanOrEqual(2)
    expect(contentChunks.map((c) => c.choices[0].delta.content).join('')).toBe((original as any).choices[0].message.content)
    const finish = chunks.find((c) => c.choices[0]?.finish_reason)
    expect(finish.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1).choices).toEqual([])
    expect(chunks.at(-1).usage).toEqual((original as any).usage)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true)

    const sdk = await proxy.client().chat.completions.create({ ...chat(content), stream: true } as any)
    let text = ''
    for await (const chunk of sdk as any) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toBe((original as any).choices[0].message.content)
    expect(calls()).toBe(1)
  })

  test('tool calls survive both directions intact', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
    const content = fresh('what is the weather in Paris')
    const stream = await proxy.client().chat.completions.create({ ...chat(content), tools, stream: true } as any)
    for await (const _ of stream as any) {
    }
    const json: any = await proxy.client().chat.completions.create({ ...chat(content), tools } as any)
    expect(json.choices[0].finish_reason).toBe('tool_calls')
    expect(json.choices[0].message.content).toBeNull()
    expect(json.choices[0].message.tool_calls).toEqual([
      { id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
    ])

    const replay = await proxy.client().chat.completions.create({ ...chat(content), tools, stream: true } as any)
    const args: string[] = []
    let name = ''
    for await (const chunk of replay as any) {
      const call = chunk.choices[0]?.delta?.tool_calls?.[0]
      if (call?.function?.name) name = call.function.name
      if (call?.function?.arguments) args.push(call.function.arguments)
    }
    expect(name).toBe('get_weather')
    expect(args.join('')).toBe('{"city":"Paris","unit":"celsius"}')
    expect(calls()).toBe(1)
  })

  test('legacy completions and embeddings are cached too; embeddings in either encoding', async () => {
    const prompt = fresh('complete this')
    await proxy.client().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt })
    const { response } = await proxy.client().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt }).withResponse()
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(calls('/v1/completions')).toBe(1)

    const input = fresh('embed this text')
    const viaSdk = await proxy.client().embeddings.create({ model: 'text-embedding-3-small', input }) // base64 on the wire
    const asFloats = await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input })
    expect(asFloats.headers.get('x-cache')).toBe('HIT')
    const floats: any = await asFloats.json()
    expect(Array.isArray(floats.data[0].embedding)).toBe(true)
    floats.data[0].embedding.forEach((v: number, i: number) => expect(v).toBeCloseTo(viaSdk.data[0]!.embedding[i]!, 6))
    const again = await proxy.client().embeddings.create({ model: 'text-embedding-3-small', input })
    expect(again.data[0]!.embedding).toEqual(viaSdk.data[0]!.embedding)
    // Only the client's own embeddings request; the others are the cache's lookups of the prompt above.
    expect(proxy.upstream.requests.filter((r) => r.path === '/v1/embeddings' && r.json.input === input)).toHaveLength(1)
  })
})

describe('the query string', () => {
  test('is part of the key: ?variant=x is neither served the plain answer nor serves it', async () => {
    const content = fresh('with a query')
    expect((await postJson(`${proxy.baseURL}/chat/completions`, chat(content))).headers.get('x-cache')).toBe('MISS')
    const variant = await postJson(`${proxy.baseURL}/chat/completions?variant=x`, chat(content))
    expect(variant.headers.get('x-cache')).toBe('MISS')
    await variant.text()
    expect(proxy.upstream.requests.at(-1)!.path).toBe('/v1/chat/completions?variant=x')
    expect((await postJson(`${proxy.baseURL}/chat/completions?variant=x`, chat(content))).headers.get('x-cache')).toBe('HIT')
    expect((await postJson(`${proxy.baseURL}/chat/completions?variant=y`, chat(content))).headers.get('x-cache')).toBe('MISS')
    expect((await postJson(`${proxy.baseURL}/chat/completions`, chat(content))).headers.get('x-cache')).toBe('HIT')
    expect(proxy.upstream.requests.filter((r) => r.path.startsWith('/v1/chat/completions')).length).toBe(3)
  })
})
