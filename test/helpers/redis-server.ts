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
  /** The password of `requirepass`, when the server was started with one. */
  password?: string
  /** A URL of another database of the same server, so tests do not see each other's keys. */
  urlFor(db: number): string
  stop(): Promise<void>
  /** Stops the server (keeping its data on disk) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>
  /** Stops it and leaves it stopped, until start(). */
  kill(): Promise<void>
  start(): Promise<void>
  /** Runs redis-cli against this server (authenticated, database `db`), returning its stdout trimmed. */
  cli(args: string[], db?: number): string
}

export interface RedisOptions {
  /** Starts the server with `--requirepass`; `url` and `urlFor` then carry it (redis://:password@…). */
  password?: string
}

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port!
  await server.stop(true)
  return port
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  if (!REDIS_BINARY) throw new Error(redisSkipReason)
  const dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-redis-'))
  const port = await freePort()
  const { password } = options
  let child: ReturnType<typeof Bun.spawn> | undefined

  const cli = (args: string[], db?: number) => {
    const auth = password ? ['-a', password, '--no-auth-warning'] : []
    const selected = db === undefined ? [] : ['-n', String(db)]
    return Bun.spawnSync(['redis-cli', '-p', String(port), ...auth, ...selected, ...args]).stdout.toString().trim()
  }
  const ping = async () => cli(['PING']) === 'PONG'
  const start = async () => {
    // AOF on, so a restart keeps what was written (what "nothing is lost that Redis kept" needs).
    child = Bun.spawn([REDIS_BINARY!, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', ...(password ? ['--requirepass', password] : [])], {
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
  const base = `redis://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}`
  return {
    url: base,
    port,
    password,
    urlFor: (db) => `${base}/${db}`,
    cli,
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
