// Items 1 and 2: the proxy-overhead matrix (targets a–f, and c′–e′ with REDIS_URL, × JSON/stream × 1 and N
// connections, autocannon; and the Responses and Messages cells, responses-cells.ts and messages-cells.ts), the miss cells (a new question with a slow embedder, against cache off) and
// time to first byte of a stream.

import { Database } from 'bun:sqlite'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config/load'
import { type LineServer, NODE, type Processes, ROOT } from './lib/proc'
import { cpuSeconds, median, rssMiB, type Summary } from './lib/stats'
import { profileProxy, type ProfileResult } from './profile'
import { checkMessagesPaths, isMessagesTarget, type MessagesTargetId, messagesRounds, roundsOf, startNative, warmMessages } from './messages-cells'
import { isResponsesTarget, type ResponsesTargetId, startTranslating, warmResponses } from './responses-cells'
import {
  type Ask,
  type Endpoint,
  PARAPHRASE,
  QUESTION,
  chatAsk,
  chatBody,
  messagesAsk,
  messagesHeaders,
  portkeyHeaders,
  proxyHeaders,
  REDIS_ARGS,
  responsesAsk,
  type RedisServer,
  startFloor,
  startPortkey,
  startProxy,
  startRedis,
  startUpstream,
  upstreamHeaders,
} from './servers'

export type TargetId = 'a' | 'b' | 'c' | 'cr' | 'd' | 'dr' | 'e' | 'er' | 'f' | ResponsesTargetId | MessagesTargetId
export type Mode = 'json' | 'stream'

export const TARGET_LABELS: Record<TargetId, string> = {
  a: '(a) upstream, direct',
  b: '(b) floor: ~30-line Bun.serve forwarder',
  c: '(c) proxy-gpt, cache off',
  cr: '(c′) proxy-gpt + Redis, cache off',
  d: '(d) proxy-gpt, exact hits',
  dr: '(d′) proxy-gpt + Redis, exact hits',
  e: '(e) proxy-gpt, semantic hits (+1 loopback embedding call)',
  er: '(e′) proxy-gpt + Redis, semantic hits (+1 embedding call)',
  f: '(f) Portkey gateway 1.15.2 (under Bun)',
  'c-r': '(c-r) proxy-gpt, Responses, cache off (native upstream)',
  'd-r': '(d-r) proxy-gpt, Responses exact hits',
  't-r': '(t-r) proxy-gpt, Responses → chat (openai-chat), cache off',
  'c-m': '(c-m) proxy-gpt, Messages, cache off (native anthropic upstream)',
  't-m': '(t-m) proxy-gpt, Messages → chat (openai), cache off',
  'd-m': '(d-m) proxy-gpt, Messages exact hits',
}

interface Target {
  id: TargetId
  /** The process whose CPU time is charged to this target (for (a), the upstream itself). */
  pid: number
  url: string
  headers: Record<string, string>
  ask: Ask
  /** The upstream behind it, when not the matrix's fake upstream (whose CPU time is counted beside the target's). */
  upstreamPid?: number
  /** Checked on one request before the load: the target answers what it is supposed to. */
  expect?: { header: string; value: string }
  /** The redis-server behind it (REDIS_URL), whose CPU time and commands are counted too. */
  redis?: RedisServer
}

export interface MatrixOptions {
  latencyMs: number
  connections: number[]
  warmupS: number
  durationS: number
  rounds: number
  ttfbRounds: number
  profileS: number
  /** The miss cells: sequential requests per cell (after 2 of warm-up), and the embedders' delays (ms). */
  missRequests: number
  embeddingDelaysMs: number[]
  /** Of the rounds, how many the Responses targets take part in (the middle ones); all when absent. */
  responsesRounds?: number
  /** The same for the Messages targets; with 0 they are not started. */
  messagesRounds?: number
}

export interface CellResult {
  target: TargetId
  mode: Mode
  connections: number
  rounds: Array<{ rps: number; latency: Summary; non2xx: number; errors: number; cpuUs: number; systemUs: number; upstreamCpuUs: number; redisCpuUs?: number; redisCommands?: number }>
  /** Medians over the rounds. */
  rps: number
  p50: number
  p99: number
  /** CPU time of the target's own process per request (user + system, µs), and of the upstream behind it. */
  cpuUs: number
  /** Of which in the kernel (system time): sockets, writes. */
  systemUs: number
  upstreamCpuUs: number
  /** For (c′)–(e′): CPU time of the redis-server per request (user + system, µs), and Redis commands per request. */
  redisCpuUs?: number
  redisCommands?: number
}

