// No Docker engine runs where this project is built and tested, so this script plays the Dockerfile
// outside Docker: it checks what a Hugging Face Space needs (pinned base image, uid 1000, port 7860,
// no TRUST_PROXY of its own, a HEALTHCHECK), then runs the same COPY/RUN steps in a temporary directory standing in
// for /app, starts the image's CMD, and probes /health with the HEALTHCHECK command itself.
//
//   bun run scripts/check-dockerfile.ts      (npm run check:docker)
//
// It needs the npm registry (the RUN step installs production dependencies), like `docker build` would.

import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const bunDir = join(root, 'node_modules', '.bin')

interface Instruction {
  op: string
  args: string
}

function parse(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ')
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/)
      return { op: op!.toUpperCase(), args: line.slice(op!.length).trim() }
    })
}

const problems: string[] = []
const expect = (ok: boolean, message: string) => ok || problems.push(message)

const instructions = parse(await Bun.file(join(root, 'Dockerfile')).text())
const froms = instructions.filter((i) => i.op === 'FROM')
for (const from of froms) {
  const image = from.args.split(/\s+/)[0]!
  expect(/:\d+\.\d+\.\d+/.test(image), `base image ${image} is not pinned to an exact version`)
}
const finalStage = instructions.slice(instructions.lastIndexOf(froms.at(-1)!))
const env: Record<string, string> = {}
for (const i of finalStage.filter((i) => i.op === 'ENV')) {
  for (const [, name, value] of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[name!] = value!.replace(/^"|"$/g, '')
}
expect(finalStage.some((i) => i.op === 'USER' && i.args === '1000'), 'the image must run as uid 1000 (USER 1000)')
expect(finalStage.some((i) => i.op === 'EXPOSE' && i.args.split(/\s+/).includes('7860')), 'EXPOSE 7860 is missing')
// Trusting X-Forwarded-For on a bare Docker host would let clients pick their own rate-limit bucket.
expect(env.TRUST_PROXY === undefined, 'ENV TRUST_PROXY must not be set (the proxy trusts one hop by itself on a Space)')
expect(env.PORT === '7860', 'ENV PORT=7860 is missing')
const healthcheck = finalStage.find((i) => i.op === 'HEALTHCHECK')
expect(!!healthcheck && healthcheck.args.includes('/health'), 'a HEALTHCHECK on /health is missing')
const cmd = finalStage.find((i) => i.op === 'CMD')
expect(!!cmd, 'CMD is missing')

/** Runs one stage's WORKDIR/COPY/RUN steps with `dir` standing in for /app. */
function playStage(stage: Instruction[], dir: string, stages: Map<string, string>) {
  for (const { op, args } of stage) {
    if (op === 'COPY') {
      const parts = args.split(/\s+/)
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length)
      const paths = parts.filter((p) => !p.startsWith('--'))
      const target = paths.pop()!.replace(/^\/app\/?/, '').replace(/^\.\/?/, '')
      for (const source of paths) {
        const base = from ? stages.get(from)! : root
        const relative = source.replace(/^\/app\/?/, '').replace(/^\.\//, '')
        const destination = target.endsWith('/') || paths.length > 1 || target === '' ? join(dir, target, relative.split('/').pop()!) : join(dir, target)
        cpSync(join(base, relative), destination, { recursive: true })
      }
    } else if (op === 'RUN') {
      const command = args.replaceAll('/app', dir)
      const run = Bun.spawnSync(['sh', '-c', command], { cwd: dir, env: { ...process.env, PATH: `${bunDir}:${process.env.PATH}` }, stdout: 'inherit', stderr: 'inherit' })
      expect(run.exitCode === 0, `RUN failed (${run.exitCode}): ${args}`)
    }
  }
}

const work = mkdtempSync(join(tmpdir(), 'proxy-gpt-docker-'))
try {
  const stages = new Map<string, string>()
  froms.forEach((from, n) => {
    const name = /\bAS\s+(\S+)/i.exec(from.args)?.[1] ?? String(n)
    const dir = join(work, `stage-${name}`)
    mkdirSync(dir)
    const start = instructions.indexOf(from)
    const end = n + 1 < froms.length ? instructions.indexOf(froms[n + 1]!) : instructions.length
    console.log(`stage ${name} (${from.args})`)
    playStage(instructions.slice(start + 1, end), dir, stages)
    stages.set(name, dir)
  })
  const app = [...stages.values()].at(-1)!
  const size = Bun.spawnSync(['du', '-sh', app]).stdout.toString().split(/\s/)[0]
  console.log(`application layer: ${size} (node_modules, src, package.json) on top of the base image`)

  if (cmd && problems.length === 0) {
    const port = String(20000 + Math.floor(Math.random() * 20000))
    const runEnv = { PATH: `${bunDir}:/usr/bin:/bin`, HOME: app, ...env, PORT: port, OPENAI_KEY: 'sk-docker-check', PROXY_KEY: 'docker-check-key' }
    const argv = JSON.parse(cmd.args) as string[]
    const child = Bun.spawn(argv.map((a) => a.replaceAll('/app', app)), { cwd: app, env: runEnv, stdout: 'pipe', stderr: 'inherit' })
    let out = ''
    const reader = child.stdout.getReader()
    const until = Date.now() + 20_000
    while (!out.includes('listening on') && Date.now() < until) {
      const { value, done } = await reader.read()
      if (done) break
      out += new TextDecoder().decode(value)
    }
    process.stdout.write(out)
    expect(out.includes('listening on'), 'the CMD did not start the server')
    expect(/data: \S+ \(/.test(out), 'the start does not say which data directory it uses')
    const probe = JSON.parse(healthcheck!.args.slice(healthcheck!.args.indexOf('CMD') + 3)) as string[]
    const health = Bun.spawnSync(probe, { env: runEnv })
    expect(health.exitCode === 0, `the HEALTHCHECK command failed (exit ${health.exitCode})`)
    // The Swagger UI comes from the image's own node_modules (swagger-ui-dist), never from a CDN.
    const ui = await fetch(`http://127.0.0.1:${port}/swagger/swagger-ui-bundle.js`).catch(() => undefined)
    expect(ui?.status === 200 && (await ui.text()).length > 100_000, 'GET /swagger/swagger-ui-bundle.js does not serve the Swagger UI')
    // The status page's script is bundled from src/ when the image's CMD starts (a Bun macro), with the image's own bun.
    const script = await fetch(`http://127.0.0.1:${port}/assets/status.js`).catch(() => undefined)
    expect(script?.status === 200 && (await script.text()).includes('proxy-gpt.status.lang'), "GET /assets/status.js does not serve the status page's script")
    child.kill('SIGTERM')
    expect((await child.exited) === 0, 'the server did not stop cleanly on SIGTERM')
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

if (problems.length) {
  console.error(`Dockerfile check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  process.exit(1)
}
console.log('Dockerfile check passed: pinned base, uid 1000, port 7860, no TRUST_PROXY, install + start + HEALTHCHECK work')
