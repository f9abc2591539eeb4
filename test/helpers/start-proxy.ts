// Starts the real app on a loopback port against a fake upstream, capturing its log lines.

import OpenAI from 'openai'
import { createApp } from '../../src/app'
import { loadConfig, type Config, type Env } from '../../src/config'
import { serve } from '../../src/server'
import { startFakeUpstream, type FakeUpstream } from './fake-upstream'

export const REAL_KEY = 'sk-real-upstream-key-0123456789abcdef'
export const PROXY_KEY = 'proxy-key-for-tests-9f8e7d'

export interface TestProxy {
  url: string
  /** `${url}/v1`, what an SDK is configured with. */
  baseURL: string
  config: Config
  logs: string[]
  upstream: FakeUpstream
  /** An SDK client with the proxy key; retries off so each call is one request. */
  client(options?: { apiKey?: string; baseURL?: string }): OpenAI
  stop(): Promise<void>
}

export async function startProxy(env: Env = {}, upstream?: FakeUpstream): Promise<TestProxy> {
  const fake = upstream ?? (await startFakeUpstream())
  const config = loadConfig({
    OPENAI_KEY: REAL_KEY,
    PROXY_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: '',
    ...env,
  })
  const logs: string[] = []
  const log = (line: string) => void logs.push(line)
  const server = serve(createApp({ config, log }), config, log)
  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    baseURL: `${url}/v1`,
    config,
    logs,
    upstream: fake,
    client: (options = {}) =>
      new OpenAI({ apiKey: options.apiKey ?? PROXY_KEY, baseURL: options.baseURL ?? `${url}/v1`, maxRetries: 0, timeout: 10_000 }),
    async stop() {
      await server.stop(true)
      if (!upstream) await fake.stop()
    },
  }
}

export const auth = (key = PROXY_KEY) => ({ authorization: `Bearer ${key}` })

export async function postJson(url: string, body: unknown, headers: Record<string, string> = auth()) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
}
