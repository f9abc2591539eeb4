// Starts the proxy as its own process (`bun src/index.ts`), as an operator would, for what only a real
// process shows: a kill -9, a full disk, a crash that would end it, its exit code and its log lines.

import { join } from 'node:path'
import { PROXY_KEY, REAL_KEY } from './start-proxy'

export interface SpawnedProxy {
  child: ReturnType<typeof Bun.spawn>
  url: string
  /** Every line it printed so far, stdout and stderr, in arrival order per stream. */
  lines: string[]
  /** Resolves once a line matching `pattern` was printed. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  kill(signal?: number | NodeJS.Signals): Promise<number | null>
}

export const ROOT = join(import.meta.dir, '../..')

export interface SpawnOptions {
  upstreamUrl: string
  env?: Record<string, string>
  /** A command the proxy runs under, e.g. ['unshare', …, 'sh', '-c', '… exec "$@"', 'sh']. */
  wrap?: string[]
  timeoutMs?: number
}

export async function spawnProxy({ upstreamUrl, env = {}, wrap = [], timeoutMs = 15_000 }: SpawnOptions): Promise<SpawnedProxy> {
  const child = Bun.spawn([...wrap, process.execPath, 'src/index.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      OPENAI_KEY: REAL_KEY,
      PROXY_KEY,
      OPENAI_BASE_URL: `${upstreamUrl}/v1`,
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const lines: string[] = []
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = []
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true })
      const parts = buffer.split('\n')
      buffer = parts.pop()!
      for (const line of parts) {
        lines.push(line)
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(line)) {
            waiters.splice(waiters.indexOf(waiter), 1)
            waiter.resolve(line)
          }
        }
      }
    }
    if (buffer) lines.push(buffer)
  }
  void collect(child.stdout as ReadableStream<Uint8Array>)
  void collect(child.stderr as ReadableStream<Uint8Array>)

  const waitForLine = (pattern: RegExp, ms = timeoutMs) => {
    const seen = lines.find((line) => pattern.test(line))
    if (seen) return Promise.resolve(seen)
    return new Promise<string>((resolve, reject) => {
      const waiter = { pattern, resolve }
      waiters.push(waiter)
      setTimeout(() => {
        if (!waiters.includes(waiter)) return
        waiters.splice(waiters.indexOf(waiter), 1)
        reject(new Error(`no line matching ${pattern} within ${ms} ms; printed:\n${lines.join('\n')}`))
      }, ms)
    })
  }

  const started = await Promise.race([waitForLine(/listening on http:\/\/[^:]+:\d+/), child.exited.then((code) => code)])
  if (typeof started === 'number') {
    await Bun.sleep(50)
    throw new Error(`proxy exited with ${started} before listening:\n${lines.join('\n')}`)
  }
  const port = /listening on http:\/\/[^:]+:(\d+)/.exec(started)![1]
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    lines,
    waitForLine,
    async kill(signal = 9) {
      if (child.exitCode === null) child.kill(signal)
      return child.exited
    },
  }
}