/** The redis-server of (c′)–(e′): its version and command line, or why those targets were not measured. */
export interface RedisRun {
  version?: string
  args?: string[]
  skipped?: string
}

export interface TtfbResult {
  name: TargetId
  ttfb: Summary
  total: Summary
}

/**
 * One miss cell: `requests` sequential requests at one connection, each a question never asked before, to
 * (c) cache off (the baseline, `embeddingDelayMs` absent) or to a proxy-gpt with the cache on whose embedder
 * (a fake upstream of its own) answers after `embeddingDelayMs`; chat answers keep the usual wait.
 */
export interface MissCell {
  embeddingDelayMs?: number
  mode: Mode
  latency: Summary
  /** x-cache of every answer, warm-up included (the bench stops unless all are MISS, or BYPASS for (c)). */
  xCache: Record<string, number>
  firstCache: string
}

export interface MissResult {
  /** EMBEDDING_WAIT_MS the proxies ran with (not set: proxy-gpt's default). */
  embeddingWaitMs: number
  requests: number
  warmup: number
  cells: MissCell[]
  /**
   * Per slow embedder: the requests sent (both modes), the answers its proxy stored, and how many of them with
   * their question's vector — read from its cache.sqlite after it stopped (a stop waits for embeddings on their way).
   */
  stored: Array<{ embeddingDelayMs: number; sent: number; entries: number; withVector: number }>
}

export interface MatrixResult {
  options: MatrixOptions
  cells: CellResult[]
  /** Absent in results written before the miss cells existed. */
  misses?: MissResult
  /** Wall time of each stage (s): the autocannon cells, the miss cells, time to first byte, the profiles. Absent in older results. */
  stageSeconds?: { cells: number; misses: number; ttfb: number; profile: number }
  ttfb: TtfbResult[]
  rssMiB: Record<string, number>
  /** Where proxy-gpt's time goes under (c) and (d) load, from Bun's sampling profiler. */
  profile: ProfileResult[]
  /** Absent in results written before (c′)–(e′) existed. */
  redis?: RedisRun
  /** What one streamed and one JSON request through Portkey under Node 20 gave (why (f) runs under Bun). */
  portkeyOnNode: { json: string; stream: string; node: string }
}

async function check(target: Target, mode: Mode) {
  const response = await fetch(`${target.url}${target.ask.path}`, { method: 'POST', headers: target.headers, body: target.ask.body(mode === 'stream') })
  const text = await response.text()
  if (response.status !== 200 || !target.ask.complete(text, mode === 'stream')) {
    throw new Error(`target ${target.id} (${mode}) answered ${response.status}: ${text.slice(0, 300)}`)
  }
  if (target.expect && response.headers.get(target.expect.header) !== target.expect.value) {
    throw new Error(`target ${target.id} (${mode}): ${target.expect.header} is ${response.headers.get(target.expect.header)}, expected ${target.expect.value}`)
  }
}

async function tryOnce(url: string, headers: Record<string, string>, stream: boolean): Promise<string> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: chatBody(QUESTION, stream), signal: AbortSignal.timeout(10_000) })
    const text = await response.text()
    const complete = stream ? text.includes('[DONE]') : text.includes('Echo: ')
    return complete ? `HTTP ${response.status}, complete answer` : `HTTP ${response.status}: ${text.slice(0, 100).replace(/\s+/g, ' ')}`
  } catch (error) {
    return `no answer (${(error as Error).name})`
  }
}

type Round = CellResult['rounds'][number]

