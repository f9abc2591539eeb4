import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { spawnProxy } from '../helpers/spawn-proxy'
import { PROXY_KEY, REAL_KEY, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// The config file's `upstreams:` (DESIGN §1.1, §1.2): from PROXY_CONFIG or CONFIG_FILE, `${VAR}` replaced
// from the environment, refused with every problem listed (never a key), and, without a file, OPENAI_KEY
// as a comma-separated list of keys of one upstream.

/** Keys whose every 8-character window is distinctive (mixed case, never hex). */
const key = (up: number, k: number) => `sk-up${up}-key${k}-Zx${up}Q${k}mW7vLpRtYh`
const OPENAI_KEYS = [key(1, 1), key(1, 2)]
const DEEPSEEK_KEYS = [key(2, 1), key(2, 2)]
const VARS = { OPENAI_KEY_A: OPENAI_KEYS[0]!, OPENAI_KEY_B: OPENAI_KEYS[1]!, DEEPSEEK_KEY_A: DEEPSEEK_KEYS[0]!, DEEPSEEK_KEY_B: DEEPSEEK_KEYS[1]! }

const twoUpstreams = (openaiUrl: string, deepseekUrl: string, names = ['openai', 'deepseek']) => `
upstreams:
  - name: ${names[0]}
    base_url: ${openaiUrl}/v1
    keys: ["\${OPENAI_KEY_A}", "\${OPENAI_KEY_B}"]
    models: ["gpt-*", "text-embedding-*"]
  - name: ${names[1]}
    base_url: ${deepseekUrl}/v1
    keys: ["\${DEEPSEEK_KEY_A}", "\${DEEPSEEK_KEY_B}"]
    models: ["deepseek-*", "fast"]
    model_map: { fast: deepseek-chat }
`

/** Every 8-character window of every key that shows in `text`. */
function keyFragments(text: string, keys: readonly string[]): string[] {
  const found = new Set<string>()
  for (const k of keys) for (let i = 0; i + 8 <= k.length; i++) if (text.includes(k.slice(i, i + 8))) found.add(k.slice(i, i + 8))
  return [...found]
}

const chat = (model: string, content: string) => ({ model, messages: [{ role: 'user' as const, content }] })

let openai: FakeUpstream
let deepseek: FakeUpstream
let proxy: TestProxy | undefined
beforeAll(async () => {
  openai = await startFakeUpstream({ name: 'openai' })
  deepseek = await startFakeUpstream({ name: 'deepseek' })
})
afterAll(async () => {
  await openai.stop()
  await deepseek.stop()
})
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
  openai.reset()
  deepseek.reset()
})

/** One request per model; checks who answered and with which key. */
async function expectRouting(p: TestProxy) {
  for (const [model, name, fake, keys] of [
    ['gpt-4o-mini', 'openai', openai, OPENAI_KEYS],
    ['deepseek-chat', 'deepseek', deepseek, DEEPSEEK_KEYS],
    ['fast', 'deepseek', deepseek, DEEPSEEK_KEYS],
  ] as const) {
    const { data, response } = await p.client().chat.completions.create(chat(model, `which upstream for ${model}?`)).withResponse()
    expect(data.choices[0]!.message.content).toBe(`Echo: which upstream for ${model}?`)
    expect(response.headers.get('x-upstream')).toBe(name)
    expect(response.headers.get('x-fake-upstream')).toBe(name)
    expect(keys).toContain(fake.keysUsed.at(-1)!)
  }
  expect(openai.requests).toHaveLength(1)
  expect(deepseek.requests.map((r) => r.json.model)).toEqual(['deepseek-chat', 'deepseek-chat'])
}

