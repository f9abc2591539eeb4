// Starts the real app on a loopback port against a fake upstream, capturing its log lines.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import type { AnswerCache } from '../../src/cache/answer-cache'
import { compose } from '../../src/compose'
import { loadConfig, type Config, type Env } from '../../src/config/load'
import { serve } from '../../src/http/server'
import type { StateStores } from '../../src/state/types'
import type { StatsRecorder } from '../../src/stats/recorder'
import { startFakeUpstream, type FakeUpstream } from './fake-upstream'

export const REAL_KEY = 'sk-real-upstream-key-0123456789abcdef'
export const PROXY_KEY = 'proxy-key-for-tests-9f8e7d'

export interface TestProxy {
  url: string
  /** `${url}/v1`, what an SDK is configured with. */
  baseURL: string
  config: Config
  logs: string[]
  /** The proxy's cache, when CACHE_ALLOWED is not false. */
  cache?: AnswerCache
  stats: StatsRecorder
  stores: StateStores
  upstream: FakeUpstream
  /**
   * The start-up check of the upstreams, which the real process runs in the background after listening; not
   * run here unless called, so tests that count upstream requests see only their own.
   */
  checkUpstreams(): Promise<void>
  /** An SDK client with the proxy key; retries off so each call is one request. */
  client(options?: { apiKey?: string; baseURL?: string }): OpenAI
  stop(): Promise<void>
}

/**
 * Starts a proxy. Each gets its own temporary DATA_DIR, removed on stop, unless `env.DATA_DIR` is given
 * (to restart on the same data).
 */
export async function startProxy(env: Env = {}, upstream?: FakeUpstream): Promise<TestProxy> {
  const fake = upstream ?? (await startFakeUpstream())
  const ownDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'proxy-gpt-test-'))
  const config = loadConfig({
    OPENAI_KEY: REAL_KEY,
    PROXY_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: ownDir,
    ...env,
  })
  const logs: string[] = []
  const log = (line: string) => void logs.push(line)
  const composed = await compose(config, log)
  const { cache, stats, stores } = composed
  await cache?.ready()
  const server = serve(composed.app, composed.contexts, config, log, stats)
  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    baseURL: `${url}/v1`,
    config,
    logs,
    cache,
    stats,
    stores,
    upstream: fake,
    checkUpstreams: () => composed.checkUpstreams(),
    client: (options = {}) =>
      new OpenAI({ apiKey: options.apiKey ?? PROXY_KEY, baseURL: options.baseURL ?? `${url}/v1`, maxRetries: 0, timeout: 10_000 }),
    async stop() {
      await server.stop(true)
      await composed.close()
      if (ownDir) rmSync(ownDir, { recursive: true, force: true })
      if (!upstream) await fake.stop()
    },
  }
}

export const auth = (key = PROXY_KEY) => ({ authorization: `Bearer ${key}` })

export async function postJson(url: string, body: unknown, headers: Record<string, string> = auth()) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

/** For tests of the proxy core: with the cache off, repeated requests reach the upstream every time. */
export const PASS_THROUGH_ONLY = { CACHE_ALLOWED: 'false' }
