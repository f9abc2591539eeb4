import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, REAL_KEY, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

let upstream: FakeUpstream
let dir: string
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(() => upstream.stop())

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
  rmSync(dir, { recursive: true, force: true })
})

const env = (extra: Record<string, string> = {}) => ({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8', DATA_DIR: dir, ...extra })
const ask = (base: string, content: string) =>
  postJson(`${base}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
const ORIGINAL = 'How tall is the Eiffel Tower?'
const PARAPHRASE = 'What is the height of the Eiffel Tower'

describe('across restarts', () => {
  test('a clean restart keeps exact and semantic hits without rebuilding the index', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-persist-'))
    proxy = await startProxy(env(), upstream)
    await (await ask(proxy.url, ORIGINAL)).text()
    await proxy.stop()

    proxy = await startProxy(env(), upstream)
    expect(proxy.logs.some((l) => l.includes('1 answers') && l.includes('1 in the semantic index'))).toBe(true)
    expect(proxy.logs.some((l) => l.includes('rebuilding'))).toBe(false)
    expect((await ask(proxy.url, ORIGINAL)).headers.get('x-cache-match')).toBe('exact')
    expect((await ask(proxy.url, PARAPHRASE)).headers.get('x-cache-match')).toBe('semantic')
  })

  test('a corrupt index file is rebuilt from SQLite, with a log line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-persist-'))
    proxy = await startProxy(env(), upstream)
    await (await ask(proxy.url, ORIGINAL)).text()
    await proxy.stop()
    writeFileSync(join(dir, 'semantic.usearch'), 'this is not an index'.repeat(100))

    proxy = await startProxy(env(), upstream)
    expect(proxy.logs.some((l) => l.includes('semantic index corrupt, rebuilding it from SQLite (1 embedded answers)'))).toBe(true)
    expect((await ask(proxy.url, PARAPHRASE)).headers.get('x-cache-match')).toBe('semantic')
  })

  test('a missing or stale index is rebuilt too', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-persist-'))
    proxy = await startProxy(env(), upstream)
    await (await ask(proxy.url, ORIGINAL)).text()
    await proxy.stop()
    rmSync(join(dir, 'semantic.usearch'))
    proxy = await startProxy(env(), upstream)
    expect(proxy.logs.some((l) => l.includes('semantic index missing, rebuilding'))).toBe(true)
    // A new answer after the save makes the saved index stale.
    await (await ask(proxy.url, 'Who painted the Mona Lisa?')).text()
    await proxy.cache!.entries.delete(1)
    const saved = proxy
    proxy = undefined
    await saved.stop()
    proxy = await startProxy(env(), upstream)
    expect(proxy.logs.some((l) => l.includes('semantic index stale') || l.includes('1 in the semantic index'))).toBe(true)
    expect((await ask(proxy.url, 'Who painted the Mona Lisa?')).headers.get('x-cache-match')).toBe('exact')
  })
})

describe('a kill -9', () => {
  async function spawnProxy() {
    const child = Bun.spawn([process.execPath, 'src/index.ts'], {
      cwd: join(import.meta.dir, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        OPENAI_KEY: REAL_KEY,
        PROXY_KEY,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        PORT: '0',
        HOST: '127.0.0.1',
        MODEL_RATE_LIMIT: '0',
        CACHE_SIMILARITY_THRESHOLD: '0.8',
        DATA_DIR: dir,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const lines: string[] = []
    const reader = child.stdout.getReader()
    let buffer = ''
    let url: string | undefined
    const until = Date.now() + 10_000
    while (!url && Date.now() < until) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += new TextDecoder().decode(value)
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(buffer)
      if (match) url = `http://127.0.0.1:${match[1]}`
    }
    lines.push(...buffer.split('\n'))
    if (!url) throw new Error(`proxy did not start: ${buffer}`)
    return { child, url, lines }
  }

  test('loses no stored answer: exact and semantic hits after the restart (index rebuilt)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-kill-'))
    const first = await spawnProxy()
    expect((await ask(first.url, ORIGINAL)).headers.get('x-cache')).toBe('MISS')
    first.child.kill(9)
    await first.child.exited

    const second = await spawnProxy()
    try {
      expect(second.lines.some((l) => l.includes('rebuilding it from SQLite (1 embedded answers)'))).toBe(true)
      expect((await ask(second.url, ORIGINAL)).headers.get('x-cache-match')).toBe('exact')
      let semantic: string | null = null
      for (let i = 0; i < 50 && semantic !== 'semantic'; i++) {
        semantic = (await ask(second.url, PARAPHRASE)).headers.get('x-cache-match')
        if (semantic !== 'semantic') await Bun.sleep(50) // the rebuild runs in the background
      }
      expect(semantic).toBe('semantic')
    } finally {
      second.child.kill(9)
      await second.child.exited
    }
  })
})

describe('expiry and eviction apply to both stores', () => {
  test('CACHE_TTL_SECONDS: an expired answer is neither an exact nor a semantic hit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-ttl-'))
    proxy = await startProxy(env({ CACHE_TTL_SECONDS: '1' }), upstream)
    await (await ask(proxy.url, ORIGINAL)).text()
    expect((await ask(proxy.url, ORIGINAL)).headers.get('x-cache')).toBe('HIT')
    await Bun.sleep(1100)
    expect((await ask(proxy.url, PARAPHRASE)).headers.get('x-cache')).toBe('MISS')
    // The original's own entry expired: it is now answered by the paraphrase just stored, not exactly.
    expect((await ask(proxy.url, ORIGINAL)).headers.get('x-cache-match')).toBe('semantic')
  })

  test('CACHE_MAX_ENTRIES: the least recently used answer goes, from SQLite and the index', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-lru-'))
    proxy = await startProxy(env({ CACHE_MAX_ENTRIES: '2' }), upstream)
    await (await ask(proxy.url, ORIGINAL)).text()
    await (await ask(proxy.url, 'Who painted the Mona Lisa?')).text()
    await Bun.sleep(5)
    await (await ask(proxy.url, ORIGINAL)).text() // a hit: now the most recently used
    await Bun.sleep(5)
    await (await ask(proxy.url, 'Explain quantum entanglement simply')).text()
    expect((await proxy.cache!.count())).toBe(2)
    expect(proxy.cache!.index.size).toBe(2)
    expect((await ask(proxy.url, ORIGINAL)).headers.get('x-cache')).toBe('HIT')
    expect((await ask(proxy.url, 'Who painted the Mona Lisa?')).headers.get('x-cache')).toBe('MISS')
  })
})

