// Starting the measured servers, each as its own process on loopback, and the requests each one is sent.

import { RedisClient } from 'bun'
import { join } from 'node:path'
import { ANTHROPIC_VERSION } from './fake-messages'
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

/** A Responses request as the AI SDK's default OpenAI provider sends one: the question as one user input item. */
export function responsesBody(content: string, stream: boolean): string {
  return JSON.stringify({ model: MODEL, input: [{ role: 'user', content: [{ type: 'input_text', text: content }] }], ...(stream ? { stream: true } : {}) })
}

/** An Anthropic Messages request as the Anthropic SDK sends one (`max_tokens` is required; under the proxy's cap). */
export function messagesBody(content: string, stream: boolean): string {
  return JSON.stringify({ model: MODEL, max_tokens: 300, messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) })
}

/** What a target is sent: its path, its body without and with streaming, and what a whole answer looks like. */
export interface Ask {
  path: string
  body: (stream: boolean) => string
  complete: (text: string, stream: boolean) => boolean
}

export const chatAsk = (question: string): Ask => ({
  path: '/v1/chat/completions',
  body: (stream) => chatBody(question, stream),
  complete: (text, stream) => text.includes('Echo: ') && (!stream || text.includes('[DONE]')),
})

/** A Responses answer is whole when it completed: the JSON's status, or a stream's last event. */
export const responsesAsk = (question: string): Ask => ({
  path: '/v1/responses',
  body: (stream) => responsesBody(question, stream),
  complete: (text, stream) => {
    if (!text.includes('Echo: ')) return false
    if (stream) return text.trimEnd().split('\n\n').at(-1)?.startsWith('event: response.completed\n') ?? false
    try {
      return JSON.parse(text).status === 'completed'
    } catch {
      return false
    }
  },
})

/** A Messages answer is whole when the model ended its turn: the JSON's stop reason, or a stream's last event. */
export const messagesAsk = (question: string): Ask => ({
  path: '/v1/messages',
  body: (stream) => messagesBody(question, stream),
  complete: (text, stream) => {
    if (!text.includes('Echo: ')) return false
    if (stream) return text.trimEnd().split('\n\n').at(-1)?.startsWith('event: message_stop\n') ?? false
    try {
      const message = JSON.parse(text)
      return message.type === 'message' && message.stop_reason === 'end_turn'
    } catch {
      return false
    }
  },
})

export interface Endpoint {
  child: Child
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string
  /** proxy-gpt's DATA_DIR (for a proxy-gpt endpoint), read back by the bench after the process stopped. */
  dataDir?: string
}

/**
 * The fake upstream; with `embeddingDelayMs`, its /v1/embeddings answers wait that long instead of `latencyMs`;
 * `chatOnly`, it answers /v1/responses with 404, as DeepSeek or vLLM do.
 */
export async function startUpstream(procs: Processes, latencyMs: number, embeddingDelayMs?: number, chatOnly = false): Promise<Endpoint> {
  const port = freePort()
  const name = chatOnly ? 'fake-upstream-chat-only' : embeddingDelayMs === undefined ? 'fake-upstream' : `fake-upstream-embeddings-${embeddingDelayMs}ms`
  const args = [String(port), String(latencyMs), ...(embeddingDelayMs === undefined ? [] : [String(embeddingDelayMs)]), ...(chatOnly ? ['--chat-only'] : [])]
  const child = procs.spawn(name, [BUN, join(ROOT, 'bench/fake-upstream.ts'), ...args], { env: cleanEnv({}), port })
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
  return { child, url, dataDir: join(dataDir, 'data') }
}

/**
 * PROXY_CONFIG for a proxy-gpt whose one upstream is `upstream` as `provider: openai-chat`: a Responses request
 * is translated to /chat/completions, and the answer or stream back (README "Several keys and providers").
 */
export function chatOnlyConfig(upstream: Endpoint): string {
  return ['upstreams:', '  - name: chat-only', `    base_url: ${upstream.url}/v1`, '    provider: openai-chat', `    keys: ["${UPSTREAM_KEY}"]`, ''].join('\n')
}

/** PROXY_CONFIG for a proxy-gpt whose one upstream is `upstream` as `provider: anthropic`: Messages go natively. */
export function anthropicConfig(upstream: Endpoint): string {
  return ['upstreams:', '  - name: anthropic', `    base_url: ${upstream.url}/v1`, '    provider: anthropic', `    keys: ["${UPSTREAM_KEY}"]`, ''].join('\n')
}

export interface RedisServer {
  child: Child
  /** redis://127.0.0.1:<port>, what REDIS_URL is set to. */
  url: string
  version: string
  /** Commands the server has processed so far (INFO stats), less this client's own INFO calls: differences count the proxies'. */
  commands(): Promise<number>
  close(): void
}

export const REDIS_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']

/**
 * A redis-server of its own, on a free port, in a temporary directory, with no persistence (no RDB
 * snapshots, no AOF): what the proxy's REDIS_URL points at. Returns why not when it cannot be had.
 */
export async function startRedis(procs: Processes): Promise<RedisServer | string> {
  const binary = Bun.which('redis-server')
  if (!binary) return 'redis-server is not installed (apt-get install redis-server)'
  const version = /v=(\S+)/.exec(Bun.spawnSync([binary, '--version']).stdout.toString())?.[1] ?? '?'
  const port = freePort()
  const dir = procs.tempDir('proxy-gpt-bench-redis-')
  const child = procs.spawn('redis-server', [binary, '--port', String(port), '--dir', dir, ...REDIS_ARGS], { env: cleanEnv({}), port })
  const url = `redis://127.0.0.1:${port}`
  let client: RedisClient
  for (const deadline = Date.now() + 10_000; ; await Bun.sleep(100)) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      return `redis-server ${version} exited (${child.proc.exitCode ?? child.proc.signalCode}) at start: ${procs.logTail(child, 3).replace(/\s+/g, ' ').slice(-200)}`
    }
    // A client whose first connection failed stays failed: a new one per attempt.
    client = new RedisClient(url, { autoReconnect: false, connectionTimeout: 1_000 })
    if ((await client.send('PING', []).catch(() => '')) === 'PONG') break
    client.close()
    if (Date.now() > deadline) {
      await procs.stop(child)
      return `redis-server ${version} did not answer PING on port ${port} within 10 s`
    }
  }
  let asked = 0
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await client.send('INFO', ['stats']))?.[1]) - asked++
  return { child, url, version, commands, close: () => client.close() }
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
/** As the Anthropic SDK and Claude Code (ANTHROPIC_API_KEY) send the proxy key. */
export const messagesHeaders = { 'content-type': 'application/json', 'x-api-key': PROXY_KEY, 'anthropic-version': ANTHROPIC_VERSION }
export const portkeyHeaders = (upstream: Endpoint) => ({
  ...upstreamHeaders,
  'x-portkey-provider': 'openai',
  'x-portkey-custom-host': `${upstream.url}/v1`,
})
