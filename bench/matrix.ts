// Items 1 and 2: the proxy-overhead matrix (targets a–f × JSON/stream × 1 and N connections, autocannon)
// and time to first byte of a stream.

import { join } from 'node:path'
import { NODE, type Processes, ROOT } from './lib/proc'
import { cpuSeconds, median, rssMiB, type Summary } from './lib/stats'
import { profileProxy, type ProfileResult } from './profile'
import {
  type Endpoint,
  PARAPHRASE,
  QUESTION,
  chatBody,
  portkeyHeaders,
  proxyHeaders,
  startFloor,
  startPortkey,
  startProxy,
  startUpstream,
  upstreamHeaders,
} from './servers'

export type TargetId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f'
export type Mode = 'json' | 'stream'

export const TARGET_LABELS: Record<TargetId, string> = {
  a: '(a) upstream, direct',
  b: '(b) floor: ~30-line Bun.serve forwarder',
  c: '(c) proxy-gpt, cache off',
  d: '(d) proxy-gpt, exact hits',
  e: '(e) proxy-gpt, semantic hits (+1 loopback embedding call)',
  f: '(f) Portkey gateway 1.15.2 (under Bun)',
}

interface Target {
  id: TargetId
  /** The process whose CPU time is charged to this target (for (a), the upstream itself). */
  pid: number
  url: string
  headers: Record<string, string>
  question: string
  /** Checked on one request before the load: the target answers what it is supposed to. */
  expect?: { header: string; value: string }
}

export interface MatrixOptions {
  latencyMs: number
  connections: number[]
  warmupS: number
  durationS: number
  rounds: number
  ttfbRounds: number
  profileS: number
}

export interface CellResult {
  target: TargetId
  mode: Mode
  connections: number
  rounds: Array<{ rps: number; latency: Summary; non2xx: number; errors: number; cpuUs: number; systemUs: number; upstreamCpuUs: number }>
  /** Medians over the rounds. */
  rps: number
  p50: number
  p99: number
  /** CPU time of the target's own process per request (user + system, µs), and of the upstream behind it. */
  cpuUs: number
  /** Of which in the kernel (system time): sockets, writes. */
  systemUs: number
  upstreamCpuUs: number
}

export interface TtfbResult {
  name: TargetId
  ttfb: Summary
  total: Summary
}

export interface MatrixResult {
  options: MatrixOptions
  cells: CellResult[]
  ttfb: TtfbResult[]
  rssMiB: Record<string, number>
  /** Where proxy-gpt's time goes under (c) and (d) load, from Bun's sampling profiler. */
  profile: ProfileResult[]
  /** What one streamed and one JSON request through Portkey under Node 20 gave (why (f) runs under Bun). */
  portkeyOnNode: { json: string; stream: string; node: string }
}

