import { compose, StartError, type Composed } from './compose'
import { handleCliFlags } from './config/help'
import { shownBaseUrl } from './config/base-url'
import { ConfigError, loadConfig, type Config } from './config/load'
import { serve } from './http/server'
import { stdoutLog } from './log/stdout'
import { VERSION } from './version'

const log = stdoutLog()

if (handleCliFlags(process.argv.slice(2), (text) => console.log(text))) process.exit(0)

let config: Config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

let composed: Composed
try {
  composed = await compose(config, log)
} catch (error) {
  const message = error instanceof StartError ? error.message : (error as Error).message
  console.error(`proxy-gpt cannot start: ${message}`)
  process.exit(1)
}

let server: ReturnType<typeof serve>
try {
  server = serve(composed.app, composed.contexts, config, log, composed.stats)
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  console.error(
    `proxy-gpt cannot listen on ${config.host}:${config.port} (${code ?? (error as Error).message})` +
      (code === 'EADDRINUSE' ? ': another program uses that port; set PORT to a free one' : '')
  )
  process.exit(1)
}
const upstreams = config.upstreams.map((u) => (config.upstreams.length === 1 ? shownBaseUrl(u.baseUrl) : `${u.name} (${shownBaseUrl(u.baseUrl)})`))
log(`proxy-gpt ${VERSION} listening on http://${config.host}:${server.port} → ${upstreams.join(', ')}`)
// A wrong key or base URL shows now, one line per upstream, not at some client's first request; not awaited.
void composed.checkUpstreams()

// Graceful stop: refuse new connections and let in-flight answers finish, but not forever (a client can
// hold a stream open for minutes). A second signal stops at once.
const DRAIN_MS = 10_000
let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(1)
    stopping = true
    log(`${signal} received, finishing in-flight requests (at most ${DRAIN_MS / 1000}s)`)
    const drained = await Promise.race([server.stop().then(() => true), Bun.sleep(DRAIN_MS).then(() => false)])
    if (!drained) await server.stop(true)
    // After the last answer is stored: the semantic index is saved so the next start need not rebuild it.
    await composed.close()
    log(drained ? 'stopped' : 'stopped, cutting requests still open')
    await log.flush()
    process.exit(0)
  })
}
