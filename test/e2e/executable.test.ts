import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eventually, usageOf } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { keysEnv } from '../helpers/named-keys'
import { PROXY_KEY, REAL_KEY } from '../helpers/start-proxy'

// The standalone executable, as a VPS user gets it: built, copied alone into an empty directory, run with
// a bare environment (no Bun on the PATH, no node_modules anywhere near), and asked for a semantic hit and
// for a model priced by the price catalogue bundled in it.

const root = join(import.meta.dir, '../..')
let buildDir: string
let runDir: string
let binary: string
let upstream: FakeUpstream

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'proxy-gpt-build-'))
  runDir = mkdtempSync(join(tmpdir(), 'proxy-gpt-run-'))
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts'], {
    cwd: root,
    env: { ...process.env, BUILD_OUTFILE: join(buildDir, 'proxy-gpt') },
  })
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`)
  binary = join(runDir, 'proxy-gpt')
  copyFileSync(join(buildDir, 'proxy-gpt'), binary)
  rmSync(buildDir, { recursive: true, force: true })
  upstream = await startFakeUpstream()
}, 120_000)

afterAll(async () => {
  await upstream?.stop()
  rmSync(runDir, { recursive: true, force: true })
})

const ALICE = 'Hq3Zt8Mw1Rc6Ny4Kb9Vd'

const bareEnv = (extra: Record<string, string> = {}) => ({ PATH: '/usr/bin:/bin', TMPDIR: tmpdir(), HOME: runDir, ...extra })

describe('dist/proxy-gpt', () => {
  test('--version and --help work with no runtime installed', () => {
    const version = Bun.spawnSync([binary, '--version'], { cwd: runDir, env: bareEnv() })
    expect(version.exitCode).toBe(0)
    expect(version.stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const help = Bun.spawnSync([binary, '--help'], { cwd: runDir, env: bareEnv() })
    expect(help.exitCode).toBe(0)
    for (const name of ['OPENAI_KEY', 'PROXY_KEY', 'MODEL_RATE_LIMIT', 'CACHE_SIMILARITY_THRESHOLD', 'DATA_DIR']) {
      expect(help.stdout.toString()).toContain(name)
    }
  })

  test('refuses to start without PROXY_KEY, saying how to set it', () => {
    const run = Bun.spawnSync([binary], { cwd: runDir, env: bareEnv({ OPENAI_KEY: REAL_KEY }) })
    expect(run.exitCode).toBe(1)
    expect(run.stderr.toString()).toContain('PROXY_KEY is required')
  })

  test('serves from an empty directory: cache, semantic index and Swagger inside; SIGTERM saves the index', async () => {
    const child = Bun.spawn([binary], {
      cwd: runDir,
      env: bareEnv({
        OPENAI_KEY: REAL_KEY,
        PROXY_KEY,
        OPENAI_BASE_URL: `${upstream.url}/v1`,
        PORT: '0',
        HOST: '127.0.0.1',
        CACHE_SIMILARITY_THRESHOLD: '0.8',
        ...keysEnv([{ name: 'alice', key: ALICE, budget: { usd: 1, per: 'day' } }]),
      }),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const reader = child.stdout.getReader()
      let out = ''
      let port: string | undefined
      while (!port) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`exited early: ${out}${await new Response(child.stderr).text()}`)
        out += new TextDecoder().decode(value)
        port = /listening on http:\/\/[^:]+:(\d+)/.exec(out)?.[1]
      }
      const base = `http://127.0.0.1:${port}`
      const ask = (content: string) =>
        fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
        })
      expect((await ask('How tall is the Eiffel Tower?')).headers.get('x-cache')).toBe('MISS')
      const hit = await ask('What is the height of the Eiffel Tower')
      expect(hit.headers.get('x-cache')).toBe('HIT')
      expect(hit.headers.get('x-cache-match')).toBe('semantic')
      expect(((await hit.json()) as any).choices[0].message.content).toBe('Echo: How tall is the Eiffel Tower?')
      expect((await fetch(`${base}/swagger/json`)).status).toBe(200)
      // The Swagger UI's files are inside the binary too: nothing comes from a CDN.
      const page = await (await fetch(`${base}/swagger`)).text()
      const assets = [...page.matchAll(/\b(?:src|href)="(swagger\/[^"]+)"/g)].map((m) => m[1]!)
      expect(assets).toContain('swagger/swagger-ui-bundle.js')
      for (const asset of assets) {
        const served = await fetch(`${base}/${asset}`)
        expect({ asset, status: served.status }).toEqual({ asset, status: 200 })
        expect((await served.text()).length).toBeGreaterThan(100)
      }
      // The status page's script, bundled from TypeScript at build time, is inside too.
      const status = await (await fetch(`${base}/`)).text()
      expect(status).toContain('<script src="assets/status.js"></script>')
      const script = await fetch(`${base}/assets/status.js`)
      expect(script.status).toBe(200)
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      expect(await script.text()).toContain('proxy-gpt.status.lang')
      // So are the console's and /me's (Preact and uPlot bundled in), and uPlot's style sheet in their pages.
      for (const [path, asset] of [['console', 'console.js'], ['me', 'me.js']] as const) {
        const html = await (await fetch(`${base}/${path}`)).text()
        expect(html).toContain(`<script src="assets/${asset}"></script>`)
        expect(html).toContain('.uplot')
        const bundled = await fetch(`${base}/assets/${asset}`)
        expect(bundled.status).toBe(200)
        expect(await bundled.text()).toContain('proxy-gpt.lang')
      }
      expect((await fetch(`${base}/health`)).status).toBe(200)
      expect(existsSync(join(runDir, 'data', 'cache.sqlite'))).toBe(true)

      // The price catalogue is inside, read without a network: a dollar budget prices deepseek-chat.
      expect(out).toMatch(/prices: @pydantic\/genai-prices \d+\.\d+\.\d+ \(\d{4,} models\), MODEL_PRICES overrides 0/)
      const priced = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'How old is the Moon?' }] }),
      })
      expect(priced.status).toBe(200)
      const usage = await eventually(
        () => usageOf(base, ALICE),
        (u) => u.reserved === 0 && u.today.requests === 1
      )
      expect(usage.spent).toBeGreaterThan(0)

      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      expect(existsSync(join(runDir, 'data', 'semantic.usearch'))).toBe(true)
    } finally {
      child.kill(9)
    }
  })
})
