import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { auth, startProxy, type TestProxy } from '../helpers/start-proxy'

// GET /v1/models (DESIGN §1.3): the union of each upstream's own /models, filtered by that upstream's
// `models` patterns, plus its model_map names; an upstream whose listing fails is left out (and logged),
// never an error; the answer is kept for 5 minutes.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Mq${up}L${k}wZxRv7pTnY`

let openai: FakeUpstream
let deepseek: FakeUpstream
let broken: FakeUpstream
let proxy: TestProxy | undefined
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai', models: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small', 'dall-e-3', 'whisper-1'] })
  deepseek = await startFakeUpstream({ name: 'deepseek', models: ['deepseek-chat', 'deepseek-reasoner', 'gpt-4o-mini', 'other-model'] })
  broken = await startFakeUpstream({ name: 'broken', models: ['mistral-large', 'mistral-small'] })
})
afterAll(async () => {
  await Promise.all([openai, deepseek, broken].map((f) => f.stop()))
})
beforeEach(() => {
  for (const f of [openai, deepseek, broken]) f.reset()
  broken.keyFault(key(3, 1), undefined)
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const upstreams = (withBroken: boolean) => [
  { name: 'openai', base_url: `${openai.url}/v1`, keys: [key(1, 1), key(1, 2)], models: ['gpt-*', 'text-embedding-*'] },
  { name: 'deepseek', base_url: `${deepseek.url}/v1`, keys: [key(2, 1), key(2, 2)], models: ['deepseek-*', 'fast'], model_map: { fast: 'deepseek-chat' } },
  ...(withBroken ? [{ name: 'mistral', base_url: `${broken.url}/v1`, keys: [key(3, 1)], models: ['mistral-*'] }] : []),
]
const start = async (withBroken = false) =>
  (proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams: upstreams(withBroken) }), CACHE_ALLOWED: 'false' }, openai))
const listings = (fake: FakeUpstream) => fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/models').length

const EXPECTED = ['deepseek-chat', 'deepseek-reasoner', 'fast', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']

describe('GET /v1/models', () => {
  test("the union of each upstream's listing, filtered by its patterns, plus model_map names", async () => {
    await start()
    const page = await proxy!.client().models.list()
    const ids = page.data.map((m) => m.id)
    expect([...ids].sort()).toEqual(EXPECTED)
    expect(new Set(ids).size).toBe(ids.length) // gpt-4o-mini, listed by both, once
    for (const model of page.data) expect(model.object).toBe('model')
    // Each upstream was asked with one of its own keys.
    expect(listings(openai)).toBe(1)
    expect(listings(deepseek)).toBe(1)
    expect([key(1, 1), key(1, 2)]).toContain(openai.keysUsed[0]!)
    expect([key(2, 1), key(2, 2)]).toContain(deepseek.keysUsed[0]!)
  })

  test('an upstream whose listing fails is left out and logged; the answer is still 200', async () => {
    await start(true)
    broken.keyFault(key(3, 1), { status: 500, path: '/v1/models' })
    const response = await fetch(`${proxy!.baseURL}/models`, { headers: auth() })
    expect(response.status).toBe(200)
    const body: any = await response.json()
    expect(body.object).toBe('list')
    expect(body.data.map((m: any) => m.id).sort()).toEqual(EXPECTED)
    expect(listings(broken)).toBe(1)
    const lines = proxy!.logs.filter((line) => line.includes('mistral') && line.includes('/models'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('500')
  })

  test('a second call within 5 minutes does not ask the upstreams again', async () => {
    await start(true)
    const first: any = await (await fetch(`${proxy!.baseURL}/models`, { headers: auth() })).json()
    expect(first.data.map((m: any) => m.id).sort()).toEqual([...EXPECTED, 'mistral-large', 'mistral-small'].sort())
    const second: any = await (await fetch(`${proxy!.baseURL}/models`, { headers: auth() })).json()
    expect(second).toEqual(first)
    await proxy!.client().models.list()
    expect([listings(openai), listings(deepseek), listings(broken)]).toEqual([1, 1, 1])
  })

  test('concurrent first calls share one listing per upstream', async () => {
    await start()
    const pages = await Promise.all(Array.from({ length: 5 }, () => fetch(`${proxy!.baseURL}/models`, { headers: auth() }).then((r) => r.json())))
    for (const page of pages as any[]) expect(page.data.map((m: any) => m.id).sort()).toEqual(EXPECTED)
    expect([listings(openai), listings(deepseek)]).toEqual([1, 1])
  })
})
