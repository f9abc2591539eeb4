// A real redis-server for the tests, on a free port in a temp dir (Debian's package; .ci/run installs it).
// Where it is missing the Redis tests skip and say why, except under REQUIRE_REDIS=1 (CI), where a missing
// redis-server fails them.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REDIS_BINARY = Bun.which('redis-server')

if (!REDIS_BINARY && process.env.REQUIRE_REDIS === '1') {
  throw new Error('REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server)')
}

/** Why the Redis tests skip here, or undefined when they run. */
export const redisSkipReason = REDIS_BINARY ? undefined : 'redis-server is not installed (apt-get install redis-server): the Redis tests are skipped'
if (redisSkipReason) console.warn(`[redis] ${redisSkipReason}`)

export interface TestRedis {
  url: string
  port: number
  /** A URL of another database of the same server, so tests do not see each other's keys. */
  urlFor(db: number): string
  stop(): Promise<void>
  /** Stops the server (keeping its data on disk) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>
  /** Stops it and leaves it stopped, until start(). */
  kill(): Promise<void>
  start(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port!
  await server.stop(true)
  return port
}

export async function startRedis(): Promise<TestRedis> {
  if (!REDIS_BINARY) throw new Error(redisSkipReason)
  const dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-redis-'))
  const port = await freePort()
  let child: ReturnType<typeof Bun.spawn> | undefined

  const ping = async () => {
    const probe = Bun.spawnSync(['redis-cli', '-p', String(port), 'PING'])
    return probe.stdout.toString().trim() === 'PONG'
  }
  const start = async () => {
    // AOF on, so a restart keeps what was written (what "nothing is lost that Redis kept" needs).
    child = Bun.spawn([REDIS_BINARY!, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
      stdout: 'ignore',
      stderr: 'ignore',
    })
    for (let i = 0; i < 100 && !(await ping()); i++) await Bun.sleep(20)
    if (!(await ping())) throw new Error(`redis-server did not start on port ${port}`)
  }
  const kill = async () => {
    if (!child) return
    child.kill('SIGTERM')
    await child.exited
    child = undefined
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    urlFor: (db) => `redis://127.0.0.1:${port}/${db}`,
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
    async restart(downMs = 200) {
      await kill()
      await Bun.sleep(downMs)
      await start()
    },
    kill,
    start,
  }
}
