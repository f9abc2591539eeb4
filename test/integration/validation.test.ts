// Bad requests to the endpoints the proxy understands are refused by the proxy itself, in OpenAI's error
// envelope with the offending field named, before anything is spent upstream.

import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { PROXY_KEY, REAL_KEY, auth, postJson, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

type Path = '/chat/completions' | '/completions' | '/embeddings'

const valid: Record<Path, Record<string, unknown>> = {
  '/chat/completions': { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
  '/completions': { model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test' },
  '/embeddings': { model: 'text-embedding-3-small', input: 'The food was delicious.' },
}

interface Case {
  name: string
  path: Path
  /** A string is sent as the raw body. */
  body: unknown
  param: string | null
}

const everyEndpoint = (name: string, body: (path: Path) => unknown, param: string | null): Case[] =>
  (Object.keys(valid) as Path[]).map((path) => ({ name, path, body: body(path), param }))

const cases: Case[] = [
  ...everyEndpoint('a body that is not JSON', () => '{"model": "gpt-4o-mini", ', null),
  ...everyEndpoint('an empty body', () => '', null),
  ...everyEndpoint('a JSON array', (path) => JSON.stringify([valid[path]]), null),
  ...everyEndpoint('a JSON string', () => '"hello"', null),
  ...everyEndpoint('model as a number', (path) => ({ ...valid[path], model: 123 }), 'model'),
  ...everyEndpoint('no model', (path) => ({ ...valid[path], model: undefined }), 'model'),
  { name: 'messages as a string', path: '/chat/completions', body: { ...valid['/chat/completions'], messages: 'hello' }, param: 'messages' },
  {
    name: 'messages[1] without role',
    path: '/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { content: 'no role here' }] },
    param: 'messages[1].role',
  },
  {
    name: 'messages[2] as null',
    path: '/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'a' }, { role: 'user', content: 'b' }, null] },
    param: 'messages[2]',
  },
  { name: 'prompt as an object', path: '/completions', body: { ...valid['/completions'], prompt: { text: 'hi' } }, param: 'prompt' },
  { name: 'input as a number', path: '/embeddings', body: { ...valid['/embeddings'], input: 42 }, param: 'input' },
]

async function expectRefused(response: Response, param: string | null) {
  const text = await response.text()
  expect(response.status).toBe(400)
  expect(response.headers.get('content-type')).toContain('application/json')
  const body = JSON.parse(text)
  expect(Object.keys(body)).toEqual(['error'])
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
  expect(body.error.type).toBe('invalid_request_error')
  expect(body.error.param).toBe(param)
  expect(typeof body.error.message).toBe('string')
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(body.error.code === null || typeof body.error.code === 'string').toBe(true)
  // No stack traces, no secrets.
  expect(text).not.toMatch(/\bat .+:\d+:\d+/)
  expect(text).not.toContain(REAL_KEY)
  expect(text).not.toContain(PROXY_KEY)
  return body
}

describe.each([
  ['/v1', (proxy: TestProxy) => proxy.baseURL],
  ['the unprefixed path', (proxy: TestProxy) => proxy.url],
] as const)('400 in the OpenAI envelope through %s', (_, base) => {
  for (const { name, path, body, param } of cases) {
    test(`${path}: ${name} → param ${JSON.stringify(param)}, upstream not called`, async () => {
      const response = await postJson(`${base(proxy)}${path}`, body)
      await expectRefused(response, param)
      expect(proxy.upstream.requests).toEqual([])
    })
  }
})

test('a bad field is refused even without a JSON content-type, and a wrong key still comes first', async () => {
  const plain = await fetch(`${proxy.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'text/plain' },
    body: JSON.stringify({ model: 7, messages: [] }),
  })
  await expectRefused(plain, 'model')

  const unauthenticated = await postJson(`${proxy.baseURL}/chat/completions`, { model: 7 }, auth('wrong'))
  expect(unauthenticated.status).toBe(401)
  await unauthenticated.arrayBuffer()
  expect(proxy.upstream.requests).toEqual([])
})

test('the server stays up: after every bad request a valid one succeeds on each endpoint', async () => {
  for (const { path, body } of cases) await (await postJson(`${proxy.baseURL}${path}`, body)).arrayBuffer()
  expect(proxy.upstream.requests).toEqual([])

  for (const path of Object.keys(valid) as Path[]) {
    const response = await postJson(`${proxy.baseURL}${path}`, valid[path])
    expect(response.status).toBe(200)
    await response.json()
  }
  expect(proxy.upstream.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/completions', '/v1/embeddings'])
  // What was forwarded is what the client sent (validation does not rewrite good bodies).
  expect(proxy.upstream.requests[0]!.json.messages).toEqual(valid['/chat/completions'].messages)
})

test('the openai SDK sees an OpenAI.BadRequestError with status 400 and the field named', async () => {
  const client = proxy.client()
  let caught: unknown
  try {
    await client.chat.completions.create({ model: 123 as any, messages: [] })
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(OpenAI.BadRequestError)
  const error = caught as InstanceType<typeof OpenAI.BadRequestError>
  expect(error.status).toBe(400)
  expect(error.type).toBe('invalid_request_error')
  expect(error.param).toBe('model')
  expect(proxy.upstream.requests).toEqual([])

  // Asserted the way a caller would. The SDK's APIPromise is a lazy Promise subclass whose own state is a
  // resolved placeholder, and bun's `rejects` reads that state directly, so await it inside a plain async function.
  await expect((async () => await client.chat.completions.create({ model: 123 as any, messages: [] }))()).rejects.toBeInstanceOf(
    OpenAI.BadRequestError
  )

  const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still alive' }] })
  expect(ok.choices[0]!.message.content).toBe('Echo: still alive')
})

describe('answers per request: MAX_N (default 1)', () => {
  const refusals: Array<[string, Path, Record<string, unknown>, string]> = [
    ['chat n: 2', '/chat/completions', { ...valid['/chat/completions'], n: 2 }, 'n'],
    ['chat n: 128', '/chat/completions', { ...valid['/chat/completions'], n: 128 }, 'n'],
    ['completions n: 2', '/completions', { ...valid['/completions'], n: 2 }, 'n'],
    ['completions best_of: 20', '/completions', { ...valid['/completions'], best_of: 20 }, 'best_of'],
    ['completions with two prompts', '/completions', { ...valid['/completions'], prompt: ['a', 'b'] }, 'prompt'],
    ['completions with two token-id prompts', '/completions', { ...valid['/completions'], prompt: [[1, 2], [3]] }, 'prompt'],
  ]
  for (const [name, path, body, param] of refusals) {
    test(`${name}: 400 naming '${param}', nothing forwarded`, async () => {
      const refused = await expectRefused(await postJson(`${proxy.baseURL}${path}`, body), param)
      expect(refused.error.message).toContain('MAX_N')
      expect(proxy.upstream.requests).toEqual([])
    })
  }

  test('n: 1, best_of: 1 and a single prompt (text or token ids) pass', async () => {
    for (const [path, body] of [
      ['/chat/completions', { ...valid['/chat/completions'], n: 1 }],
      ['/completions', { ...valid['/completions'], n: 1, best_of: 1 }],
      ['/completions', { ...valid['/completions'], prompt: [1, 2, 3] }],
      ['/completions', { ...valid['/completions'], prompt: ['only one'] }],
    ] as const) {
      const response = await postJson(`${proxy.baseURL}${path}`, body)
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
    expect(proxy.upstream.requests).toHaveLength(4)
  })

  test('MAX_N=4: n × prompts up to 4 pass, more is refused', async () => {
    const wide = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', MAX_N: '4' })
    try {
      const ok = await postJson(`${wide.baseURL}/completions`, { ...valid['/completions'], prompt: ['a', 'b'], n: 2 })
      expect(ok.status).toBe(200)
      await ok.arrayBuffer()
      expect((await postJson(`${wide.baseURL}/chat/completions`, { ...valid['/chat/completions'], n: 4 })).status).toBe(200)
      await expectRefused(await postJson(`${wide.baseURL}/chat/completions`, { ...valid['/chat/completions'], n: 5 }), 'n')
      await expectRefused(await postJson(`${wide.baseURL}/completions`, { ...valid['/completions'], prompt: ['a', 'b', 'c'], best_of: 2 }), 'prompt')
      expect(wide.upstream.requests).toHaveLength(2)
    } finally {
      await wide.stop()
    }
  })
})

describe('deeply nested JSON', () => {
  for (const depth of [129, 1000, 100_000]) {
    test(`${depth} levels: 400 naming the body, and the server stays up`, async () => {
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`
      for (const path of Object.keys(valid) as Path[]) {
        const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"prompt":"x","input":"x","metadata":${nested}}`
        const refused = await expectRefused(await postJson(`${proxy.baseURL}${path}`, body), null)
        expect(refused.error.message).toContain('nested')
      }
      expect(proxy.upstream.requests).toEqual([])
    })
  }

  test('128 levels are accepted', async () => {
    const nested = `${'['.repeat(126)}${']'.repeat(126)}`
    const response = await postJson(`${proxy.baseURL}/chat/completions`, `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":{"x":${nested}}}`)
    expect(response.status).toBe(200)
    await response.arrayBuffer()
  })
})
