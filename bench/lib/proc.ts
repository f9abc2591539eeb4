// Child processes and temporary directories of one bench run, always cleaned up: on success, on error, on
// Ctrl-C, and — through a small watchdog process — even when the orchestrator itself is killed.

import type { Subprocess } from 'bun'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '../..')
export const BUN = process.execPath // the bun running this script: node_modules/.bin/bun under `npm run bench`
export const NODE = Bun.which('node') ?? 'node'

export interface Child {
  name: string
  pid: number
  proc: Subprocess
  log: string
  port?: number
}

/** A small, explicit environment: nothing from the caller's shell or a .env file leaks into a measurement. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR']
  const env: Record<string, string> = {}
  for (const name of keep) if (process.env[name]) env[name] = process.env[name]!
  return { ...env, ...extra }
}

/** A long-lived child that answers each line written to it with one line (bench/load.mjs in mode "serve"). */
export interface LineServer {
  /** Writes `line`, resolves with the next line of output; one at a time. */
  ask(line: string): Promise<string>
  close(): Promise<void>
}

export class Processes {
  readonly children: Child[] = []
  private readonly dirs: string[] = []
  private readonly watchdog: Subprocess<'pipe', 'ignore', 'inherit'>
  readonly logDir: string

  constructor() {
    this.watchdog = Bun.spawn([BUN, join(ROOT, 'bench/lib/watchdog.ts')], { stdin: 'pipe', stdout: 'ignore', stderr: 'inherit' })
    this.logDir = this.tempDir('proxy-gpt-bench-logs-')
  }

  private tell(line: string) {
    this.watchdog.stdin.write(`${line}\n`)
    this.watchdog.stdin.flush()
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    this.dirs.push(dir)
    this.tell(`dir ${dir}`)
    return dir
  }

  /** Starts a server process; its output goes to a log file (read back only when something fails). */
  spawn(name: string, cmd: string[], options: { env: Record<string, string>; cwd?: string; port?: number }): Child {
    const log = join(this.logDir, `${name.replace(/\W+/g, '-')}.log`)
    const fd = openSync(log, 'a')
    const proc = Bun.spawn(cmd, { env: options.env, cwd: options.cwd ?? ROOT, stdin: 'pipe', stdout: fd, stderr: fd })
    closeSync(fd)
    const child: Child = { name, pid: proc.pid, proc, log, port: options.port }
    this.children.push(child)
    this.tell(`pid ${proc.pid}`)
    return child
  }

  async stop(child: Child) {
    const index = this.children.indexOf(child)
    if (index === -1) return
    this.children.splice(index, 1)
    if (child.proc.exitCode === null && child.proc.signalCode === null) {
      child.proc.kill('SIGTERM')
      const exited = await Promise.race([child.proc.exited.then(() => true), Bun.sleep(5000).then(() => false)])
      if (!exited) {
        child.proc.kill('SIGKILL')
        await child.proc.exited
      }
    }
    this.tell(`forget ${child.pid}`)
  }

  async cleanup() {
    await Promise.all([...this.children].map((child) => this.stop(child)))
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true })
    this.dirs.length = 0
    this.watchdog.stdin.end()
    await this.watchdog.exited
  }

  /** Starts a line server (see LineServer); its stderr goes to a log file, shown if it exits early. */
  lineServer(name: string, cmd: string[]): LineServer {
    const log = join(this.logDir, `${name.replace(/\W+/g, '-')}.log`)
    const fd = openSync(log, 'a')
    const proc = Bun.spawn(cmd, { cwd: ROOT, env: cleanEnv({}), stdin: 'pipe', stdout: 'pipe', stderr: fd })
    closeSync(fd)
    const child: Child = { name, pid: proc.pid, proc, log }
    this.children.push(child)
    this.tell(`pid ${proc.pid}`)
    const reader = proc.stdout.getReader()
    const decoder = new TextDecoder()
    let buffered = ''
    const nextLine = async (): Promise<string> => {
      for (;;) {
        const newline = buffered.indexOf('\n')
        if (newline !== -1) {
          const line = buffered.slice(0, newline)
          buffered = buffered.slice(newline + 1)
          return line
        }
        const { value, done } = await reader.read()
        if (done) throw new Error(`${name} exited (${await proc.exited}):\n${this.logTail(child)}`)
        buffered += decoder.decode(value, { stream: true })
      }
    }
    return {
      ask: async (line) => {
        proc.stdin.write(`${line}\n`)
        proc.stdin.flush()
        return nextLine()
      },
      close: () => this.stop(child),
    }
  }

  /**
   * Runs a bounded command (a load generator, a probe, the index build) to completion and returns its stdout;
   * throws with its output when it fails. It is killed with the rest if the bench stops early.
   */
  async run(cmd: string[], options: { env?: Record<string, string>; showOutput?: boolean } = {}): Promise<string> {
    const proc = Bun.spawn(cmd, {
      cwd: ROOT,
      env: options.env ?? cleanEnv({}),
      stdin: 'ignore',
      stdout: options.showOutput ? 'inherit' : 'pipe',
      stderr: options.showOutput ? 'inherit' : 'pipe',
    })
    const child: Child = { name: cmd.slice(0, 3).join(' '), pid: proc.pid, proc, log: '' }
    this.children.push(child)
    this.tell(`pid ${proc.pid}`)
    try {
      const [stdout, stderr, code] = await Promise.all([
        proc.stdout instanceof ReadableStream ? new Response(proc.stdout).text() : Promise.resolve(''),
        proc.stderr instanceof ReadableStream ? new Response(proc.stderr).text() : Promise.resolve(''),
        proc.exited,
      ])
      if (code !== 0) throw new Error(`${cmd.slice(0, 3).join(' ')} … failed (exit ${code}):\n${stderr.slice(-3000)}\n${stdout.slice(-1000)}`)
      return stdout
    } finally {
      const index = this.children.indexOf(child)
      if (index !== -1) this.children.splice(index, 1)
      this.tell(`forget ${proc.pid}`)
    }
  }

  logTail(child: Child, lines = 20): string {
    try {
      return readFileSync(child.log, 'utf8').split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }
}

/** A free loopback port: bound, read, released (the child binds it right after). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = listener.port
  listener.stop(true)
  return port
}

/** Polls until the URL answers at all (any status), the child exits, or the time runs out. */
export async function waitForHttp(procs: Processes, child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before answering:\n${procs.logTail(child)}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      return
    } catch {
      await Bun.sleep(100)
    }
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs / 1000}s:\n${procs.logTail(child)}`)
}