/** One cell of one target: autocannon in the load generator's Node process, with the CPU time of the servers behind it. */
async function measure(load: LineServer, target: Target, upstreamPid: number, spec: object): Promise<Round & { ok: number }> {
  const pids = [target.pid, target.upstreamPid ?? upstreamPid, target.redis?.child.pid ?? 0]
  const [before, commands0] = [pids.map(cpuSeconds), await target.redis?.commands()]
  const result = JSON.parse(await load.ask(JSON.stringify(spec)))
  if (result.error) throw new Error(`the load generator failed: ${result.error}`)
  const [after, commands1] = [pids.map(cpuSeconds), await target.redis?.commands()]
  const perRequest = (seconds: number) => (seconds / result.allRequests) * 1e6
  const used = (i: number) => perRequest(after[i]!.user + after[i]!.system - before[i]!.user - before[i]!.system)
  return {
    rps: result.rps,
    latency: result.latency,
    non2xx: result.non2xx,
    errors: result.errors,
    ok: result.ok,
    cpuUs: used(0),
    systemUs: perRequest(after[0]!.system - before[0]!.system),
    upstreamCpuUs: target.id === 'a' ? 0 : used(1),
    ...(target.redis ? { redisCpuUs: used(2), redisCommands: (commands1! - commands0!) / result.allRequests } : {}),
  }
}

const MISS_WARMUP = 2

/**
 * What a miss costs over cache off when the embedder is slow: for each delay, a fake upstream whose embeddings
 * wait that long and a proxy-gpt (cache on) in front of it; every request a new question (nothing to hit exactly
 * or by meaning). The lookup waits at most EMBEDDING_WAIT_MS for the embedding, then the request goes upstream.
 */
async function measureMisses(procs: Processes, options: MatrixOptions, cacheOff: Endpoint, progress: (line: string) => void): Promise<MissResult> {
  const embeddingWaitMs = loadConfig({ OPENAI_KEY: 'sk-bench', PROXY_KEY: 'bench' }).embeddingWaitMs
  progress(
    `a miss against a slow embedder: fake upstreams whose embeddings wait ${options.embeddingDelaysMs.join(' and ')} ms (chat ${options.latencyMs} ms), ` +
      `a proxy-gpt with the cache on in front of each (EMBEDDING_WAIT_MS not set: ${embeddingWaitMs} ms); ${options.missRequests} sequential new questions per cell, against (c) cache off`
  )
  const slow = await Promise.all(
    options.embeddingDelaysMs.map(async (delay) => {
      const upstream = await startUpstream(procs, options.latencyMs, delay)
      const proxy = await startProxy(procs, upstream, `proxy-gpt-miss-embeddings-${delay}ms`, { CACHE_ALLOWED: 'true' })
      return { delay, upstream, proxy }
    })
  )
  const targets = [
    { delay: undefined as number | undefined, url: cacheOff.url, expect: ['BYPASS'], tag: 'c' },
    ...slow.map((s) => ({ delay: s.delay as number | undefined, url: s.proxy.url, expect: ['MISS'], tag: `m${s.delay}` })),
  ]
  const cells: MissCell[] = []
  for (const mode of ['json', 'stream'] as const) {
    for (const target of targets) {
      const spec = {
        mode: 'unique',
        url: `${target.url}/v1/chat/completions`,
        headers: proxyHeaders,
        // Two content words of its own per request: far in meaning from every other question, as well as new.
        bodyTemplate: chatBody('Tell me about {n}q and {n}z', mode === 'stream'),
        prefix: `${mode[0]}${target.tag}x`,
        warmup: MISS_WARMUP,
        count: options.missRequests,
        expectCache: target.expect,
      }
      const result = JSON.parse(await procs.run([NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify(spec)])) as Omit<MissCell, 'mode' | 'embeddingDelayMs'>
      cells.push({ embeddingDelayMs: target.delay, mode, latency: result.latency, xCache: result.xCache, firstCache: result.firstCache })
      progress(
        `${mode.padEnd(6)} c=1  ${target.delay === undefined ? '(c) cache off, new questions' : `miss, embedder ${target.delay} ms`}`.padEnd(50) +
          `p50 ${result.latency.p50.toFixed(3)} ms  p99 ${result.latency.p99.toFixed(3)} ms  (x-cache ${Object.entries(result.xCache).map(([k, v]) => `${k} ${v}`).join(', ')})`
      )
    }
  }
  const stored: MissResult['stored'] = []
  for (const { delay, upstream, proxy } of slow) {
    await procs.stop(proxy.child) // SIGTERM: proxy-gpt waits for the embeddings still on their way, stores them, exits
    await procs.stop(upstream.child)
    const db = new Database(join(proxy.dataDir!, 'cache.sqlite'))
    const row = db.query<{ entries: number; withVector: number }, []>('SELECT count(*) AS entries, count(embedding) AS withVector FROM entries').get()!
    db.close()
    stored.push({ embeddingDelayMs: delay, sent: 2 * (MISS_WARMUP + options.missRequests), entries: row.entries, withVector: row.withVector })
    progress(`embedder ${delay} ms: ${row.entries} answers stored for ${2 * (MISS_WARMUP + options.missRequests)} new questions, ${row.withVector} of them with their vector`)
  }
  return { embeddingWaitMs, requests: options.missRequests, warmup: MISS_WARMUP, cells, stored }
}

