import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// Which upstream and which key a request goes to (DESIGN §1.4, §1.9): the model picks the upstreams, lowest
// priority first, weighted rotation among equals; within one, the turns of a conversation (requests sharing a
// prompt prefix) keep to one key and other requests take the least recently used; model_map renames only the
// model field; a model nobody serves is refused before anything is forwarded.

const key = (up: number, k: number) => `sk-up${up}-key${k}-Rt${up}Y${k}hZxQmW7vLp`

interface Upstream {
  name: string
  fake: FakeUpstream
  keys: string[]
  models?: string[]
  model_map?: Record<string, string>
  priority?: number
  weight?: number
}

/** JSON is YAML: the config file as PROXY_CONFIG text. */
const config = (upstreams: Upstream[]) =>
  JSON.stringify({
    upstreams: upstreams.map(({ name, fake, keys, models, model_map, priority, weight }) => ({ name, base_url: `${fake.url}/v1`, keys, models, model_map, priority, weight })),
  })

let fakes: FakeUpstream[]
let proxy: TestProxy | undefined
const start = async (upstreams: Upstream[]) => (proxy = await startProxy({ PROXY_CONFIG: config(upstreams), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0' }, upstreams[0]!.fake))

beforeAll(async () => {
  fakes = await Promise.all(['one', 'two', 'three'].map((name) => startFakeUpstream({ name })))
})
afterAll(() => Promise.all(fakes.map((f) => f.stop())))
beforeEach(() => fakes.forEach((f) => f.reset()))
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

let asked = 0
const chat = (model: string, extra: object = {}) => ({ model, messages: [{ role: 'user' as const, content: `question ${++asked}` }], ...extra })
const send = (body: object) => postJson(`${proxy!.baseURL}/chat/completions`, body)
const totalRequests = () => fakes.reduce((n, f) => n + f.requests.length, 0)

describe('the model decides the upstream', () => {
  const openaiLike = () => ({ name: 'openai', fake: fakes[0]!, keys: [key(1, 1), key(1, 2)], models: ['gpt-*', 'text-embedding-*'] })
  const deepseekLike = () => ({ name: 'deepseek', fake: fakes[1]!, keys: [key(2, 1), key(2, 2)], models: ['deepseek-*', 'fast'], model_map: { fast: 'deepseek-chat' } })

  test('x-upstream names the upstream that answered, through the SDK and raw HTTP', async () => {
    await start([openaiLike(), deepseekLike()])
    const { response } = await proxy!.client().chat.completions.create(chat('gpt-4o-mini')).withResponse()
    expect(response.headers.get('x-upstream')).toBe('openai')
    expect(response.headers.get('x-fake-upstream')).toBe('one')
    const other = await send(chat('deepseek-reasoner'))
    expect(other.status).toBe(200)
    expect(other.headers.get('x-upstream')).toBe('deepseek')
    expect(other.headers.get('x-fake-upstream')).toBe('two')
    expect(fakes.map((f) => f.requests.map((r) => r.json.model))).toEqual([['gpt-4o-mini'], ['deepseek-reasoner'], []])
    expect(fakes[0]!.keysUsed).toHaveLength(1)
    expect(fakes[1]!.keysUsed).toHaveLength(1)
  })

  test('model_map changes only the model field sent upstream', async () => {
    await start([openaiLike(), deepseekLike()])
    const body = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'map me' }], temperature: 0.3, top_p: 0.9, max_tokens: 50, user: 'u-1', seed: 7 }
    const mapped = await send({ model: 'fast', ...body })
    expect(mapped.status).toBe(200)
    expect(mapped.headers.get('x-upstream')).toBe('deepseek')
    const direct = await send({ model: 'deepseek-chat', ...body })
    expect(direct.status).toBe(200)
    const [viaMap, viaName] = fakes[1]!.requests
    expect(viaMap!.json.model).toBe('deepseek-chat')
    expect(viaMap!.json).toEqual(viaName!.json)
    expect(fakes[0]!.requests).toHaveLength(0)
  })

  test('GET /v1/models/{model} goes to the upstream serving it, under its mapped name', async () => {
    await start([openaiLike(), deepseekLike()])
    const response = await fetch(`${proxy!.baseURL}/models/fast`, { headers: auth() })
    expect(response.headers.get('x-upstream')).toBe('deepseek')
    await response.text()
    expect(fakes[1]!.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models/deepseek-chat'])
    expect(fakes[0]!.requests).toHaveLength(0)
  })

  test('a model no upstream serves: 404 model_not_found, nothing forwarded', async () => {
    await start([openaiLike(), deepseekLike()])
    const response = await send(chat('claude-3-opus'))
    expect(response.status).toBe(404)
    const body: any = await response.json()
    expect(body.error.code).toBe('model_not_found')
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
    const sdk = await proxy!.client().embeddings.create({ model: 'mistral-embed', input: 'x' }).catch((e) => e)
    expect(sdk.status).toBe(404)
    expect(sdk.code).toBe('model_not_found')
    expect(totalRequests()).toBe(0)
  })

  test('a request naming no model (GET /v1/files) goes to the first upstream of the file, whatever the priorities', async () => {
    await start([{ ...deepseekLike(), priority: 1 }, { ...openaiLike(), priority: 0 }])
    const response = await fetch(`${proxy!.baseURL}/files`, { headers: auth() })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-upstream')).toBe('deepseek')
    const page = await proxy!.client().files.list()
    expect(page.data).toEqual([])
    expect(fakes[1]!.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/files', 'GET /v1/files'])
    expect(fakes[0]!.requests).toHaveLength(0)
  })
})

describe('order among the upstreams serving a model', () => {
  test('lowest priority first: priority 0 gets everything while healthy, priority 1 only when 0 fails', async () => {
    // In file order the priority-1 upstream comes first: the order is by priority, not by place.
    await start([
      { name: 'backup', fake: fakes[1]!, keys: [key(2, 1)], models: ['gpt-*'], priority: 1 },
      { name: 'main', fake: fakes[0]!, keys: [key(1, 1), key(1, 2)], models: ['gpt-*'], priority: 0 },
    ])
    for (let i = 0; i < 4; i++) expect((await send(chat('gpt-4o-mini'))).headers.get('x-upstream')).toBe('main')
    expect([fakes[0]!.requests.length, fakes[1]!.requests.length]).toEqual([4, 0])

    fakes[0]!.fault({ status: 500 })
    const failover = await send(chat('gpt-4o-mini'))
    expect(failover.status).toBe(200)
    expect(failover.headers.get('x-upstream')).toBe('backup')
    expect([fakes[0]!.requests.length, fakes[1]!.requests.length]).toEqual([5, 1])

    // Healthy again: back to priority 0.
    expect((await send(chat('gpt-4o-mini'))).headers.get('x-upstream')).toBe('main')
    expect([fakes[0]!.requests.length, fakes[1]!.requests.length]).toEqual([6, 1])
  })

  test('equal priorities rotate by weight: weights 3 and 1 split 8 requests 6/2', async () => {
    await start([
      { name: 'heavy', fake: fakes[0]!, keys: [key(1, 1)], models: ['gpt-*'], weight: 3 },
      { name: 'light', fake: fakes[1]!, keys: [key(2, 1)], models: ['gpt-*'], weight: 1 },
    ])
    const names: string[] = []
    for (let i = 0; i < 8; i++) {
      const response = await send(chat('gpt-4o-mini'))
      expect(response.status).toBe(200)
      names.push(response.headers.get('x-upstream')!)
    }
    expect(names.filter((n) => n === 'heavy')).toHaveLength(6)
    expect(names.filter((n) => n === 'light')).toHaveLength(2)
    expect([fakes[0]!.requests.length, fakes[1]!.requests.length]).toEqual([6, 2])
  })

  test('within one upstream, a request without a prompt prefix takes its least recently used key: a, b, c, a, b, c', async () => {
    const keys = [key(3, 1), key(3, 2), key(3, 3)]
    await start([{ name: 'solo', fake: fakes[2]!, keys, models: ['*'] }])
    for (let i = 0; i < 6; i++) expect((await postJson(`${proxy!.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: `text ${i}` })).status).toBe(200)
    expect(fakes[2]!.keysUsed).toEqual([...keys, ...keys])
  })

  test('the turns of a conversation keep to one key; conversations spread over the keys', async () => {
    const keys = [key(3, 1), key(3, 2), key(3, 3)]
    await start([{ name: 'solo', fake: fakes[2]!, keys, models: ['*'] }])
    const system = { role: 'system' as const, content: 'You are terse.' }
    const byConversation: string[][] = []
    for (let c = 0; c < 12; c++) {
      const messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = [system]
      const used: string[] = []
      for (let turn = 0; turn < 3; turn++) {
        messages.push({ role: 'user', content: `conversation ${c}, turn ${turn}` })
        const response = await send({ model: 'gpt-4o-mini', messages })
        expect(response.status).toBe(200)
        messages.push({ role: 'assistant', content: ((await response.json()) as any).choices[0].message.content })
        used.push(fakes[2]!.keysUsed.at(-1)!)
      }
      byConversation.push(used)
    }
    for (const used of byConversation) expect(new Set(used).size).toBe(1)
    expect(new Set(byConversation.map((used) => used[0])).size).toBe(3)
  })
})
