import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { PROXY_KEY, REAL_KEY, auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

describe('chat completions through the openai SDK', () => {
  test('plain answer; the upstream sees only the real key and every field the client sent', async () => {
    const completion = await proxy.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there', name: 'alice' },
      ],
      temperature: 0.2,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
      // @ts-expect-error an unknown field must be forwarded untouched
      custom_vendor_field: { nested: [1, 2, 3] },
    })
    expect(completion.choices[0]!.message.content).toBe('Echo: Hello there')

    const [seen] = proxy.upstream.requests
    expect(seen!.path).toBe('/v1/chat/completions')
    expect(seen!.headers.authorization).toBe(`Bearer ${REAL_KEY}`)
    expect(JSON.stringify(seen!.headers)).not.toContain(PROXY_KEY)
    expect(seen!.json.temperature).toBe(0.2)
    expect(seen!.json.messages[1].name).toBe('alice')
    expect(seen!.json.tools[0].function.parameters.properties.q.type).toBe('string')
    expect(seen!.json.custom_vendor_field).toEqual({ nested: [1, 2, 3] })
  })

  test('streaming answer arrives as chunks the SDK assembles', async () => {
    const stream = await proxy.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream me some words please' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let chunks = 0
    let usage: unknown
    for await (const chunk of stream) {
      chunks++
      text += chunk.choices[0]?.delta?.content ?? ''
      if (chunk.usage) usage = chunk.usage
    }
    expect(text).toBe('Echo: stream me some words please')
    expect(chunks).toBeGreaterThan(5)
    expect(usage).toBeDefined()
    expect(proxy.upstream.streamsCompleted).toBe(1)
  })

  test('paths without /v1 are served the same (extensions that append the path themselves)', async () => {
    const noPrefix = proxy.client({ baseURL: proxy.url })
    const completion = await noPrefix.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no prefix' }] })
    expect(completion.choices[0]!.message.content).toBe('Echo: no prefix')
    const models = await noPrefix.models.list()
    expect(models.data.length).toBeGreaterThan(0)
    expect(proxy.upstream.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/models'])
  })

  test('x-request-id is echoed, or made when absent', async () => {
    const given = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { ...auth(), 'x-request-id': 'my-trace-1' })
    expect(given.headers.get('x-request-id')).toBe('my-trace-1')
    const made = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    expect(made.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/)
  })
})
