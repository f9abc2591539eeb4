import { describe, expect, test } from 'bun:test'
import { clientSetups, proxyRoot, shellWord, type ClientSetup } from '../../../src/http/pages/app/ui/connect'
import { usd } from '../../../src/http/pages/app/me/format'
import { dailySeries } from '../../../src/http/pages/app/me/series'

// "How to connect" (issue 24 point 2): each client's settings built from the proxy's public URL and a key.
// The clients disagree on the base URL (the root, or the /v1 URL an OpenAI SDK takes): each is checked, for
// a Space's address, a local port and a reverse proxy's path prefix, with the key exactly where it belongs.

const KEY = 'pgpt-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh'
const en = (english: string) => english
const zh = (_english: string, chinese: string) => chinese

const ORIGINS: Array<[string, string]> = [
  ['https://u-space.hf.space', 'https://u-space.hf.space'],
  ['http://127.0.0.1:7860', 'http://127.0.0.1:7860'],
  ['https://example.com/gpt/', 'https://example.com/gpt'],
]

const setup = (origin: string, id: string, key = KEY, model?: string): ClientSetup => {
  const found = clientSetups(origin, key, en, { model }).find((c) => c.id === id)
  if (!found) throw new Error(`no client ${id}`)
  return found
}
const value = (client: ClientSetup, label: string) => {
  const found = client.values.find((v) => v.label.endsWith(label))
  if (!found) throw new Error(`${client.id} has no value labelled …${label}: ${client.values.map((v) => v.label).join(', ')}`)
  return found.value
}
/** Which of a client's values hold the key. */
const keyHolders = (client: ClientSetup, key = KEY) => client.values.filter((v) => v.value.includes(key)).map((v) => v.label)

/** What Cherry Studio's protocol handler reads from its link (providersImport.ts: `_`→`+`, `-`→`/`, then base64). */
function cherryReads(href: string): any {
  const url = new URL(href)
  expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('cherrystudio://providers/api-keys')
  const params = new URLSearchParams(url.search.replaceAll('+', '_').replaceAll('/', '-'))
  expect(params.get('v')).toBe('1')
  const data = params.get('data')!.replaceAll('_', '+').replaceAll('-', '/')
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8').replaceAll("'", '"').replaceAll('(', '').replaceAll(')', ''))
}

describe.each(ORIGINS)('from %s', (origin, root) => {
  test('the root keeps a path prefix and drops a trailing slash', () => {
    expect(proxyRoot(origin)).toBe(root)
  })

  test('every client: the key in its key fields only, never in a base URL', () => {
    const expected: Record<string, string[]> = {
      nextchat: ['NextChat API key'],
      lobechat: ['LobeChat API key'],
      'cherry-studio': ['Cherry Studio API key'],
      chathub: ['ChatHub API key'],
      'openai-translator': ['openai-translator API key'],
      'openai-sdk': ['Python', 'Node'],
      'claude-code': ['Claude Code environment'],
      codex: ['Codex environment'],
    }
    const clients = clientSetups(origin, KEY, en)
    expect(clients.map((c) => c.id)).toEqual(Object.keys(expected))
    for (const client of clients) expect([client.id, keyHolders(client)]).toEqual([client.id, expected[client.id]!])
  })

  test('NextChat: the root (it adds v1/chat/completions); its settings link keeps the key in the fragment', () => {
    const nextchat = setup(origin, 'nextchat')
    expect(value(nextchat, 'OpenAI Endpoint')).toBe(root)
    expect(value(nextchat, 'API key')).toBe(KEY)
    const link = nextchat.link!
    expect(link.keyIn).toBe('fragment')
    const url = new URL(link.href)
    expect(url.origin).toBe('https://app.nextchat.club')
    expect(`${url.pathname}${url.search}`).not.toContain(KEY)
    expect(url.hash.startsWith('#/?settings=')).toBe(true)
    const settings = new URLSearchParams(url.hash.slice(url.hash.indexOf('?'))).get('settings')!
    expect(JSON.parse(settings)).toEqual({ key: KEY, url: root })
  })

  test('LobeChat: the /v1 URL; its ?settings= link (a query: the key reaches lobehub.com)', () => {
    const lobe = setup(origin, 'lobechat')
    expect(value(lobe, 'API proxy address')).toBe(`${root}/v1`)
    const url = new URL(lobe.link!.href)
    expect(lobe.link!.keyIn).toBe('query')
    expect(url.origin).toBe('https://lobehub.com')
    expect(url.hash).toBe('')
    expect(JSON.parse(url.searchParams.get('settings')!)).toEqual({ keyVaults: { openai: { apiKey: KEY, baseURL: `${root}/v1` } } })
  })

  test('Cherry Studio: the root (it adds /v1); its app link decodes, as Cherry Studio decodes it, to an OpenAI provider', () => {
    const cherry = setup(origin, 'cherry-studio')
    expect(value(cherry, 'API Host')).toBe(root)
    expect(cherry.link!.keyIn).toBe('app')
    expect(cherryReads(cherry.link!.href)).toEqual({ id: 'proxy-gpt', name: 'proxy-gpt', type: 'openai', baseUrl: root, apiKey: KEY })
  })

  test('ChatHub and openai-translator: the root, and the translator its path', () => {
    expect(value(setup(origin, 'chathub'), 'API Host')).toBe(root)
    const translator = setup(origin, 'openai-translator')
    expect(value(translator, 'API URL')).toBe(root)
    expect(value(translator, 'API URL Path')).toBe('/v1/chat/completions')
    expect(setup(origin, 'chathub').link).toBeUndefined()
  })

  test('the OpenAI SDKs: base_url / baseURL is the /v1 URL', () => {
    const sdk = setup(origin, 'openai-sdk')
    expect(value(sdk, 'Python')).toContain(`client = OpenAI(base_url="${root}/v1", api_key="${KEY}")`)
    expect(value(sdk, 'Node')).toContain(`new OpenAI({ baseURL: "${root}/v1", apiKey: "${KEY}" })`)
  })

  test('Claude Code: ANTHROPIC_BASE_URL is the root, never /v1; ANTHROPIC_AUTH_TOKEN the key', () => {
    expect(value(setup(origin, 'claude-code'), 'environment')).toBe(`export ANTHROPIC_BASE_URL=${root}\nexport ANTHROPIC_AUTH_TOKEN=${KEY}`)
  })

  test('Codex: a config.toml provider block with the /v1 URL and the Responses API, the key in the variable it names', () => {
    const codex = setup(origin, 'codex')
    const config = Bun.TOML.parse(value(codex, 'config.toml')) as any
    expect(config).toEqual({
      model_provider: 'proxy-gpt',
      model_providers: { 'proxy-gpt': { name: 'proxy-gpt', base_url: `${root}/v1`, env_key: 'PROXY_GPT_KEY', wire_api: 'responses' } },
    })
    expect(value(codex, 'environment')).toBe(`export PROXY_GPT_KEY=${KEY}`)
    // Given a model the key may use, the block names it.
    expect((Bun.TOML.parse(value(setup(origin, 'codex', KEY, 'deepseek-chat'), 'config.toml')) as any).model).toBe('deepseek-chat')
  })
})

