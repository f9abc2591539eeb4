// Runs the scripts in examples/ as a newcomer would, as subprocesses against a real proxy (on loopback,
// in front of the fake upstream), and checks what they print and how they exit.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const ROOT = resolve(import.meta.dir, '../..')
/** Longest a script may run before it is killed and the test fails. */
const RUN_TIMEOUT_MS = 20_000
const TEST_TIMEOUT_MS = RUN_TIMEOUT_MS + 10_000

interface Run {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Resolves to the promise's value, or to `fallback` if it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<T>((done) => (timer = setTimeout(() => done(fallback), ms)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** The environment a script gets: only PATH and the two variables the examples read. */
function envFor(proxy: TestProxy, key = PROXY_KEY): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', PROXY_URL: proxy.url }
  if (key) env.PROXY_KEY = key
  return env
}

async function run(cmd: string[], env: Record<string, string>): Promise<Run> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    proc.kill('SIGKILL')
  }, RUN_TIMEOUT_MS)
  const stdout = new Response(proc.stdout).text()
  const stderr = new Response(proc.stderr).text()
  const code = await proc.exited
  clearTimeout(timer)
  // A grandchild (curl under bash) could keep the pipes open after a kill; do not wait on it for long.
  const [out, err] = await Promise.all([within(stdout, 2000, '(output not closed)'), within(stderr, 2000, '(output not closed)')])
  return { code: timedOut ? null : code, stdout: out, stderr: err, timedOut }
}

/** Exit code 0, with the output attached to the failure message when it is not. */
function expectSuccess(result: Run) {
  if (result.code !== 0) {
    throw new Error(`exit code ${result.code}${result.timedOut ? ' (killed after timeout)' : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`)
  }
}

function commandWorks(cmd: string[]): boolean {
  try {
    return Bun.spawnSync(cmd, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdout: 'ignore', stderr: 'ignore' }).exitCode === 0
  } catch {
    return false // not installed
  }
}

const hasPythonOpenai = commandWorks(['python3', '-c', 'import openai'])
const hasPython = commandWorks(['python3', '-c', 'pass'])
const hasCurl = Bun.which('curl') !== null && Bun.which('bash') !== null

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

/** Chat completions the upstream received for this question (cache hits never get there). */
const upstreamChats = (question: string) =>
  proxy.upstream.requests.filter((r) => r.path === '/v1/chat/completions' && r.json?.messages?.at(-1)?.content === question).length

/** The part of `text` from the line starting with `from` up to the one starting with `to` (or the end). */
function section(text: string, from: string, to?: string): string {
  const start = text.indexOf(from)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = to ? text.indexOf(to, start) : -1
  return text.slice(start, end === -1 ? undefined : end)
}

