import { afterEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream } from '../helpers/fake-upstream'
import { chat, keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// What a named key may do (DESIGN §1.2, §1.3, §1.5): its own rate limit, its output cap, its models and its
// API groups, each refusal in OpenAI's envelope and with nothing forwarded.

const ALICE = 'Ud8Sk3Fh6Nq1Ay4Wz7Lc'
const BOB = 'Ge2Mp5Rx0Ti9Vj3Ob6Hs'

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const forwarded = (path?: string) => proxy!.upstream.requests.filter((r) => path === undefined || r.path === path)
const from = (address: string) => ({ 'x-forwarded-for': address })
const as = (key: string) => proxy!.client({ apiKey: key })

describe('rate_limit: a sliding window per key', () => {
  test('two keys from the same address each get their own limit', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '100', ...keysEnv([{ name: 'alice', key: ALICE, rate_limit: 1 }, { name: 'bob', key: BOB, rate_limit: 2 }]) })
    const first = await chat(as(ALICE), 'one')
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('1')
    const limited = await sdkError(chat(as(ALICE), 'two'))
    expect(limited.status).toBe(429)
    expect(limited.code).toBe('rate_limit_exceeded')
    expect(limited.type).toBe('requests')
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // bob, from the same loopback address, has a window of his own.
    expect((await chat(as(BOB), 'three')).headers.get('x-ratelimit-remaining-requests')).toBe('1')
    expect((await chat(as(BOB), 'four')).headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect((await sdkError(chat(as(BOB), 'five'))).status).toBe(429)
    expect(forwarded('/v1/chat/completions').map((r) => r.json.messages[0].content)).toEqual(['one', 'three', 'four'])
  })

  test('one key from several addresses is one window (counted per key, not per address)', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, TRUST_PROXY: '1', ...keysEnv([{ name: 'alice', key: ALICE, rate_limit: 2 }]) })
    await chat(as(ALICE), 'one', {}, from('198.51.100.1'))
    await chat(as(ALICE), 'two', {}, from('198.51.100.2'))
    expect((await sdkError(chat(as(ALICE), 'three', {}, from('198.51.100.3')))).status).toBe(429)
  })

  test('rate_limit 0 is no limit, whatever MODEL_RATE_LIMIT says', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '1', ...keysEnv([{ name: 'alice', key: ALICE, rate_limit: 0 }]) })
    // All four are served (the x-ratelimit-* headers are the upstream's own, not a proxy window's).
    for (let i = 0; i < 4; i++) expect((await chat(as(ALICE), `n${i}`)).headers.get('x-ratelimit-limit-requests')).not.toBe('1')
    expect(forwarded('/v1/chat/completions')).toHaveLength(4)
  })

  test('without rate_limit the key has MODEL_RATE_LIMIT for itself; cache hits are free', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '1', ...keysEnv([{ name: 'alice', key: ALICE }, { name: 'bob', key: BOB }]) })
    const question = uniqueQuestion()
    expect((await chat(as(ALICE), question)).cache).toBe('MISS')
    for (let i = 0; i < 3; i++) expect((await chat(as(ALICE), question)).cache).toBe('HIT')
    expect((await sdkError(chat(as(ALICE), uniqueQuestion()))).status).toBe(429)
    expect((await chat(as(BOB), uniqueQuestion())).cache).toBe('MISS')
  })
})

describe('max_output_tokens: the key’s cap', () => {
  test('clamped in every field of every endpoint, and set when absent', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '500', ...keysEnv([{ name: 'alice', key: ALICE, max_output_tokens: 50 }]) })
    const client = as(ALICE)
    await chat(client, 'a', { max_tokens: 1000 })
    await chat(client, 'b', { max_completion_tokens: 1000 })
    await chat(client, 'c')
    await chat(client, 'd', { max_tokens: 10 })
    const chats = forwarded('/v1/chat/completions').map((r) => r.json)
    expect(chats[0].max_tokens).toBe(50)
    expect(chats[1].max_completion_tokens).toBe(50)
    expect(chats[2].max_completion_tokens).toBe(50)
    expect(chats[3].max_tokens).toBe(10)
    await client.completions.create({ model: 'gpt-4o-mini', prompt: 'Say this', max_tokens: 999 })
    expect(forwarded('/v1/completions')[0]!.json.max_tokens).toBe(50)
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', max_output_tokens: 999 })
    expect(forwarded('/v1/responses')[0]!.json.max_output_tokens).toBe(50)
  })

  test('max_output_tokens 0: no cap, whatever MAX_OUTPUT_TOKENS says', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '100', ...keysEnv([{ name: 'alice', key: ALICE, max_output_tokens: 0 }]) })
    await chat(as(ALICE), 'a', { max_tokens: 100000 })
    await chat(as(ALICE), 'b')
    const [big, none] = forwarded('/v1/chat/completions').map((r) => r.json)
    expect(big.max_tokens).toBe(100000)
    expect(none.max_tokens).toBeUndefined()
    expect(none.max_completion_tokens).toBeUndefined()
  })
})

