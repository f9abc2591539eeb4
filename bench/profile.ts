// Where proxy-gpt's time goes under load: proxy-gpt run with Bun's sampling profiler (`--cpu-prof-md`)
// while autocannon sends it (c) cache-off requests or (d) exact hits, each in its own process. The markdown
// profile is folded into a short list: each native function is charged to the first caller in our code or a
// library (e.g. SQLite's `run` to `CacheStore.touch`). Throughput under the profiler is not comparable with
// the matrix and is not reported; only the shares are.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, freePort, NODE, type Processes, ROOT, waitForHttp } from './lib/proc'
import { type Endpoint, QUESTION, chatBody, proxyEnv, proxyHeaders } from './servers'

export interface ProfileEntry {
  share: number
  where: string
}

export interface ProfileResult {
  label: string
  samples: number
  top: ProfileEntry[]
}

interface Block {
  name: string
  location: string
  samples: number
  callers: Array<{ name: string; count: number }>
}

function parseBlocks(markdown: string): Block[] {
  const details = markdown.slice(markdown.indexOf('## Function Details'))
  const blocks: Block[] = []
  for (const part of details.split('\n### ').slice(1)) {
    const head = /^`(.*)`\n`(.*)` \| Self: [^|]*\| Total: [^|]*\| Samples: (\d+)/.exec(part)
    if (!head) continue
    const calledBy = /\*\*Called by:\*\*\n((?:- .*\n?)*)/.exec(part)?.[1] ?? ''
    const callers = [...calledBy.matchAll(/- `(.*)` \((\d+)\)/g)].map((m) => ({ name: m[1]!, count: Number(m[2]) }))
    blocks.push({ name: head[1]!, location: head[2]!, samples: Number(head[3]), callers })
  }
  return blocks
}

const ours = (location: string) => location.includes('/src/') || location.includes('/node_modules/')
const short = (location: string) => location.replace(/^.*?\/(src|node_modules)\//, '$1/')

/** Folds a --cpu-prof-md profile into its biggest costs, native functions charged to a caller we can name. */
export function foldProfile(markdown: string, label: string, limit = 60): ProfileResult {
  const blocks = parseBlocks(markdown)
  const byName = new Map<string, Block[]>()
  for (const block of blocks) byName.set(block.name, [...(byName.get(block.name) ?? []), block])
  const total = blocks.reduce((sum, b) => sum + b.samples, 0)
  const charged = new Map<string, number>()
  for (const block of blocks) {
    if (block.samples === 0) continue
    let where = ours(block.location) ? `\`${block.name}\` ${short(block.location)}` : `\`${block.name}\` (native)`
    if (!ours(block.location)) {
      // Walk up the dominant callers (at most four steps) to the first frame in our code or a library.
      let current: Block | undefined = block
      const chain: string[] = []
      for (let depth = 0; depth < 4 && current && !ours(current.location); depth++) {
        const caller: { name: string; count: number } | undefined = [...current.callers].sort((x, y) => y.count - x.count)[0]
        // Only when the recorded calls account for most of the samples; otherwise the caller is unknown.
        if (!caller || caller.count < current.samples * 0.5) break
        current = (byName.get(caller.name) ?? []).sort((x, y) => (ours(y.location) ? 1 : 0) - (ours(x.location) ? 1 : 0))[0]
        chain.push(current && ours(current.location) ? `\`${caller.name}\` ${short(current.location)}` : `\`${caller.name}\``)
      }
      where = chain.length ? `\`${block.name}\` (native) ← ${chain.join(' ← ')}` : `\`${block.name}\` (native; no JS caller recorded: event loop, sockets, streams, GC)`
    }
    charged.set(where, (charged.get(where) ?? 0) + block.samples)
  }
  const top = [...charged.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, samples]) => ({ where, share: samples / total }))
  return { label, samples: total, top }
}