export async function runMatrix(procs: Processes, options: MatrixOptions, progress: (line: string) => void): Promise<MatrixResult> {
  const started = await startRedis(procs)
  const redis = typeof started === 'string' ? undefined : started
  const redisRun: RedisRun = redis ? { version: redis.version, args: REDIS_ARGS } : { skipped: started as string }
  progress(
    'starting servers: fake upstream, floor forwarder, proxy-gpt (cache off), proxy-gpt (cache on), Portkey under Bun' +
      (redis ? `, and with REDIS_URL to redis-server ${redis.version} (port ${redis.child.port}, no persistence): proxy-gpt (cache off), proxy-gpt (cache on)` : '')
  )
  if (!redis) progress(`(c′), (d′), (e′) skipped: ${started}`)
  const upstream = await startUpstream(procs, options.latencyMs)
  progress('and for the Responses cells: a chat-only fake upstream (404 on /v1/responses) and a proxy-gpt (cache off) in front of it as provider: openai-chat')
  const translating = await startTranslating(procs, options.latencyMs)
  const withMessages = messagesRounds(options).length > 0
  if (withMessages) progress('and for the Messages cells: a proxy-gpt (cache off) whose upstream is the fake upstream as provider: anthropic')
  const native = withMessages ? await startNative(procs, upstream) : undefined
  const withRedis = (name: string, env: Record<string, string>) => (redis ? startProxy(procs, upstream, name, { ...env, REDIS_URL: redis.url }) : undefined)
  const [floor, cacheOff, cacheOn, portkey, redisOff, redisOn] = await Promise.all([
    startFloor(procs, upstream),
    startProxy(procs, upstream, 'proxy-gpt-cache-off', { CACHE_ALLOWED: 'false' }),
    startProxy(procs, upstream, 'proxy-gpt-cache-on', { CACHE_ALLOWED: 'true' }),
    startPortkey(procs),
    withRedis('proxy-gpt-redis-cache-off', { CACHE_ALLOWED: 'false' }),
    withRedis('proxy-gpt-redis-cache-on', { CACHE_ALLOWED: 'true' }),
  ])
  for (const replica of [redisOff, redisOn]) {
    // A replica that cannot reach Redis serves from its own memory: that would not be what is measured.
    if (replica && !readFileSync(replica.child.log, 'utf8').includes('redis: connected')) {
      throw new Error(`${replica.child.name} did not connect to ${redis!.url}:\n${procs.logTail(replica.child)}`)
    }
  }
  const proxy = (id: TargetId, endpoint: Endpoint | undefined, ask: Ask, expect: Target['expect'], via?: RedisServer): Target[] =>
    endpoint ? [{ id, pid: endpoint.child.pid, url: endpoint.url, headers: proxyHeaders, ask, expect, redis: via }] : []
  const bypass = { header: 'x-cache', value: 'BYPASS' }
  const exact = { header: 'x-cache-match', value: 'exact' }
  const semantic = { header: 'x-cache-match', value: 'semantic' }
  // Each Redis target next to its SQLite one, in the rotation and in the tables.
  // The Responses targets next to their chat ones too: the same proxies, sent the same question as a Responses request.
  const [chat, responses, messages] = [chatAsk(QUESTION), responsesAsk(QUESTION), messagesAsk(QUESTION)]
  // The Messages targets send the proxy key as the Anthropic SDK does; (t-m) and (d-m) are (c)'s and (d)'s proxies.
  const anthropic = (id: TargetId, endpoint: Endpoint | undefined, expect: Target['expect']): Target[] =>
    endpoint && withMessages ? [{ id, pid: endpoint.child.pid, url: endpoint.url, headers: messagesHeaders, ask: messages, expect }] : []
  const targets: Target[] = [
    { id: 'a', pid: upstream.child.pid, url: upstream.url, headers: upstreamHeaders, ask: chat },
    { id: 'b', pid: floor.child.pid, url: floor.url, headers: proxyHeaders, ask: chat },
    ...proxy('c', cacheOff, chat, bypass),
    ...proxy('cr', redisOff, chat, bypass, redis),
    ...proxy('c-r', cacheOff, responses, bypass),
    { id: 't-r', pid: translating.proxy.child.pid, url: translating.proxy.url, headers: proxyHeaders, ask: responses, expect: bypass, upstreamPid: translating.upstream.child.pid },
    ...anthropic('c-m', native, bypass),
    ...anthropic('t-m', cacheOff, bypass),
    ...proxy('d', cacheOn, chat, exact),
    ...proxy('dr', redisOn, chat, exact, redis),
    ...proxy('d-r', cacheOn, responses, exact),
    ...anthropic('d-m', cacheOn, exact),
    ...proxy('e', cacheOn, chatAsk(PARAPHRASE), semantic),
    ...proxy('er', redisOn, chatAsk(PARAPHRASE), semantic, redis),
    { id: 'f', pid: portkey.child.pid, url: portkey.url, headers: portkeyHeaders(upstream), ask: chat },
  ]

  // Each cache learns the question once (a miss, stored with its embedding); every later ask is a hit.
  for (const endpoint of [cacheOn, redisOn]) {
    if (!endpoint) continue
    const warm = await fetch(`${endpoint.url}/v1/chat/completions`, { method: 'POST', headers: proxyHeaders, body: chatBody(QUESTION, false) })
    if (warm.headers.get('x-cache') !== 'MISS') throw new Error(`warming ${endpoint.child.name}: x-cache ${warm.headers.get('x-cache')}`)
    await warm.text()
  }
  await warmResponses(cacheOn)
  if (native) {
    await checkMessagesPaths(native, cacheOff)
    await warmMessages(cacheOn)
  }
  for (const target of targets) for (const mode of ['json', 'stream'] as const) await check(target, mode)
  progress('every target answers correctly (exact and semantic hits confirmed by their x-cache-match header)')

  const cells: CellResult[] = []
  const stageStart = performance.now()
  // One Node process runs every cell in turn (a process per cell spent ~0.3 s a cell starting Node and autocannon).
  const load = procs.lineServer('load-generator', [NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify({ mode: 'serve' })])
  const stage = () => (performance.now() - stageStart) / 1000
  const inRound = (target: Target, round: number) => roundsOf(target.id, options).includes(round)
  const total = 2 * options.connections.length * targets.reduce((n, t) => n + roundsOf(t.id, options).length, 0)
  let done = 0
  for (const mode of ['json', 'stream'] as const) {
    for (const connections of options.connections) {
      const perTarget = new Map<TargetId, Round[]>()
      // Rounds go through all targets in turn, so slow drifts of a shared machine fall on every target alike.
      for (let round = 0; round < options.rounds; round++) {
        for (const target of targets) {
          if (!inRound(target, round)) continue
          const spec = {
            mode: 'cannon',
            url: `${target.url}${target.ask.path}`,
            method: 'POST',
            headers: target.headers,
            body: target.ask.body(mode === 'stream'),
            connections,
            durationS: options.durationS,
            warmupS: options.warmupS,
          }
          const { ok, ...result } = await measure(load, target, upstream.child.pid, spec)
          if (result.non2xx > 0 || result.errors > 0 || ok === 0) {
            throw new Error(`target ${target.id} ${mode} c=${connections}: ${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors`)
          }
          perTarget.set(target.id, [...(perTarget.get(target.id) ?? []), result])
          done++
          progress(
            `[${done}/${total}] ${mode.padEnd(6)} c=${String(connections).padEnd(3)} ${TARGET_LABELS[target.id].padEnd(58)} ` +
              `${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50.toFixed(3)} ms  p99 ${result.latency.p99.toFixed(3)} ms  ${result.cpuUs.toFixed(0).padStart(5)} µs CPU/req` +
              (result.redisCpuUs === undefined ? '' : ` + ${result.redisCpuUs.toFixed(0)} µs in redis-server (${result.redisCommands!.toFixed(1)} commands/req)`)
          )
        }
      }
      for (const [target, rounds] of perTarget) {
        const of = (pick: (r: Round) => number | undefined) => (rounds[0] && pick(rounds[0]) !== undefined ? median(rounds.map((r) => pick(r)!)) : undefined)
        cells.push({
          target,
          mode,
          connections,
          rounds,
          rps: of((r) => r.rps)!,
          p50: of((r) => r.latency.p50)!,
          p99: of((r) => r.latency.p99)!,
          cpuUs: of((r) => r.cpuUs)!,
          systemUs: of((r) => r.systemUs)!,
          upstreamCpuUs: of((r) => r.upstreamCpuUs)!,
          redisCpuUs: of((r) => r.redisCpuUs),
          redisCommands: of((r) => r.redisCommands),
        })
      }
    }
  }

  await load.close()
  const cellsSeconds = stage()
  const misses = await measureMisses(procs, options, cacheOff, progress)
  const missesSeconds = stage() - cellsSeconds

  progress(`time to first byte of a stream: ${options.ttfbRounds} sequential requests per target, targets in turn`)
  const ttfbTargets = targets
    .filter((t) => !isResponsesTarget(t.id) && !isMessagesTarget(t.id))
    .map((t) => ({ name: t.id, url: `${t.url}${t.ask.path}`, headers: t.headers, body: t.ask.body(true) }))
  const ttfb = JSON.parse(
    await procs.run([NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify({ mode: 'ttfb', targets: ttfbTargets, rounds: options.ttfbRounds, warmup: 20 })])
  ) as TtfbResult[]

  const ttfbSeconds = stage() - cellsSeconds - missesSeconds
  progress('profiling proxy-gpt under (c) and (d) load (bun --cpu-prof-md; throughput under the profiler is not reported)')
  const profile = await profileProxy(procs, upstream, options.profileS, progress)
  const stageSeconds = { cells: cellsSeconds, misses: missesSeconds, ttfb: ttfbSeconds, profile: stage() - cellsSeconds - missesSeconds - ttfbSeconds }

  progress('the same requests through Portkey under Node (not measured; only to record why it runs under Bun)')
  const onNode = await startPortkey(procs, 'node')
  const portkeyOnNode = {
    json: await tryOnce(onNode.url, portkeyHeaders(upstream), false),
    stream: await tryOnce(onNode.url, portkeyHeaders(upstream), true),
    node: Bun.spawnSync([NODE, '--version']).stdout.toString().trim(),
  }
  await procs.stop(onNode.child)
  progress(`Portkey on Node ${portkeyOnNode.node}: JSON ${portkeyOnNode.json}; stream ${portkeyOnNode.stream}`)

  const rss: Record<string, number> = {
    'fake upstream': rssMiB(upstream.child.pid),
    'floor forwarder': rssMiB(floor.child.pid),
    'proxy-gpt, cache off': rssMiB(cacheOff.child.pid),
    'proxy-gpt, cache on': rssMiB(cacheOn.child.pid),
    ...(redis && redisOff && redisOn
      ? { 'proxy-gpt + Redis, cache off': rssMiB(redisOff.child.pid), 'proxy-gpt + Redis, cache on': rssMiB(redisOn.child.pid), 'redis-server': rssMiB(redis.child.pid) }
      : {}),
    'Portkey (Bun)': rssMiB(portkey.child.pid),
    'proxy-gpt, Responses → chat': rssMiB(translating.proxy.child.pid),
    ...(native ? { 'proxy-gpt, Messages to an anthropic upstream': rssMiB(native.child.pid) } : {}),
  }
  for (const endpoint of [portkey, redisOn, redisOff, native, translating.proxy, translating.upstream, cacheOn, cacheOff, floor, upstream]) if (endpoint) await procs.stop(endpoint.child)
  if (redis) {
    redis.close()
    await procs.stop(redis.child)
  }
  return { options, cells, misses, stageSeconds, ttfb, rssMiB: rss, redis: redisRun, portkeyOnNode, profile }
}