describe('models: globs of client-facing names', () => {
  const start = () =>
    startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, models: ['gpt-4o-mini', 'text-embedding-*'] }]) }).then((p) => (proxy = p))

  test('a model outside them: 404 model_not_found, nothing forwarded', async () => {
    await start()
    const client = as(ALICE)
    const error = await sdkError(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }))
    expect(error.status).toBe(404)
    expect(error.code).toBe('model_not_found')
    expect(error.param).toBe('model')
    expect(error.type).toBe('invalid_request_error')
    expect((await sdkError(client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' }))).code).toBe('model_not_found')
    expect((await sdkError(client.responses.create({ model: 'gpt-4o', input: 'x' }))).code).toBe('model_not_found')
    expect((await sdkError(client.models.retrieve('gpt-4o'))).code).toBe('model_not_found')
    expect(forwarded()).toEqual([])
    // Inside them: served.
    expect((await chat(client, 'hi')).answer).toBe('Echo: hi')
    expect((await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).data).toHaveLength(1)
  })

  test('GET /v1/models lists only the models the key may use', async () => {
    await start()
    expect((await as(ALICE).models.list()).data.map((m) => m.id).sort()).toEqual(['gpt-4o-mini', 'text-embedding-3-small'])
    // The PROXY_KEY key still sees them all.
    expect((await proxy!.client().models.list()).data.map((m) => m.id).sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'])
  })

  test('a model_map name is a client-facing name: the key may be kept to it', async () => {
    const fake = await startFakeUpstream()
    try {
      const upstreams = [{ name: 'main', base_url: `${fake.url}/v1`, keys: ['${UPSTREAM_KEY}'], models: ['*'], model_map: { fast: 'gpt-4o-mini' } }]
      proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', UPSTREAM_KEY: REAL_KEY, ...keysEnv([{ name: 'alice', key: ALICE, models: ['fast'] }], { upstreams }) }, fake)
      expect((await chat(as(ALICE), 'hi', { model: 'fast' })).answer).toBe('Echo: hi')
      expect(forwarded('/v1/chat/completions')[0]!.json.model).toBe('gpt-4o-mini')
      expect((await sdkError(chat(as(ALICE), 'hi', { model: 'gpt-4o-mini' }))).code).toBe('model_not_found')
      expect((await as(ALICE).models.list()).data.map((m) => m.id)).toEqual(['fast'])
    } finally {
      await proxy?.stop()
      proxy = undefined
      await fake.stop()
    }
  })
})

describe('allow: API groups', () => {
  test('a group outside the list: 403 endpoint_not_allowed (permission_error), nothing forwarded', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, allow: ['chat'] }]) })
    const client = as(ALICE)
    for (const call of [
      client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
      client.completions.create({ model: 'gpt-4o-mini', prompt: 'x' }),
      client.models.list(),
      client.files.list(),
    ]) {
      const error = await sdkError(call)
      expect(error.status).toBe(403)
      expect(error.code).toBe('endpoint_not_allowed')
      expect(error.type).toBe('permission_error')
      expect(error.constructor.name).toBe('PermissionDeniedError')
    }
    expect(forwarded()).toEqual([])
    expect((await chat(client, 'hi')).answer).toBe('Echo: hi')
  })

  test('the default lets the model endpoints through, but not files, images or batches', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE }]) })
    const client = as(ALICE)
    await chat(client, 'hi')
    await client.completions.create({ model: 'gpt-4o-mini', prompt: 'x' })
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })
    await client.responses.create({ model: 'gpt-4o-mini', input: 'x' })
    expect((await client.models.list()).data.length).toBeGreaterThan(0)
    // /v1/conversations/* belongs to `responses`: forwarded (the fake upstream has no such route).
    expect((await sdkError(client.conversations.retrieve('conv_1'))).status).toBe(404)
    expect(forwarded('/v1/conversations/conv_1')).toHaveLength(1)
    const count = forwarded().length
    for (const call of [client.files.list(), client.images.generate({ model: 'dall-e-3', prompt: 'x' }), client.batches.list()]) {
      expect((await sdkError(call)).code).toBe('endpoint_not_allowed')
    }
    expect(forwarded()).toHaveLength(count)
  })

  test('`all`: a path outside OpenAI’s API reaches the upstream; /v1/organization and the proxy’s own paths stay 404 unknown_path', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, allow: ['all'] }]) })
    const client = as(ALICE)
    const extra = await sdkError(client.post('/key/generate', { body: { models: ['x'] } }))
    expect(extra.status).toBe(404)
    expect(extra.code).toBe('unknown_url') // the fake upstream's answer: it was forwarded
    expect(forwarded('/v1/key/generate')).toHaveLength(1)
    expect(forwarded('/v1/key/generate')[0]!.json).toEqual({ models: ['x'] })
    expect(forwarded('/v1/key/generate')[0]!.headers.authorization).toBe(`Bearer ${REAL_KEY}`)
    expect((await client.files.list()).data).toEqual([])
    proxy.upstream.reset()

    const refused = [
      client.get('/organization/users'),
      client.post('/organization/admin_api_keys', { body: {} }),
      client.get('/admin/keys'),
      client.get('/stats'),
      client.get('/metrics'),
      client.get('/health'),
      client.get('/swagger/json'),
      client.get('/assets/status.js'),
      client.post('/admin/cache/purge', { body: {} }),
    ]
    for (const call of refused) {
      const error = await sdkError(call)
      expect(error.status).toBe(404)
      expect(error.code).toBe('unknown_path')
    }
    for (const path of ['/organization/projects', '/v1//key/generate', '/v1/key%2Fgenerate']) {
      const response = await fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${ALICE}` } })
      expect(response.status).toBe(404)
      expect(((await response.json()) as any).error.code).toBe('unknown_path')
    }
    expect(forwarded()).toEqual([])
  })

  test('without `all` a path outside the API is 404 unknown_path and never forwarded, even with every group listed', async () => {
    const every = ['chat', 'completions', 'embeddings', 'models', 'responses', 'files', 'uploads', 'batches', 'images', 'audio', 'videos', 'moderations', 'fine_tuning', 'evals', 'vector_stores', 'assistants', 'threads', 'containers', 'realtime']
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE, allow: every }]) })
    const error = await sdkError(as(ALICE).post('/key/generate', { body: {} }))
    expect([error.status, error.code]).toEqual([404, 'unknown_path'])
    expect(forwarded()).toEqual([])
  })
})
