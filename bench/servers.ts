// Starting the measured servers, each as its own process on loopback, and the requests each one is sent.

import { join } from 'node:path'
import { UPSTREAM_KEY } from './fake-upstream'
import { BUN, type Child, cleanEnv, freePort, NODE, type Processes, ROOT, waitForHttp } from './lib/proc'

export const PROXY_KEY = 'bench-proxy-key-5c1f0e'
export const MODEL = 'gpt-4o-mini'
/** Warmed into the cache, then asked again word for word (exact hit) or reworded (semantic hit). */
export const QUESTION = 'How tall is the Eiffel Tower?'
export const PARAPHRASE = 'What is the height of the Eiffel Tower'

export function chatBody(content: string, stream: boolean): string {
  return JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) })
}

export interface Endpoint {
  child: Child
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string
}

export async function startUpstream(procs: Processes, latencyMs: number): Promise<Endpoint> {
  const port = freePort()
  const child = procs.spawn('fake-upstream', [BUN, join(ROOT, 'bench/fake-upstream.ts'), String(port), String(latencyMs)], { env: cleanEnv({}), port })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(procs, child, `${url}/health`)
  return { child, url }
}

export async function startFloor(procs: Processes, upstream: Endpoint): Promise<Endpoint> {
  const port = freePort()
  const child = procs.spawn('floor-forwarder', [BUN, join(ROOT, 'bench/floor-forwarder.ts'), String(port), upstream.url, UPSTREAM_KEY], { env: cleanEnv({}), port })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(procs, child, `${url}/health`)
  return { child, url }
}

/**
 * proxy-gpt exactly as an operator starts it (`bun src/index.ts`), with no rate limit, a fresh DATA_DIR and
 * the fake upstream. Its working directory is a temporary one, so a developer's .env is not read.
 */
/** The environment every benchmarked proxy-gpt runs with: the bench's keys, no rate limit, data in `dir`. */
export function proxyEnv(upstream: Endpoint, port: number, dir: string, extra: Record<string, string> = {}) {
  return cleanEnv({
    OPENAI_KEY: UPSTREAM_KEY,
    PROXY_KEY,
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    HOST: '127.0.0.1',
    PORT: String(port),
    MODEL_RATE_LIMIT: '0',
    DATA_DIR: join(dir, 'data'),
    ...extra,
  })
}

export async function startProxy(procs: Processes, upstream: Endpoint, name: string, env: Record<string, string>): Promise<Endpoint> {
  const port = freePort()
  const dataDir = procs.tempDir('proxy-gpt-bench-data-')
  const child = procs.spawn(name, [BUN, join(ROOT, 'src/index.ts')], {
    cwd: dataDir,
    port,
    env: proxyEnv(upstream, port, dataDir, env),
  })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(procs, child, `${url}/health`)
  return { child, url }
}

/** Portkey's gateway under Bun (what is measured), or under Node (only to check that its streaming breaks there). */
export async function startPortkey(procs: Processes, runtime: 'bun' | 'node' = 'bun'): Promise<Endpoint> {
  const port = freePort()
  const cmd = [runtime === 'bun' ? BUN : NODE, join(ROOT, 'bench/portkey-loopback.mjs'), `--port=${port}`, '--headless']
  const child = procs.spawn(`portkey-gateway-${runtime}`, cmd, { env: cleanEnv({}), port })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(procs, child, `${url}/`)
  return { child, url }
}

export const upstreamHeaders = { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` }
export const proxyHeaders = { 'content-type': 'application/json', authorization: `Bearer ${PROXY_KEY}` }
export const portkeyHeaders = (upstream: Endpoint) => ({
  ...upstreamHeaders,
  'x-portkey-provider': 'openai',
  'x-portkey-custom-host': `${upstream.url}/v1`,
})
