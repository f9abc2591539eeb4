// The cache and the statistics are conveniences: a full disk or a damaged database file must never stop the
// proxy or fail a request. Damaged files are moved aside and replaced; failed writes are logged at most once
// a minute; the proxy recovers by itself when space returns.

import { Database } from 'bun:sqlite'
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { spawnProxy, type SpawnedProxy } from '../helpers/spawn-proxy'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

let upstream: FakeUpstream | undefined
let proxy: TestProxy | undefined
let spawned: SpawnedProxy | undefined
let dir: string | undefined
afterEach(async () => {
  await proxy?.stop()
  await spawned?.kill()
  await upstream?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  proxy = spawned = upstream = dir = undefined
})

const ask = (base: string, content: string) =>
  postJson(`${base}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })

/** Overwrites `length` bytes at `offset` with a pattern no SQLite page has. */
async function scribble(path: string, offset: number, length: number) {
  const file = await open(path, 'r+')
  await file.write(Buffer.alloc(length, 0xa5), 0, length, offset)
  await file.close()
}

async function fillCache(base: string, n: number, size = 2000) {
  for (let i = 0; i < n; i++) await (await ask(base, `question ${i} ${'filler '.repeat(size / 7)}`)).text()
}

describe('a damaged database at start', () => {
  for (const name of ['cache.sqlite', 'stats.sqlite']) {
    test(`${name} with a garbage header: moved aside with the time, a fresh one made, one log line`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-corrupt-'))
      writeFileSync(join(dir, name), Buffer.alloc(16384, 0x42))
      proxy = await startProxy({ MODEL_RATE_LIMIT: '0', DATA_DIR: dir })
      const aside = readdirSync(dir).filter((f) => f.startsWith(`${name}.corrupt-`))
      expect(aside).toHaveLength(1)
      expect(aside[0]).toMatch(/\.corrupt-\d{8}T\d{6}Z$/)
      const lines = proxy.logs.filter((l) => l.includes(name) && l.includes('moved aside'))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(aside[0]!)
      expect((await ask(proxy.url, 'after a corrupt start')).status).toBe(200)
      expect((await ask(proxy.url, 'after a corrupt start')).headers.get('x-cache')).toBe('HIT')
    })
  }

  test('a truncated cache.sqlite: moved aside, and the proxy serves', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-truncated-'))
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', DATA_DIR: dir })
    await fillCache(proxy.url, 40)
    await proxy.stop()
    proxy = undefined
    const file = join(dir, 'cache.sqlite')
    truncateSync(file, Math.floor(statSync(file).size / 2))

    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', DATA_DIR: dir })
    expect(readdirSync(dir).some((f) => f.startsWith('cache.sqlite.corrupt-'))).toBe(true)
    expect(proxy.logs.filter((l) => l.includes('moved aside'))).toHaveLength(1)
    for (let i = 0; i < 5; i++) expect((await ask(proxy.url, `question ${i}`)).status).toBe(200)
  })

  test('corrupt pages in the middle of cache.sqlite: never a 500', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-midcorrupt-'))
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', DATA_DIR: dir })
    await fillCache(proxy.url, 40)
    await proxy.stop()
    proxy = undefined
    const file = join(dir, 'cache.sqlite')
    const size = statSync(file).size
    await scribble(file, Math.floor(size / 3), Math.floor(size / 3))

    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', DATA_DIR: dir })
    for (let i = 0; i < 40; i++) {
      const response = await ask(proxy.url, `question ${i} ${'filler '.repeat(2000 / 7)}`)
      expect(response.status).toBe(200)
      await response.text()
    }
  })
})

describe('a read error at run time', () => {
  test('is a miss, never a 500, and is logged once', async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8' })
    await (await ask(proxy.url, 'How tall is the Eiffel Tower?')).text()
    // What SQLite throws on a damaged page, raised by the store's reads from now on.
    let damaged: unknown
    try {
      new Database(':memory:').query('SELECT * FROM entries').all()
    } catch (error) {
      damaged = error
    }
    const store = proxy.cache!.entries
    store.getByKey = store.getById = store.candidates = () => {
      throw damaged
    }
    for (const question of ['How tall is the Eiffel Tower?', 'What is the height of the Eiffel Tower', 'How tall is the Eiffel Tower?']) {
      const response = await ask(proxy.url, question)
      expect(response.status).toBe(200)
      expect(response.headers.get('x-cache')).toBe('MISS')
      await response.text()
    }
    expect(proxy.logs.filter((l) => l.startsWith('cache: could not read'))).toHaveLength(1)
  })
})

describe('a full disk', () => {
  // A 2 MiB tmpfs in a private mount namespace of the proxy's own process: a real ENOSPC, as on a full
  // volume. Filled and emptied from outside through /proc/<pid>/root.
  const mountable = (() => {
    const probe = Bun.spawnSync(['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=64k none /tmp'])
    return probe.exitCode === 0
  })()

  test.skipIf(!mountable)('the proxy keeps serving, logs failed writes once, and recovers when space returns', async () => {
    upstream = await startFakeUpstream()
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-full-'))
    const data = join(dir, 'data')
    spawned = await spawnProxy({
      upstreamUrl: upstream.url,
      env: { MODEL_RATE_LIMIT: '0', DATA_DIR: data, MOUNT: dir },
      wrap: ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=2m none "$MOUNT" && exec "$@"', 'sh'],
    })
    const inside = join(`/proc/${spawned.child.pid}/root`, dir)
    expect((await ask(spawned.url, 'before the disk fills')).status).toBe(200)

    // Fill what is left of the 2 MiB.
    const filler = join(inside, 'filler')
    const handle = await open(filler, 'w')
    try {
      for (;;) await handle.write(Buffer.alloc(16384))
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
    } finally {
      await handle.close()
    }

    // Requests keep being answered while cache writes fail, and the stats flush (every 10 s) fails too.
    const until = Date.now() + 12_000
    let i = 0
    while (Date.now() < until) {
      const response = await ask(spawned.url, `while full ${i++} ${'x'.repeat(20_000)}`)
      expect(response.status).toBe(200)
      await response.text()
      await Bun.sleep(200)
    }
    expect(spawned.child.exitCode).toBeNull()
    const failures = spawned.lines.filter((l) => /could not (write|store)/.test(l))
    // One line per store (cache, stats), not one per request: at most one a minute each.
    expect(failures.filter((l) => l.startsWith('cache: could not write'))).toHaveLength(1)
    expect(failures.filter((l) => l.startsWith('stats: could not write'))).toHaveLength(1)
    expect(failures).toHaveLength(2)
    expect(failures.join('\n')).not.toContain('x'.repeat(100))

    // Space returns: a new answer is stored again.
    rmSync(filler)
    const question = 'after space returned'
    expect((await ask(spawned.url, question)).headers.get('x-cache')).toBe('MISS')
    let again: string | null = null
    for (let tries = 0; tries < 20 && again !== 'HIT'; tries++) {
      again = (await ask(spawned.url, question)).headers.get('x-cache')
      if (again !== 'HIT') await Bun.sleep(100)
    }
    expect(again).toBe('HIT')
    expect(spawned.child.exitCode).toBeNull()
    expect(existsSync(join(inside, 'data', 'cache.sqlite'))).toBe(true)
  }, 40_000)
})
