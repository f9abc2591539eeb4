import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { toFile } from 'openai'
import { audioBytes, fakeEmbedding } from '../helpers/fake-upstream'
import { REAL_KEY, auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '300' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

describe('endpoints through the openai SDK', () => {
  test('models list', async () => {
    const models = await proxy.client().models.list()
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini')
  })

  test('embeddings, base64-encoded by the SDK, decode to the upstream vectors', async () => {
    const result = await proxy.client().embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] })
    expect(result.data).toHaveLength(2)
    const expected = fakeEmbedding('second text')
    result.data[1]!.embedding.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5))
    expect(proxy.upstream.requests[0]!.json.encoding_format).toBe('base64')
  })

  test('legacy completions get max_tokens capped', async () => {
    const completion = await proxy.client().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this', max_tokens: 5000 })
    expect(completion.choices[0]!.text).toBe('Completed: Say this')
    expect(proxy.upstream.requests[0]!.json.max_tokens).toBe(300)
  })

  test('responses API: max_output_tokens capped, set when absent', async () => {
    const client = proxy.client()
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hello', max_output_tokens: 9999 })
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hello' })
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hello', max_output_tokens: 20 })
    expect(proxy.upstream.requests.map((r) => r.json.max_output_tokens)).toEqual([300, 300, 20])
  })

  test('multipart file upload passes through intact', async () => {
    const content = Buffer.from('{"prompt":"a"}\n'.repeat(1000))
    const file = await proxy.client().files.create({ file: await toFile(content, 'train.jsonl'), purpose: 'fine-tune' })
    expect(file.filename).toBe('train.jsonl')
    expect(file.bytes).toBe(content.length)
    const [seen] = proxy.upstream.requests
    expect(seen!.headers['content-type']).toStartWith('multipart/form-data; boundary=')
    expect(seen!.form!.purpose).toBe('fine-tune')
    expect(seen!.headers.authorization).toBe(`Bearer ${REAL_KEY}`)
  })

  test('binary answers (audio) come back byte for byte', async () => {
    const speech = await proxy.client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hello world' })
    const bytes = new Uint8Array(await speech.arrayBuffer())
    expect(bytes).toEqual(new Uint8Array(audioBytes('hello world')))
    expect(speech.headers.get('content-type')).toBe('audio/mpeg')
  })

  test('other methods and query strings pass through', async () => {
    const deleted = await proxy.client().files.delete('file-abc')
    expect(deleted.deleted).toBe(true)
    await fetch(`${proxy.baseURL}/models?limit=2&after=x`, { headers: auth() })
    await fetch(`${proxy.baseURL}/files?limit=2&after=x`, { headers: auth() })
    // GET /v1/models is the proxy's own answer (the upstreams' listings, merged): only the others reach the upstream.
    expect(proxy.upstream.requests.map((r) => `${r.method} ${r.path}`).filter((r) => !r.startsWith('GET /v1/models'))).toEqual([
      'DELETE /v1/files/file-abc',
      'GET /v1/files?limit=2&after=x',
    ])
  })

  test('a compressed upstream answer reaches the client decoded, with no stale content-encoding', async () => {
    proxy.upstream.fault({ gzip: true })
    const response = await fetch(`${proxy.baseURL}/models`, { headers: auth() })
    expect(response.headers.get('content-encoding')).toBeNull()
    expect(((await response.json()) as any).object).toBe('list')
  })
})

describe('output cap on chat', () => {
  const ask = (extra: object) =>
    postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra })

  test('set to MAX_OUTPUT_TOKENS when absent; clamped when higher; kept when lower', async () => {
    await ask({})
    await ask({ max_tokens: 4096 })
    await ask({ max_completion_tokens: 4096 })
    await ask({ max_tokens: 50 })
    const sent = proxy.upstream.requests.map((r) => [r.json.max_tokens, r.json.max_completion_tokens])
    expect(sent).toEqual([
      [undefined, 300],
      [300, undefined],
      [undefined, 300],
      [50, undefined],
    ])
  })

  test('MAX_OUTPUT_TOKENS=0 leaves the request alone', async () => {
    const uncapped = await startProxy({ ...PASS_THROUGH_ONLY, MAX_OUTPUT_TOKENS: '0', MODEL_RATE_LIMIT: '0' })
    try {
      await postJson(`${uncapped.baseURL}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4096 })
      expect(uncapped.upstream.requests[0]!.json.max_tokens).toBe(4096)
      expect(uncapped.upstream.requests[0]!.json.max_completion_tokens).toBeUndefined()
    } finally {
      await uncapped.stop()
    }
  })
})
