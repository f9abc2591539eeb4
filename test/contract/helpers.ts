import { afterAll, afterEach } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// What the contract suites share: opening stores from a factory (and closing them after each test), real
// sleeps, waiting for changes a network store may deliver a moment later, and temp files for SQLite.

/** A store made by a suite's factory, with whatever `close` frees behind it (a file, a connection). */
export interface Opened<T> {
  store: T
  close(): Promise<void>
}

/**
 * Returns `open()`, which makes a fresh store per call; every store opened in a test is closed after it.
 * Call inside a `describe`, so the afterEach belongs to that suite.
 */
export function opener<T, A extends unknown[]>(make: (...args: A) => Promise<Opened<T>>): (...args: A) => Promise<T> {
  const opened: Opened<T>[] = []
  afterEach(async () => {
    for (const one of opened.splice(0).reverse()) await one.close()
  })
  return async (...args: A) => {
    const one = await make(...args)
    opened.push(one)
    return one.store
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Retries `check` until it stops throwing (or `timeoutMs` passes, then throws its last error). In-process
 * stores pass at once; a store that delivers changes over the network (Redis pub/sub) gets a moment.
 */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(10)
    }
  }
}

/** A temp folder for this test file's SQLite files, removed after its tests; `path()` names a fresh file. */
export function tempFiles(prefix: string): { path(name?: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `proxy-gpt-contract-${prefix}-`))
  let n = 0
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return { path: (name = 'state') => join(dir, `${name}-${++n}.sqlite`) }
}