export async function profileProxy(procs: Processes, upstream: Endpoint, durationS: number, progress: (line: string) => void): Promise<ProfileResult[]> {
  const results: ProfileResult[] = []
  for (const [label, cache] of [
    ['(c) cache off', 'false'],
    ['(d) exact hits', 'true'],
  ] as const) {
    const dir = procs.tempDir('proxy-gpt-bench-profile-')
    const port = freePort()
    const child = procs.spawn(`proxy-gpt-profiled-${cache}`, [BUN, '--cpu-prof-md', `--cpu-prof-dir=${dir}`, join(ROOT, 'src/index.ts')], {
      cwd: dir,
      port,
      env: proxyEnv(upstream, port, dir, { CACHE_ALLOWED: cache }),
    })
    const url = `http://127.0.0.1:${port}`
    await waitForHttp(procs, child, `${url}/health`)
    await (await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: proxyHeaders, body: chatBody(QUESTION, false) })).text()
    const spec = { mode: 'cannon', url: `${url}/v1/chat/completions`, method: 'POST', headers: proxyHeaders, body: chatBody(QUESTION, false), connections: 32, durationS, warmupS: 0.5 }
    await procs.run([NODE, join(ROOT, 'bench/load.mjs'), JSON.stringify(spec)])
    await procs.stop(child) // SIGTERM: proxy-gpt exits cleanly and Bun writes the profile
    const file = readdirSync(dir).find((name) => name.endsWith('.md'))
    if (!file) {
      progress(`no profile was written for ${label}; skipped`)
      continue
    }
    const folded = foldProfile(readFileSync(join(dir, file), 'utf8'), label)
    results.push(folded)
    progress(`${label}: ${folded.top.slice(0, 4).map((e) => `${(e.share * 100).toFixed(0)}% ${e.where}`).join('; ')}`)
  }
  return results
}

/** What a share of the profile is spent on, and what would cut it; matched on the folded entries. */
const CATEGORIES: Array<{ test: RegExp; what: string; fix?: string }> = [
  { test: /`touch`|#run/, what: 'hit bookkeeping (`CacheStore.touch`; hit counts are written to SQLite in batches)' },
  { test: /hot-answers|replay-template/, what: 'the answers kept hot (recognising the request by its bytes, joining the rendered answer around a fresh id)' },
  { test: /getByKey|getById|`live`|unpackVector|typedArrayViewTypedArrayFromFast/, what: 'reading the cached row from SQLite (by key, without the embedding) and JSON.parse of the answer', fix: 'serve more hits from the answers kept hot in memory, without reading SQLite' },
  { test: /pipeline\/hit\.ts|sse\/replay/, what: "building a hit's response (the rendered answer in a new `Response` with its headers)" },
  { test: /readBodyText/, what: 'reading the request body', fix: 'read bodies with a declared Content-Length natively (`await request.text()`)' },
  { test: /tapStream|onReadStreamIntoSinkClose|getReader/, what: 'piping the upstream body through a JavaScript `ReadableStream` (`tapStream`)', fix: 'hand the upstream body to the client untouched when nothing needs to watch it (no cache capture, not SSE), and learn its end another way' },
  { test: /onRSDefaultController|`pull`/, what: 'JavaScript `ReadableStream` machinery with no frame recorded (the request-body iterator or the response tap)', fix: 'keep JavaScript streams off the hot path: native body reads, upstream bodies handed over untouched' },
  { test: /`log`|accessLogLine|toISOString/, what: 'the access-log line (formatting it; lines reach stdout in 100 ms batches)' },
  { test: /prom-client|stats\.ts|src\/stats\//, what: 'statistics and metrics (totals for /stats kept in memory per request; histograms and counters counted per label set, handed to prom-client at scrape time)', fix: 'count fewer totals per request (one record of the request instead of one Map entry per figure), or sample the latency figures' },
  { test: /keys\.ts|`update`|`digest`|Hash/, what: 'cache keys (canonical JSON and hashes of the exact key and the partition)' },
  { test: /gate\.ts|timingSafeEqual|key-ring/, what: 'the key check (hash of the presented key, looked up in the key ring)' },
  { test: /cors\.ts|withHeaders/, what: 'CORS and request-id headers (added to every response by the server wrapper)' },
  { test: /elysia|memoirist/, what: 'Elysia routing, hooks and header merging' },
  { test: /upstream\/headers/, what: 'filtering headers to and from the upstream' },
  { test: /`fetch`.*client\.ts|upstream\/client|`any`/, what: 'the upstream `fetch` (the floor pays it too)' },
  { test: /\(anonymous\)` \(native; no JS caller/, what: 'native work with no JavaScript frame (event loop, sockets, garbage collection)' },
]

export interface Cost {
  what: string
  fix?: string
  share: number
}

/** The profile's entries grouped into what they are spent on, largest first; unmatched entries are left out. */
export function costs(profile: ProfileResult): Cost[] {
  const totals = new Map<(typeof CATEGORIES)[number], number>()
  for (const entry of profile.top) {
    const category = CATEGORIES.find((c) => c.test.test(entry.where))
    if (category) totals.set(category, (totals.get(category) ?? 0) + entry.share)
  }
  return [...totals.entries()].map(([c, share]) => ({ what: c.what, fix: c.fix, share })).sort((a, b) => b.share - a.share)
}
