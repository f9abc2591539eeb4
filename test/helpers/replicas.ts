// Several replicas of the proxy (DESIGN §1.6), each a real process (`bun src/index.ts`) with its own
// temporary DATA_DIR, sharing one redis-server (startRedis()) and one fake upstream, as an operator would run
// them behind a load balancer. Everything started here is stopped by `stop()` (and by stopAllReplicas(),
// for an afterEach), also when a test failed halfway; a replica still alive when the test process exits is
// killed then.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream, type FakeUpstream } from './fake-upstream'
import { keysEnv, type NamedKey } from './named-keys'
import { redisSkipReason, startRedis, type RedisOptions, type TestRedis } from './redis-server'
import { spawnProxy, type SpawnedProxy } from './spawn-proxy'
import { PROXY_KEY } from './start-proxy'

export { redisSkipReason }

export const ADMIN_KEY = 'admin-Rq7Wx2Mz5Kc8Vb3Tn'
export const NAMES = ['A', 'B', 'C', 'D', 'E']

export interface ReplicaOptions {
  /** How many replicas (default 3). */
  n?: number
  /**
   * The Redis they share: by default one started here (and stopped with the set); a server of the test's
   * own; or `false` for replicas without REDIS_URL (each on its own, as round 1).
   */
  redis?: TestRedis | false
  /** Options of the Redis started here (a password). */
  redisOptions?: RedisOptions
  /** REDIS_URL when it is not the server's plain URL (another database: `(redis) => redis.urlFor(3)`). */
  redisUrl?: string | ((redis: TestRedis) => string)
  /** Named proxy keys (PROXY_CONFIG `keys:`); PROXY_KEY works beside them. */
  keys?: NamedKey[]
  /** PROXY_CONFIG `upstreams:`, made from the fake upstream's URL. */
  upstreams?: (upstreamUrl: string) => object[]
  /** A fake upstream of the test's own (not stopped with the set). */
  upstream?: FakeUpstream
  /** More environment, over the defaults (CACHE_ALLOWED=false, MODEL_RATE_LIMIT, …). */
  env?: Record<string, string>
}

export interface Replica {
  readonly name: string
  readonly url: string
  readonly dataDir: string
  /** Every line this replica printed (the current process). */
  readonly lines: string[]
  readonly process: SpawnedProxy
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  /** How many printed lines match. */
  count(pattern: RegExp): number
}

export interface ReplicaSet {
  replicas: Replica[]
  upstream: FakeUpstream
  /** The shared Redis (undefined for `redis: false`). */
  redis?: TestRedis
  /** The environment every replica started with (DATA_DIR aside). */
  env: Record<string, string>
  /** Kills replica `i` (kill -9 by default); its DATA_DIR stays until stop(). */
  kill(i: number, signal?: number | NodeJS.Signals): Promise<void>
  /** Starts replica `i` again: with a new, empty DATA_DIR by default, else on its old one. */
  restart(i: number, options?: { emptyDataDir?: boolean }): Promise<Replica>
  /** The model calls (chat completions) the upstream received. */
  chatCalls(): number
  stop(): Promise<void>
}

const live = new Set<ReplicaSet>()
const children = new Set<SpawnedProxy>()
let exitHook = false

/** Stops every set still running (for afterEach/afterAll: a failed test leaves nothing behind). */
export async function stopAllReplicas() {
  await Promise.allSettled([...live].map((set) => set.stop()))
}

