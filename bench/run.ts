// `npm run bench` — reproduces proxy-gpt's performance numbers on this machine and writes bench/RESULTS.md.
//
//   npm run bench                 full run, scale tiers 10k and 100k (see bench/README.md for how long it
//                                 takes, on a fresh clone and later)
//   npm run bench -- --quick      short run: 1 round of shorter cells, 10k and 100k tiers, 20 s soak;
//                                 writes bench/.data/RESULTS-quick.md instead
//   --only=matrix,scale,soak      run some parts only (results of the others are left out)
//   --tiers=10000,100000          choose the cache-at-scale tiers; the 1M tier only on request:
//                                 --tiers=10000,100000,1000000 (its one-time build takes ~13 min here)
//   --out=path                    write the report there instead
//   --from=results.json           run nothing: write the report again from the raw numbers of an earlier run
//                                 (bench/.data/results.json), e.g. after a change to bench/report/
//
// Every server is its own process on 127.0.0.1; children and temporary directories are removed at the end,
// on failure and on Ctrl-C (and by bench/lib/watchdog.ts if this process is killed outright).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { describeMachine } from './lib/machine'
import { Processes, ROOT } from './lib/proc'
import { type MatrixOptions, runMatrix } from './matrix'
import { renderReport } from './report/render'
import type { RunResults } from './report/results'
import { runScale, type ScaleOptions } from './scale'
import { DEFAULT_TIERS } from './scale-common'
import { runSoak, type SoakOptions } from './soak'

const args = process.argv.slice(2)
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
const value = (name: string) => flag(name)?.split('=')[1]
const quick = !!flag('quick')
const only = value('only')?.split(',') ?? ['matrix', 'scale', 'soak']

const LATENCY_MS = 1
/** The miss cells' slow embedders (ms): one answering within EMBEDDING_WAIT_MS (300 ms by default), one far beyond it. */
const EMBEDDING_DELAYS_MS = [150, 2000]
const matrixOptions: MatrixOptions = quick
  ? { latencyMs: LATENCY_MS, connections: [1, 32], warmupS: 0.5, durationS: 1.5, rounds: 1, ttfbRounds: 150, profileS: 2, missRequests: 10, embeddingDelaysMs: EMBEDDING_DELAYS_MS }
  : // The Responses cells (issue 21) take part in the middle round only: in all three they would take the default run past 10 minutes.
    // The Messages cells (issue 22) in none: their 12 cells (~30 s) would, with the 9 min 53 s the run took before them.
    { latencyMs: LATENCY_MS, connections: [1, 32], warmupS: 0.5, durationS: 2, rounds: 3, responsesRounds: 1, messagesRounds: 0, ttfbRounds: 300, profileS: 4, missRequests: 25, embeddingDelaysMs: EMBEDDING_DELAYS_MS }
const scaleOptions: ScaleOptions = {
  tiers: value('tiers')?.split(',').map(Number) ?? DEFAULT_TIERS,
  lookups: quick ? 1000 : 2000,
}
const soakOptions: SoakOptions = { latencyMs: LATENCY_MS, durationS: quick ? 20 : 60, warmupS: quick ? 5 : 10, concurrency: 16, maxEntries: 1000, pool: 200 }

const began = performance.now()
const clock = () => {
  const s = Math.round((performance.now() - began) / 1000)
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}
const progress = (section: string) => (line: string) => console.log(`[${clock()}] ${section}: ${line}`)

const procs = new Processes()
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.log(`\n${signal}: stopping servers and removing temporary files…`)
    await procs.cleanup()
    process.exit(130)
  })
}

const outFile = value('out') ? resolve(value('out')!) : quick ? join(ROOT, 'bench/.data/RESULTS-quick.md') : join(ROOT, 'bench/RESULTS.md')
if (value('from')) {
  const from = resolve(value('from')!)
  if (!existsSync(from)) {
    console.error(`--from: ${from.replace(`${ROOT}/`, '')} does not exist. It is written by a run (bench/.data/results.json by a full run, results-quick.json by a --quick one); run one first, or name another file.`)
    process.exit(2)
  }
  const saved = JSON.parse(readFileSync(from, 'utf8')) as RunResults
  const target = value('out') ? outFile : join(ROOT, saved.quick ? 'bench/.data/RESULTS-quick.md' : 'bench/RESULTS.md')
  writeFileSync(target, renderReport(saved))
  console.log(`report of the run of ${saved.startedAt} written to ${target.replace(`${ROOT}/`, '')}`)
  process.exit(0)
}
const results: RunResults = {
  quick,
  startedAt: new Date().toISOString(),
  command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '),
  machine: await describeMachine(),
  sections: {},
  sectionSeconds: {},
  totalSeconds: 0,
}
let failure: Error | undefined

try {
  console.log(`proxy-gpt bench (${quick ? 'quick' : 'full'}) — ${results.machine.cpu}, ${results.machine.cores} cores, Bun ${results.machine.bun}, Node ${results.machine.node}`)
  if (only.includes('matrix')) {
    const t0 = performance.now()
    results.sections.matrix = await runMatrix(procs, matrixOptions, progress('overhead'))
    results.sectionSeconds.matrix = (performance.now() - t0) / 1000
  }
  if (only.includes('scale')) {
    const t0 = performance.now()
    results.sections.scale = await runScale(procs, scaleOptions, progress('scale'))
    results.sectionSeconds.scale = (performance.now() - t0) / 1000
  }
  if (only.includes('soak')) {
    const t0 = performance.now()
    results.sections.soak = await runSoak(procs, soakOptions, progress('soak'))
    results.sectionSeconds.soak = (performance.now() - t0) / 1000
  }
} catch (error) {
  failure = error as Error
  console.error(`\nbench failed: ${failure.stack ?? failure.message}`)
} finally {
  await procs.cleanup()
}

results.totalSeconds = (performance.now() - began) / 1000
results.loadAtEnd = loadavg()
results.failure = failure?.message
mkdirSync(join(ROOT, 'bench/.data'), { recursive: true })
writeFileSync(join(ROOT, 'bench/.data', quick ? 'results-quick.json' : 'results.json'), JSON.stringify(results, null, 2))
writeFileSync(outFile, renderReport(results))
console.log(`\n[${clock()}] ${failure ? 'partial results' : 'results'} written to ${outFile.replace(`${ROOT}/`, '')} (raw numbers in bench/.data/)`)
process.exit(failure ? 1 : 0)