describe('examples/chat.ts (openai JS SDK)', () => {
  // --no-env-file: a developer's .env (with its own PROXY_KEY) must not change what the test runs.
  const chatTs = [process.execPath, '--no-env-file', 'run', 'examples/chat.ts']
  const question = 'Say hello in French.'

  test(
    'answers, streams, shows the repeat as an exact cache HIT, and embeds',
    async () => {
      const result = await run(chatTs, envFor(proxy))
      expectSuccess(result)
      const out = result.stdout

      const first = section(out, '1. ', '2. ')
      expect(first).toContain(`answer: Echo: ${question}`)
      expect(first).toContain('x-cache: MISS')

      const streamed = section(out, '2. ', '3. ')
      expect(streamed).toContain(`streamed: Echo: ${question}`)
      const chunks = Number(streamed.match(/\((\d+) chunks\)/)?.[1])
      expect(chunks).toBeGreaterThanOrEqual(2)
      expect(streamed).toContain('x-cache: HIT')

      const again = section(out, '3. ', '4. ')
      expect(again).toContain(`answer: Echo: ${question}`)
      expect(again).toContain('x-cache: HIT, x-cache-match: exact')

      const embedding = section(out, '4. ')
      expect(embedding).toMatch(/256 dimensions: \[-?\d\.\d{4}, /)
      expect(embedding).toMatch(/x-cache: (MISS|HIT)/)
      expect(out).toContain('Done.')

      // Three answers, one model call: the stream and the repeat came from the cache.
      expect(upstreamChats(question)).toBe(1)
      expect(proxy.upstream.requests.some((r) => r.path === '/v1/embeddings' && r.json?.input === question)).toBe(true)
    },
    TEST_TIMEOUT_MS
  )

  test(
    'a wrong proxy key makes it exit non-zero with the 401',
    async () => {
      const result = await run(chatTs, envFor(proxy, 'not-the-proxy-key'))
      expect(result.timedOut).toBe(false)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('Request failed: 401')
      expect(result.stdout).not.toContain('Done.')
      expect(upstreamChats(question)).toBe(0)
    },
    TEST_TIMEOUT_MS
  )

  test(
    'no PROXY_KEY: says so and exits non-zero without sending anything',
    async () => {
      const result = await run(chatTs, envFor(proxy, ''))
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('Set PROXY_KEY')
      expect(proxy.upstream.requests).toHaveLength(0)
    },
    TEST_TIMEOUT_MS
  )
})

describe('examples/chat.py (openai Python package)', () => {
  const question = 'Name the three primary colours.'

  test.skipIf(!hasPythonOpenai)(
    hasPythonOpenai
      ? 'answers, streams, and shows the repeat as an exact cache HIT'
      : 'not run: the openai Python package is missing (python3 -c "import openai" failed; pip install openai)',
    async () => {
      const result = await run(['python3', 'examples/chat.py'], envFor(proxy))
      expectSuccess(result)
      const out = result.stdout
      expect(section(out, '1. ', '2. ')).toContain(`answer: Echo: ${question}`)
      expect(section(out, '2. ', '3. ')).toContain(`streamed: Echo: ${question}`)
      const again = section(out, '3. ')
      expect(again).toContain(`answer: Echo: ${question}`)
      expect(again).toContain('x-cache: HIT, x-cache-match: exact')
      expect(out).toContain('Done.')
      expect(upstreamChats(question)).toBe(1)
    },
    TEST_TIMEOUT_MS
  )

  test.skipIf(!hasPythonOpenai)(
    hasPythonOpenai ? 'a wrong proxy key makes it exit non-zero with the 401' : 'not run: the openai Python package is missing (wrong-key check)',
    async () => {
      const result = await run(['python3', 'examples/chat.py'], envFor(proxy, 'not-the-proxy-key'))
      expect(result.timedOut).toBe(false)
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('Request failed: 401')
    },
    TEST_TIMEOUT_MS
  )
})

describe('examples/chat.py without the openai package', () => {
  // A newcomer who skipped `pip install openai` gets one line saying so, not a traceback.
  test.skipIf(!hasPython)(hasPython ? 'says how to install it and exits 1' : 'not run: no python3', async () => {
    // `sys.modules['openai'] = None` makes the import fail as if the package were missing, installed or not.
    const script = "import sys; sys.modules['openai'] = None; sys.argv = ['examples/chat.py']; exec(compile(open('examples/chat.py').read(), 'examples/chat.py', 'exec'))"
    const result = await run(['python3', '-c', script], envFor(proxy))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('pip install openai')
    expect(result.stderr).not.toContain('Traceback')
  })
})

describe('examples/curl.sh (curl)', () => {
  const question = 'What is the capital of Italy?'

  test.skipIf(!hasCurl)(
    hasCurl ? 'with /v1, without /v1 (a cache HIT), and streamed' : 'not run: curl or bash is not installed',
    async () => {
      const result = await run(['bash', 'examples/curl.sh'], envFor(proxy))
      expectSuccess(result)
      const out = result.stdout

      const withV1 = section(out, '1. ', '2. ')
      expect(withV1).toMatch(/^HTTP\/[\d.]+ 200/m)
      expect(withV1).toMatch(/^x-cache: MISS\r?$/im)
      expect(withV1).toContain(`"content":"Echo: ${question}"`)

      const withoutV1 = section(out, '2. ', '3. ')
      expect(withoutV1).toMatch(/^HTTP\/[\d.]+ 200/m)
      expect(withoutV1).toMatch(/^x-cache: HIT\r?$/im)
      expect(withoutV1).toMatch(/^x-cache-match: exact\r?$/im)
      expect(withoutV1).toContain(`"content":"Echo: ${question}"`)

      const streamed = section(out, '3. ')
      expect(streamed).toMatch(/^content-type: text\/event-stream/im)
      expect(streamed).toMatch(/^x-cache: MISS\r?$/im)
      const events = streamed.split('\n').filter((line) => line.startsWith('data: '))
      expect(events.at(-1)).toBe('data: [DONE]')
      const text = events
        .slice(0, -1)
        .map((line) => JSON.parse(line.slice(6)).choices[0]?.delta?.content ?? '')
        .join('')
      expect(text).toBe('Echo: Count to five.')
      expect(out).toContain('Done.')

      // The request without /v1 reached the same cache entry: one model call for the two.
      expect(upstreamChats(question)).toBe(1)
      expect(upstreamChats('Count to five.')).toBe(1)
    },
    TEST_TIMEOUT_MS
  )

  test.skipIf(!hasCurl)(
    hasCurl ? 'a wrong proxy key makes it stop at the first request, non-zero, printing the error body' : 'not run: curl or bash is not installed (wrong-key check)',
    async () => {
      const result = await run(['bash', 'examples/curl.sh'], envFor(proxy, 'not-the-proxy-key'))
      expect(result.timedOut).toBe(false)
      expect(result.code).not.toBe(0)
      expect(result.stdout).toContain('invalid_api_key')
      expect(result.stdout).not.toContain('2. ')
      expect(result.stderr).toContain('Request failed')
    },
    TEST_TIMEOUT_MS
  )
})
