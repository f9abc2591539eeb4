// The load generator side of the bench, run under Node (autocannon is a Node tool), one process per call so
// it never shares an event loop with a server it measures. Plain JavaScript: Node 20 runs no TypeScript.
//
//   node bench/load.mjs '<json spec>'    → one JSON line on stdout
//   node bench/load.mjs '{"mode":"serve"}'  → reads one "cannon" spec a line on stdin, answers each with one JSON
//                                          line: the matrix's cells in one process, so that a cell does not pay
//                                          Node's start-up and autocannon's import (~0.3 s) on top of its load
//
// mode "cannon": autocannon against one URL for `durationS` seconds with `connections` keep-alive
//   connections (after `warmupS` seconds of the same load, discarded). Latency is every 2xx response's own
//   time, recorded at full precision from autocannon's 'response' event — its built-in histogram keeps whole
//   milliseconds only, too coarse for sub-millisecond overheads.
// mode "ttfb": sequential requests, one keep-alive connection per target, targets taken in turn so that noise
//   hits them all alike; time to the first body byte and to the end of the body.
// mode "unique": `warmup` + `count` sequential requests over one keep-alive connection, each with its own
//   body: every "{n}" in `bodyTemplate` becomes `${prefix}${i}`, so no two requests ask the same question.
//   Time to the end of the body of each measured request, and the x-cache header of every answer (all of
//   them, the warm-up included, must be one of `expectCache`). For the miss cells: each request is new.

import autocannon from 'autocannon'
import http from 'node:http'
import readline from 'node:readline'

const spec = JSON.parse(process.argv[2])

function summarize(samples) {
  const sorted = Float64Array.from(samples).sort()
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), mean: sorted.length ? sum / sorted.length : NaN, max: sorted.length ? sorted[sorted.length - 1] : NaN }
}

function cannon({ url, method, headers, body, connections, durationS }, record) {
  return new Promise((resolve, reject) => {
    const times = []
    // autocannon acts on the end of `duration` only at its next sample (sampleInt, 1 s by default), which
    // rounded every warm-up and cell up to whole seconds; sampling every 50 ms makes them last what they say.
    const instance = autocannon({ url, method, headers, body, connections, duration: durationS, sampleInt: 50, pipelining: 1, timeout: 10 }, (error, result) =>
      error ? reject(error) : resolve({ result, times })
    )
    if (record) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) times.push(responseTime)
      })
    }
  })
}

async function cannonCell(spec) {
  const warm = spec.warmupS > 0 ? (await cannon({ ...spec, durationS: spec.warmupS }, false)).result : undefined
  const { result, times } = await cannon(spec, true)
  const seconds = result.duration // measured by autocannon, slightly above durationS
  return {
    ok: times.length,
    // Every request answered in this cell (warm-up included), to divide a server's CPU time by.
    allRequests: result.requests.total + (warm?.requests.total ?? 0),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: times.length / seconds,
    latency: summarize(times),
  }
}

async function runCannon() {
  console.log(JSON.stringify(await cannonCell(spec)))
}

async function serve() {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue
    try {
      console.log(JSON.stringify(await cannonCell(JSON.parse(line))))
    } catch (error) {
      console.log(JSON.stringify({ error: String(error?.stack ?? error) }))
    }
  }
}

function once(agent, target, onHeaders) {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url)
    const started = process.hrtime.bigint()
    let first
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) } },
      (response) => {
        onHeaders?.(response)
        let text = ''
        if (onHeaders) response.setEncoding('utf8')
        response.on('data', (chunk) => {
          if (onHeaders) text += chunk
          first ??= process.hrtime.bigint()
        })
        response.on('end', () => {
          const end = process.hrtime.bigint()
          if (response.statusCode !== 200) return reject(new Error(`${target.name}: HTTP ${response.statusCode}`))
          resolve({ ttfb: Number(first - started) / 1e6, total: Number(end - started) / 1e6, text })
        })
        response.on('error', reject)
      }
    )
    request.on('error', reject)
    request.end(target.body)
  })
}

async function runTtfb() {
  const agents = spec.targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }))
  const samples = spec.targets.map(() => ({ ttfb: [], total: [] }))
  for (let round = 0; round < spec.warmup + spec.rounds; round++) {
    for (let i = 0; i < spec.targets.length; i++) {
      const { ttfb, total } = await once(agents[i], spec.targets[i])
      if (round < spec.warmup) continue
      samples[i].ttfb.push(ttfb)
      samples[i].total.push(total)
    }
  }
  agents.forEach((agent) => agent.destroy())
  console.log(JSON.stringify(spec.targets.map((target, i) => ({ name: target.name, ttfb: summarize(samples[i].ttfb), total: summarize(samples[i].total) }))))
}

async function runUnique() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const times = []
  const xCache = {}
  let firstCache
  for (let i = 0; i < spec.warmup + spec.count; i++) {
    const body = spec.bodyTemplate.replaceAll('{n}', `${spec.prefix}${i}`)
    let cache = '(none)'
    const { total, text } = await once(agent, { ...spec, name: spec.name ?? spec.url, body }, (response) => {
      cache = String(response.headers['x-cache'] ?? '(none)')
    })
    if (!text.includes('Echo: ')) throw new Error(`request ${i}: the answer is not the echoed question: ${text.slice(0, 200)}`)
    if (!spec.expectCache.includes(cache)) throw new Error(`request ${i}: x-cache is ${cache}, expected ${spec.expectCache.join(' or ')}`)
    firstCache ??= cache
    xCache[cache] = (xCache[cache] ?? 0) + 1
    if (i >= spec.warmup) times.push(total)
  }
  agent.destroy()
  console.log(JSON.stringify({ latency: summarize(times), xCache, firstCache, requests: spec.warmup + spec.count }))
}

await (spec.mode === 'serve' ? serve() : spec.mode === 'ttfb' ? runTtfb() : spec.mode === 'unique' ? runUnique() : runCannon())