describe('upstreams from the config file', () => {
  test('PROXY_CONFIG: two upstreams, ${VAR} keys from the environment; OPENAI_KEY is not needed and said unused', async () => {
    proxy = await startProxy({ PROXY_CONFIG: twoUpstreams(openai.url, deepseek.url), ...VARS, OPENAI_KEY: undefined, CACHE_ALLOWED: 'false' }, openai)
    expect(proxy.config.upstreams.map((u) => u.name)).toEqual(['openai', 'deepseek'])
    await expectRouting(proxy)
    const note = proxy.logs.filter((line) => /OPENAI_KEY.*OPENAI_BASE_URL.*unused/.test(line))
    expect(note).toHaveLength(1)
    expect(note[0]).toContain('PROXY_CONFIG')
  })

  test('CONFIG_FILE: the same from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-config-'))
    try {
      const path = join(dir, 'proxy.yaml')
      writeFileSync(path, twoUpstreams(openai.url, deepseek.url))
      proxy = await startProxy({ CONFIG_FILE: path, ...VARS, CACHE_ALLOWED: 'false' }, openai)
      await expectRouting(proxy)
      expect(proxy.logs.some((line) => line.includes(path) && /OPENAI_KEY.*OPENAI_BASE_URL.*unused/.test(line))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('CONFIG_FILE wins when PROXY_CONFIG is set too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-config-'))
    try {
      const path = join(dir, 'proxy.yaml')
      // The file sends gpt-* to `openai`; the inline text would send it to the other fake, named `inline`.
      writeFileSync(path, twoUpstreams(openai.url, deepseek.url))
      const inline = twoUpstreams(deepseek.url, openai.url, ['inline', 'inline-too'])
      proxy = await startProxy({ CONFIG_FILE: path, PROXY_CONFIG: inline, ...VARS, CACHE_ALLOWED: 'false' }, openai)
      const response = await postJson(`${proxy.baseURL}/chat/completions`, chat('gpt-4o-mini', 'who wins?'))
      expect(response.status).toBe(200)
      expect(response.headers.get('x-upstream')).toBe('openai')
      expect(response.headers.get('x-fake-upstream')).toBe('openai')
      expect(openai.requests).toHaveLength(1)
      expect(deepseek.requests).toHaveLength(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('the real process prints the start-up line saying OPENAI_KEY and OPENAI_BASE_URL are unused, and serves', async () => {
    const spawned = await spawnProxy({
      upstreamUrl: 'http://127.0.0.1:9',
      env: { PROXY_CONFIG: twoUpstreams(openai.url, deepseek.url), ...VARS, OPENAI_KEY: '', CACHE_ALLOWED: 'false' },
    })
    try {
      expect(spawned.lines.filter((line) => /OPENAI_KEY.*OPENAI_BASE_URL.*unused/.test(line))).toHaveLength(1)
      const response = await postJson(`${spawned.url}/v1/chat/completions`, chat('fast', 'from the real process'))
      expect(response.status).toBe(200)
      expect(response.headers.get('x-upstream')).toBe('deepseek')
      // The real process also runs its start-up check (GET /models with each key) in the background.
      expect(deepseek.requests.filter((r) => r.method === 'POST').map((r) => r.json.model)).toEqual(['deepseek-chat'])
      expect(keyFragments(spawned.lines.join('\n'), [...OPENAI_KEYS, ...DEEPSEEK_KEYS])).toEqual([])
    } finally {
      await spawned.kill()
    }
  })

  test('without a file, OPENAI_KEY="k1,k2" rotates between the two keys', async () => {
    const [k1, k2] = [key(9, 1), key(9, 2)]
    proxy = await startProxy({ OPENAI_KEY: `${k1},${k2}`, OPENAI_BASE_URL: `${openai.url}/v1`, CACHE_ALLOWED: 'false' }, openai)
    // Embeddings have no prompt prefix to keep on one key (DESIGN §1.9): they take the least recently used.
    for (let i = 0; i < 4; i++) expect((await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: `rotation ${i}` })).status).toBe(200)
    expect(openai.keysUsed).toEqual([k1, k2, k1, k2])
  })
})

describe('a bad config file refuses the start', () => {
  const good = (name: string) => `
  - name: ${name}
    base_url: http://127.0.0.1:9/v1
    keys: ["\${OPENAI_KEY_A}", "${OPENAI_KEYS[1]}"]
    models: ["gpt-*"]`
  const BAD = {
    'unknown field': { entry: `${good('extra')}\n    api_key: "\${DEEPSEEK_KEY_A}"`, problem: /upstream.*unknown field "api_key"/ },
    'missing ${VAR}': { entry: good('missing').replace('"${OPENAI_KEY_A}"', '"${NOT_SET_ANYWHERE}"'), problem: /\$\{NOT_SET_ANYWHERE\} is not set/ },
    'duplicate name': { entry: `${good('twice')}${good('twice')}`.replace(OPENAI_KEYS[1]!, DEEPSEEK_KEYS[1]!), problem: /"twice" is used twice/ },
    'bad glob': { entry: good('glob').replace('["gpt-*"]', '["gpt-[4]"]'), problem: /"gpt-\[4\]" is not a model pattern/ },
    'no keys': { entry: `
  - name: keyless
    base_url: http://127.0.0.1:9/v1
    keys: []`, problem: /"keyless".*keys must be a non-empty list/ },
  }
  const everyKey = [...OPENAI_KEYS, ...DEEPSEEK_KEYS]

  /** Starts the real process and returns its exit code and what it printed (it must exit before listening). */
  async function refusedStart(config: string): Promise<{ code: number; output: string }> {
    const started = spawnProxy({ upstreamUrl: 'http://127.0.0.1:9', env: { PROXY_CONFIG: config, ...VARS } })
    const error = await started.then(
      async (spawned) => {
        await spawned.kill()
        throw new Error(`the proxy started with a bad config:\n${spawned.lines.join('\n')}`)
      },
      (error: Error) => error
    )
    const match = /^proxy exited with (\d+) before listening:\n([\s\S]*)$/.exec(error.message)
    if (!match) throw error
    return { code: Number(match[1]), output: match[2]! }
  }

  for (const [what, { entry, problem }] of Object.entries(BAD)) {
    test(`${what}: exit code 1, the problem printed, no key`, async () => {
      const { code, output } = await refusedStart(`upstreams:${entry}\n`)
      expect(code).toBe(1)
      expect(output).toContain('cannot start')
      expect(output).toMatch(problem)
      expect(keyFragments(output, everyKey)).toEqual([])
      // The helper's own keys hold plain words ("upstream"): only whole ones are looked for.
      for (const k of [REAL_KEY, PROXY_KEY]) expect(output).not.toContain(k)
    })
  }

  test('a key pasted where a field name goes (a YAML slip) is refused without being printed', async () => {
    const { code, output } = await refusedStart(`upstreams:${good('slip')}\n    ${DEEPSEEK_KEYS[0]}: true\n`)
    expect(code).toBe(1)
    expect(output).toMatch(/upstream.*unknown field/)
    expect(keyFragments(output, everyKey)).toEqual([])
  })

  test('every problem of one file is listed at once, and no key is printed', async () => {
    const { code, output } = await refusedStart(`upstreams:${Object.values(BAD).map((b) => b.entry).join('')}\n`)
    expect(code).toBe(1)
    for (const { problem } of Object.values(BAD)) expect(output).toMatch(problem)
    expect(keyFragments(output, everyKey)).toEqual([])
  })
})
