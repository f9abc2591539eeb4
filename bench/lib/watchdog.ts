// Kills the bench's servers and removes its temporary directories if the orchestrator dies without cleaning
// up (even by SIGKILL): it reads "pid <n>", "forget <n>" and "dir <path>" lines on stdin, and when stdin
// closes — the orchestrator exited, one way or another — it stops what is still registered.
//
//   started by bench/lib/proc.ts; not meant to be run by hand

import { rmSync } from 'node:fs'

const pids = new Set<number>()
const dirs = new Set<string>()
let buffered = ''

process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk: string) => {
  buffered += chunk
  const lines = buffered.split('\n')
  buffered = lines.pop() ?? ''
  for (const line of lines) {
    const [verb, ...rest] = line.split(' ')
    const value = rest.join(' ')
    if (verb === 'pid') pids.add(Number(value))
    else if (verb === 'forget') pids.delete(Number(value))
    else if (verb === 'dir') dirs.add(value)
    else if (verb === 'undir') dirs.delete(value)
  }
})
process.stdin.on('end', async () => {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig)
      } catch {}
    }
  }
  signal('SIGTERM')
  if (pids.size > 0) await Bun.sleep(1500)
  signal('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
