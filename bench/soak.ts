// Item 4: resident memory of proxy-gpt under a soak of mixed traffic (see bench/soak-client.ts for the mix).

import { join } from 'node:path'
import { BUN, cleanEnv, type Processes, ROOT } from './lib/proc'
import { rssMiB } from './lib/stats'
import { PROXY_KEY, startProxy, startUpstream } from './servers'

export interface SoakOptions {
  latencyMs: number
  durationS: number
  warmupS: number
  concurrency: number
  /** CACHE_MAX_ENTRIES: small, so the cache is full and evicting through the whole soak. */
  maxEntries: number
  pool: number
}

export interface SoakResult {
  options: SoakOptions
  rssIdleMiB: number
  samples: Array<{ t: number; rssMiB: number }>
  rssAfterIdleMiB: number
  traffic: {
    seconds: number
    requests: number
    rps: number
    counts: Record<string, { total: number; unexpected: number; failed: number; seen: Record<string, number> }>
  }
}

export async function runSoak(procs: Processes, options: SoakOptions, progress: (line: string) => void): Promise<SoakResult> {
  const upstream = await startUpstream(procs, options.latencyMs)
  const proxy = await startProxy(procs, upstream, 'proxy-gpt-soak', { CACHE_ALLOWED: 'true', CACHE_MAX_ENTRIES: String(options.maxEntries) })
  const rssIdle = rssMiB(proxy.child.pid)
  const client = (spec: object) => procs.run([BUN, join(ROOT, 'bench/soak-client.ts'), JSON.stringify({ url: proxy.url, key: PROXY_KEY, pool: options.pool, ...spec })], { env: cleanEnv({}) })

  const seeded = JSON.parse(await client({ phase: 'seed' }))
  if (seeded.stored !== options.pool) throw new Error(`soak: only ${seeded.stored} of ${options.pool} questions were stored`)
  progress(`seeded ${options.pool} questions; ${options.warmupS}s of the same mix to fill the cache (${options.maxEntries} entries) and settle`)
  const warm = JSON.parse(await client({ phase: 'mix', durationS: options.warmupS, concurrency: options.concurrency, firstNew: 1_000_000, seed: 1 }))

  const samples: SoakResult['samples'] = []
  const started = performance.now()
  const sample = () => samples.push({ t: (performance.now() - started) / 1000, rssMiB: rssMiB(proxy.child.pid) })
  sample()
  progress(`${options.durationS}s of mixed traffic, ${options.concurrency} concurrent clients; resident memory at start ${samples[0]!.rssMiB.toFixed(1)} MiB`)
  const running = client({ phase: 'mix', durationS: options.durationS, concurrency: options.concurrency, firstNew: warm.nextNew, seed: 2 })
  // Every 2 s for the trend (a garbage-collected heap saws up and down); every 10 s shown as progress.
  let ticks = 0
  const timer = setInterval(() => {
    sample()
    if (++ticks % 5 !== 0) return
    const last = samples[samples.length - 1]!
    progress(`${last.t.toFixed(0)}s, resident memory ${last.rssMiB.toFixed(1)} MiB`)
  }, 2_000)
  let traffic
  try {
    traffic = JSON.parse(await running)
  } finally {
    clearInterval(timer)
  }
  sample()
  await Bun.sleep(5000)
  const rssAfterIdle = rssMiB(proxy.child.pid)
  await procs.stop(proxy.child)
  await procs.stop(upstream.child)
  return { options, rssIdleMiB: rssIdle, samples, rssAfterIdleMiB: rssAfterIdle, traffic }
}
