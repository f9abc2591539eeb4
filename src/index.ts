import { createApp } from './app'
import type { AnswerCache } from './cache/answer-cache'
import { handleCliFlags } from './cli'
import { ConfigError, loadConfig } from './config'
import { serve } from './server'
import { stdoutLog } from './stdout-log'
import { openStats } from './stats/open'
import { VERSION } from './version'

const log = stdoutLog()

if (handleCliFlags(process.argv.slice(2), (text) => console.log(text))) process.exit(0)

let config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

let cache: AnswerCache | undefined
if (config.cache.allowed) {
  // Imported here rather than at the top: the usearch native addon loads with it, and when it cannot
  // (the standalone executable unpacks it into $TMPDIR) the operator should get a sentence, not a dump.
  let open: typeof AnswerCache.open
  try {
    open = (await import('./cache/answer-cache')).AnswerCache.open
  } catch (error) {
    console.error(
      `proxy-gpt cannot start: the vector search addon did not load (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'The executable unpacks it into $TMPDIR, which must be writable and not mounted noexec; or set CACHE_ALLOWED=false.'
    )
    process.exit(1)
  }
  try {
    cache = await open({ config, log })
  } catch (error) {
    console.error(`proxy-gpt cannot start: ${(error as Error).message}`)
    process.exit(1)
  }
}
if (!cache) log('cache: off (CACHE_ALLOWED=false)')

let stats: ReturnType<typeof openStats>
try {
  stats = openStats(config, cache, log)
} catch (error) {
  console.error(`proxy-gpt cannot start: ${(error as Error).message}`)
  process.exit(1)
}

let server: ReturnType<typeof serve>
try {
  server = serve(createApp({ config, log, cache, stats }), config, log, stats)
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  console.error(
    `proxy-gpt cannot listen on ${config.host}:${config.port} (${code ?? (error as Error).message})` +
      (code === 'EADDRINUSE' ? ': another program uses that port; set PORT to a free one' : '')
  )
  process.exit(1)
}
log(`proxy-gpt ${VERSION} listening on http://${config.host}:${server.port} → ${new URL(config.baseUrl).origin}`)

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
    await cache?.close()
    stats.close()
    log(drained ? 'stopped' : 'stopped, cutting requests still open')
    await log.flush()
    process.exit(0)
  })
}