describe('keys that need care', () => {
  test('a key with a space or a quote is one shell word; JSON-quoted in code', () => {
    const odd = "it's a key"
    expect(shellWord(odd)).toBe(`'it'\\''s a key'`)
    expect(shellWord(KEY)).toBe(KEY)
    expect(value(setup('http://127.0.0.1:7860', 'claude-code', odd), 'environment')).toContain(`ANTHROPIC_AUTH_TOKEN='it'\\''s a key'`)
    expect(value(setup('http://127.0.0.1:7860', 'openai-sdk', odd), 'Python')).toContain(`api_key="it's a key"`)
  })

  test("no Cherry Studio link for a key its handler would mangle (it rewrites ' and drops parentheses)", () => {
    expect(setup('http://127.0.0.1:7860', 'cherry-studio', 'key(with)parens').link).toBeUndefined()
    expect(setup('http://127.0.0.1:7860', 'cherry-studio', "key'quote").link).toBeUndefined()
    // A key whose base64 has + and / still decodes.
    const key = 'sk-10895-Ͽ?>>'
    expect(cherryReads(setup('http://127.0.0.1:7860', 'cherry-studio', key).link!.href).apiKey).toBe(key)
  })

  test('中文: the labels and instructions change, the values do not', () => {
    // With a model named, as without one only the comment in Codex's block is translated.
    const english = clientSetups('https://u-space.hf.space', KEY, en, { model: 'gpt-4o-mini' })
    const chinese = clientSetups('https://u-space.hf.space', KEY, zh, { model: 'gpt-4o-mini' })
    expect(chinese.map((c) => c.values.map((v) => v.value))).toEqual(english.map((c) => c.values.map((v) => v.value)))
    expect(chinese.find((c) => c.id === 'nextchat')!.how).toContain('自定义接口')
    expect(chinese.find((c) => c.id === 'lobechat')!.values[0]!.label).toBe('LobeChat API 代理地址')
  })
})

describe('/me figures', () => {
  test('the chart has every UTC day of the window, zero where /v1/usage lists none', () => {
    const day = (date: string, requests: number, cost_usd: number) => ({ date, requests, cost_usd, hits: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, saved_usd: 0 })
    const [xs, requests, cost] = dailySeries('2028-02-27', '2028-03-02', [day('2028-02-29', 3, 0.01), day('2028-03-01', 1, 0.5)])
    expect(xs.map((s) => new Date(s * 1000).toISOString().slice(0, 10))).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01'])
    expect(requests).toEqual([0, 0, 3, 1])
    expect(cost).toEqual([0, 0, 0.01, 0.5])
    expect(dailySeries('2026-04-02', '2026-05-02', [])[0]).toHaveLength(30)
  })

  test('dollars: cents at least, more decimals for a cheap day', () => {
    expect([0, 2.5, 0.0123, 0.01, 0.000021, 1234.5678].map(usd)).toEqual(['$0.00', '$2.50', '$0.0123', '$0.01', '$0.000021', '$1234.57'])
  })
})