export async function startReplicas(options: ReplicaOptions = {}): Promise<ReplicaSet> {
  const n = options.n ?? 3
  const wantsRedis = options.redis !== false
  if (wantsRedis && redisSkipReason) throw new Error(redisSkipReason)
  if (!exitHook) {
    exitHook = true
    process.once('exit', () => {
      for (const child of children) if (child.child.exitCode === null) child.child.kill(9)
    })
  }

  const dirs: string[] = []
  const replicas: Replica[] = []
  let ownRedis: TestRedis | undefined
  let ownUpstream: FakeUpstream | undefined
  let stopped = false
  const set: ReplicaSet = {
    replicas,
    upstream: undefined as unknown as FakeUpstream,
    env: {},
    async kill(i, signal = 9) {
      await replicas[i]!.process.kill(signal)
    },
    async restart(i, { emptyDataDir = true } = {}) {
      const old = replicas[i]!
      await old.process.kill(9)
      replicas[i] = await spawnOne(old.name, emptyDataDir ? undefined : old.dataDir)
      return replicas[i]!
    },
    chatCalls: () => set.upstream.requests.filter((r) => r.path === '/v1/chat/completions').length,
    async stop() {
      if (stopped) return
      stopped = true
      live.delete(set)
      await Promise.allSettled(replicas.map((r) => r.process.kill(9)))
      for (const r of replicas) children.delete(r.process)
      await ownUpstream?.stop()
      await ownRedis?.stop()
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    },
  }
  live.add(set)

  const spawnOne = async (name: string, dataDir?: string): Promise<Replica> => {
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), `proxy-gpt-replica-${name}-`))
    if (!dataDir) dirs.push(dir)
    const process = await spawnProxy({ upstreamUrl: set.upstream.url, env: { ...set.env, DATA_DIR: dir } })
    children.add(process)
    return {
      name,
      url: process.url,
      dataDir: dir,
      lines: process.lines,
      process,
      waitForLine: process.waitForLine,
      count: (pattern) => process.lines.filter((line) => pattern.test(line)).length,
    }
  }

  try {
    set.upstream = options.upstream ?? (ownUpstream = await startFakeUpstream())
    if (wantsRedis) set.redis = options.redis || (ownRedis = await startRedis(options.redisOptions))
    const config = options.keys || options.upstreams ? keysEnv(options.keys ?? [], options.upstreams ? { upstreams: options.upstreams(set.upstream.url) } : {}) : {}
    if (!options.keys && config.PROXY_CONFIG) {
      // keysEnv always writes `keys:`; without named keys the file names none (PROXY_KEY alone).
      config.PROXY_CONFIG = JSON.stringify({ upstreams: options.upstreams!(set.upstream.url) })
    }
    set.env = {
      PROXY_KEY,
      ADMIN_KEY,
      CACHE_SIMILARITY_THRESHOLD: '0.8',
      // PROXY_KEY is one key shared by every test request from 127.0.0.1: no limit unless a test sets one.
      MODEL_RATE_LIMIT: '0',
      ...(set.redis ? { REDIS_URL: typeof options.redisUrl === 'function' ? options.redisUrl(set.redis) : (options.redisUrl ?? set.redis.url) } : {}),
      ...config,
      ...options.env,
    }
    const started = await Promise.allSettled(Array.from({ length: n }, (_, i) => spawnOne(NAMES[i] ?? `R${i}`)))
    for (const outcome of started) if (outcome.status === 'fulfilled') replicas.push(outcome.value)
    const failed = started.find((o) => o.status === 'rejected') as PromiseRejectedResult | undefined
    if (failed) throw failed.reason
    return set
  } catch (error) {
    await set.stop()
    throw error
  }
}

// What the tests send and read.

export interface Answer {
  status: number
  cache: string | null
  match: string | null
  json: any
  headers: Headers
}

/** One chat completion through a replica, with the proxy key given (PROXY_KEY by default). */
export async function ask(replica: Replica | string, content: string, options: { key?: string; extra?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = typeof replica === 'string' ? replica : replica.url
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key ?? PROXY_KEY}`, ...options.headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...options.extra }),
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: response.status, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match'), json, headers: response.headers }
}

/** A call of the admin API on a replica. */
export async function admin(replica: Replica, method: string, path: string, body?: unknown) {
  const response = await fetch(`${replica.url}/admin/keys${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, json: text ? (JSON.parse(text) as any) : undefined }
}

/** GET /stats of a replica. */
export async function statsOf(replica: Replica): Promise<any> {
  return (await fetch(`${replica.url}/stats`)).json()
}

/**
 * Calls `read` until `ok` holds, every `intervalMs`, for at most `timeoutMs`; answers the value and how long
 * it took, or throws with the last value.
 */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, { timeoutMs = 5000, intervalMs = 50 } = {}): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  for (;;) {
    const value = await read()
    const ms = performance.now() - started
    if (ok(value)) return { value, ms }
    if (ms > timeoutMs) throw new Error(`still not as expected after ${timeoutMs} ms: ${JSON.stringify(value)?.slice(0, 500)}`)
    await Bun.sleep(intervalMs)
  }
}

/**
 * Questions that mean what `subject` means for the fake embedding (they differ only in words it ignores),
 * each a different exact key: a semantic lookup that missed stores its own entry, so a poll for a semantic
 * hit must ask a new one each time.
 */
export function paraphrases(subject: string): string[] {
  const openings = ['What is the', 'Tell me the', 'Please tell me the', 'What was the', 'Which is the', 'Can you tell me the', 'Could you tell me the', 'What is', 'Tell me', 'Please, the']
  const endings = ['?', ' please?', '??', ', please.', '!']
  return openings.flatMap((opening) => endings.map((ending) => `${opening} ${subject}${ending}`))
}