async function check(target: Target, mode: Mode) {
  const response = await fetch(`${target.url}/v1/chat/completions`, { method: 'POST', headers: target.headers, body: chatBody(target.question, mode === 'stream') })
  const text = await response.text()
  if (response.status !== 200 || !text.includes('Echo: ') || (mode === 'stream' && !text.includes('[DONE]'))) {
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

export async function runMatrix(procs: Processes, options: MatrixOptions, progress: (line: string) => void): Promise<MatrixResult> {
  progress('starting servers: fake upstream, floor forwarder, proxy-gpt (cache off), proxy-gpt (cache on), Portkey under Bun')
  const upstream = await startUpstream(procs, options.latencyMs)
  const [floor, cacheOff, cacheOn, portkey] = await Promise.all([
    startFloor(procs, upstream),
    startProxy(procs, upstream, 'proxy-gpt-cache-off', { CACHE_ALLOWED: 'false' }),
    startProxy(procs, upstream, 'proxy-gpt-cache-on', { CACHE_ALLOWED: 'true' }),
    startPortkey(procs),
  ])
  const chat = (endpoint: Endpoint) => endpoint.url
  const targets: Target[] = [
    { id: 'a', pid: upstream.child.pid, url: chat(upstream), headers: upstreamHeaders, question: QUESTION },
    { id: 'b', pid: floor.child.pid, url: chat(floor), headers: proxyHeaders, question: QUESTION },
    { id: 'c', pid: cacheOff.child.pid, url: chat(cacheOff), headers: proxyHeaders, question: QUESTION, expect: { header: 'x-cache', value: 'BYPASS' } },
    { id: 'd', pid: cacheOn.child.pid, url: chat(cacheOn), headers: proxyHeaders, question: QUESTION, expect: { header: 'x-cache-match', value: 'exact' } },
    { id: 'e', pid: cacheOn.child.pid, url: chat(cacheOn), headers: proxyHeaders, question: PARAPHRASE, expect: { header: 'x-cache-match', value: 'semantic' } },
    { id: 'f', pid: portkey.child.pid, url: chat(portkey), headers: portkeyHeaders(upstream), question: QUESTION },
  ]

  // The cache learns the question once (a miss, stored with its embedding); every later ask is a hit.
  const warm = await fetch(`${cacheOn.url}/v1/chat/completions`, { method: 'POST', headers: proxyHeaders, body: chatBody(QUESTION, false) })
  if (warm.headers.get('x-cache') !== 'MISS') throw new Error(`warming the cache: x-cache ${warm.headers.get('x-cache')}`)
  await warm.text()
  for (const target of targets) for (const mode of ['json', 'stream'] as const) await check(target, mode)
  progress('every target answers correctly (exact and semantic hits confirmed by their x-cache-match header)')

  const cells: CellResult[] = []
  const total = 2 * options.connections.length * options.rounds * targets.length
  let done = 0
  for (const mode of ['json', 'stream'] as const) {
    for (const connections of options.connections) {
      const perTarget = new Map<TargetId, CellResult['rounds']>()
      // Rounds go through all targets in turn, so slow drifts of a shared machine fall on every target alike.
      for (let round = 0; round < options.rounds; round++) {
        for (const target of targets) {
          const spec = {
            mode: 'cannon',
            url: `${target.url}/v1/chat/completions`,
            method: 'POST',
            headers: target.headers,
            body: chatBody(target.question, mode === 'stream'),
            connections,
            durationS: options.durationS,
            warmupS: options.warmupS,
          }
          const [cpu0, up0] = [cpuSeconds(target.pid), cpuSeconds(upstream.child.pid)]
          const result = JSON.parse(await procs.run([NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify(spec)]))
          const [cpu1, up1] = [cpuSeconds(target.pid), cpuSeconds(upstream.child.pid)]
          const perRequest = (seconds: number) => (seconds / result.allRequests) * 1e6
          const cpuUs = perRequest(cpu1.user + cpu1.system - cpu0.user - cpu0.system)
          const systemUs = perRequest(cpu1.system - cpu0.system)
          const upstreamCpuUs = target.id === 'a' ? 0 : perRequest(up1.user + up1.system - up0.user - up0.system)
          if (result.non2xx > 0 || result.errors > 0 || result.ok === 0) {
            throw new Error(`target ${target.id} ${mode} c=${connections}: ${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors`)
          }
          const list = perTarget.get(target.id) ?? []
          list.push({ rps: result.rps, latency: result.latency, non2xx: result.non2xx, errors: result.errors, cpuUs, systemUs, upstreamCpuUs })
          perTarget.set(target.id, list)
          done++
          progress(
            `[${done}/${total}] ${mode.padEnd(6)} c=${String(connections).padEnd(3)} ${TARGET_LABELS[target.id].padEnd(58)} ` +
              `${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.latency.p50.toFixed(3)} ms  p99 ${result.latency.p99.toFixed(3)} ms  ${cpuUs.toFixed(0).padStart(5)} µs CPU/req`
          )
        }
      }
      for (const [target, rounds] of perTarget) {
        cells.push({
          target,
          mode,
          connections,
          rounds,
          rps: median(rounds.map((r) => r.rps)),
          p50: median(rounds.map((r) => r.latency.p50)),
          p99: median(rounds.map((r) => r.latency.p99)),
          cpuUs: median(rounds.map((r) => r.cpuUs)),
          systemUs: median(rounds.map((r) => r.systemUs)),
          upstreamCpuUs: median(rounds.map((r) => r.upstreamCpuUs)),
        })
      }
    }
  }

  progress(`time to first byte of a stream: ${options.ttfbRounds} sequential requests per target, targets in turn`)
  const ttfbTargets = targets.map((t) => ({ name: t.id, url: `${t.url}/v1/chat/completions`, headers: t.headers, body: chatBody(t.question, true) }))
  const ttfb = JSON.parse(
    await procs.run([NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify({ mode: 'ttfb', targets: ttfbTargets, rounds: options.ttfbRounds, warmup: 20 })])
  ) as TtfbResult[]

  progress('profiling proxy-gpt under (c) and (d) load (bun --cpu-prof-md; throughput under the profiler is not reported)')
  const profile = await profileProxy(procs, upstream, options.profileS, progress)

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
    'Portkey (Bun)': rssMiB(portkey.child.pid),
  }
  for (const endpoint of [portkey, cacheOn, cacheOff, floor, upstream]) await procs.stop(endpoint.child)
  return { options, cells, ttfb, rssMiB: rss, portkeyOnNode, profile }
}
