import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// An upstream of `provider: anthropic` in the real pool (DESIGN §1.8), before any request of a client: its
// models in GET /v1/models, in OpenAI's shape, and the start-up check of its keys, each asked the way
// Anthropic takes a key.

const CLAUDE_KEY = 'sk-ant-api03-real-upstream-key-Xk4Lm2Pq9Rs7'
const REVOKED_KEY = 'sk-ant-api03-revoked-upstream-key-Zw8Ty3Vb6N'
const OPENAI_KEY = 'sk-openai-real-upstream-key-Qa1Ws2Ed3Rf4'

let openai: FakeUpstream
let claude: FakeAnthropic
let proxy: TestProxy | undefined
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai', models: ['gpt-4o-mini', 'gpt-4o'] })
  claude = await startFakeAnthropic({ name: 'claude', models: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-haiku'], keys: [CLAUDE_KEY] })
})
afterAll(async () => {
  await Promise.all([openai.stop(), claude.stop()])
})
beforeEach(() => {
  openai.reset()
  claude.reset()
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

const start = (claudeKeys: string[]) =>
  startProxy(
    {
      PROXY_CONFIG: JSON.stringify({
        upstreams: [
          { name: 'openai', base_url: `${openai.url}/v1`, keys: [OPENAI_KEY], models: ['gpt-*'] },
          { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: claudeKeys, models: ['claude-*-4-5', 'sonnet'], model_map: { sonnet: 'claude-sonnet-4-5' } },
        ],
      }),
      CACHE_ALLOWED: 'false',
    },
    openai
  )

describe('an anthropic upstream', () => {
  test('GET /v1/models lists its models in OpenAI\'s shape, filtered by its patterns, asked with x-api-key and a version', async () => {
    proxy = await start([CLAUDE_KEY])
    const page = await proxy.client().models.list()
    const claudes = page.data.filter((m) => m.owned_by === 'anthropic' || m.id === 'sonnet')
    expect(claudes.map((m) => m.id).sort()).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5', 'sonnet'])
    expect(page.data.find((m) => m.id === 'claude-sonnet-4-5')).toEqual({ id: 'claude-sonnet-4-5', object: 'model', created: Date.parse('2025-09-29T00:00:00Z') / 1000, owned_by: 'anthropic' })
    expect(page.data.some((m) => m.id === 'claude-3-haiku')).toBe(false)
    expect(page.data.some((m) => m.id === 'gpt-4o')).toBe(true)

    const [listing, ...more] = claude.requests
    expect(more).toEqual([])
    expect([listing!.method, listing!.path]).toEqual(['GET', '/v1/models?limit=1000'])
    expect(listing!.headers).toMatchObject({ 'x-api-key': CLAUDE_KEY, 'anthropic-version': '2023-06-01' })
    // Neither the proxy key nor a Bearer header: the client's credentials never travel on.
    expect(listing!.headers.authorization).toBeUndefined()
    expect(JSON.stringify(listing!.headers)).not.toContain(PROXY_KEY)
  })

  test('the start-up check asks each key its listing: a refused key is disabled and named by fingerprint, the other accepted', async () => {
    proxy = await start([CLAUDE_KEY, REVOKED_KEY])
    await proxy.checkUpstreams()
    const line = proxy.logs.find((l) => l.startsWith('upstream claude: start-up check'))!
    expect(line).toContain('key refused')
    expect(line).toContain('401 invalid x-api-key')
    expect(line).toContain('1 of 2 keys accepted')
    expect(line).not.toContain(REVOKED_KEY.slice(0, 12))
    expect(proxy.logs.find((l) => l.startsWith('upstream openai: start-up check'))).toContain('ok')
    expect(claude.keysUsed.sort()).toEqual([CLAUDE_KEY, REVOKED_KEY].sort())
    expect(claude.requests.every((r) => r.path === '/v1/models?limit=1000' && r.headers['anthropic-version'] === '2023-06-01')).toBe(true)
  })
})
