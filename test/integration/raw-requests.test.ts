// Whatever arrives on the socket, the answer is the proxy's own OpenAI-style error, never Bun's development
// error page (which shows the working directory, file paths and source).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { spawnProxy, type SpawnedProxy, ROOT } from '../helpers/spawn-proxy'
import { serve } from '../../src/http/server'
import { RequestContexts } from '../../src/http/request-contexts'
import { loadConfig } from '../../src/config/load'
import { PROXY_KEY, REAL_KEY } from '../helpers/start-proxy'

/** Sends `head` verbatim and returns the raw answer. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => void socket.write(head),
        data: (_socket, data) => void (out += data.toString()),
        close: () => resolve(out),
        error: reject,
      },
    })
  })
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 0)
const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4)

function expectNoInternals(answer: string) {
  expect(answer).not.toContain(ROOT)
  expect(answer).not.toContain('.ts')
  expect(answer).not.toMatch(/<html|<script/i)
  expect(answer.length).toBeLessThan(4096)
}

let upstream: FakeUpstream
let proxy: SpawnedProxy
beforeAll(async () => {
  upstream = await startFakeUpstream()
  // Started the way `npm start` starts it: no NODE_ENV set.
  proxy = await spawnProxy({ upstreamUrl: upstream.url, env: { MODEL_RATE_LIMIT: '0' } })
})
afterAll(async () => {
  await proxy.kill()
  await upstream.stop()
})

describe('odd request lines and headers', () => {
  const port = () => Number(new URL(proxy.url).port)

  test('an invalid Host gets 400 invalid_host in the OpenAI envelope, key or not, never forwarded, with an access-log line', async () => {
    const hosts = ['a b', '[::1', 'exa mple.com:99999', 'example.com:99999', 'example.com:http', 'ex@mple.com', 'é.example']
    for (const [i, host] of hosts.entries()) {
      for (const key of ['', `Authorization: Bearer ${PROXY_KEY}\r\n`]) {
        const answer = await rawRequest(port(), `GET /v1/models/host-${i} HTTP/1.1\r\nHost: ${host}\r\n${key}Connection: close\r\n\r\n`)
        expect({ host, key, status: statusOf(answer) }).toEqual({ host, key, status: 400 })
        expect(JSON.parse(bodyOf(answer)).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_host' })
        expect(answer).toMatch(/\r\nx-request-id: \S+/i)
        expectNoInternals(answer)
      }
      await proxy.waitForLine(new RegExp(` GET /v1/models/host-${i} 400 `))
    }
    expect(upstream.requests.filter((r) => r.path.includes('/host-'))).toEqual([])
  })

  test('two Host lines get 400 invalid_host', async () => {
    const answer = await rawRequest(port(), `GET /v1/models HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nAuthorization: Bearer ${PROXY_KEY}\r\nConnection: close\r\n\r\n`)
    expect(statusOf(answer)).toBe(400)
    expect(JSON.parse(bodyOf(answer)).error.code).toBe('invalid_host')
  })

  test('valid Hosts are served: a name, an address with a port, a bracketed IPv6 literal', async () => {
    // Short names too (a Compose service called `api`): Elysia looks for the path from the 12th character on.
    for (const host of ['proxy.example', `127.0.0.1:${port()}`, '[::1]:8080', 'proxy.example:65535', 'a', 'api', 'a:1']) {
      const answer = await rawRequest(port(), `GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${PROXY_KEY}\r\nConnection: close\r\n\r\n`)
      expect({ host, status: statusOf(answer) }).toEqual({ host, status: 200 })
    }
  })

  test('a short Host reaches the same route as any other, body and query included', async () => {
    for (const host of ['a', 'api', 'ab:1']) {
      const health = await rawRequest(port(), `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
      expect({ host, status: statusOf(health) }).toEqual({ host, status: 200 })
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `short host ${host}` }] })
      const chat = await rawRequest(
        port(),
        `POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${PROXY_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
      )
      expect({ host, status: statusOf(chat) }).toEqual({ host, status: 200 })
      expect(bodyOf(chat)).toContain(`short host ${host}`)
    }
  })

  test('HTTP/1.0 without Host is served; HTTP/1.1 without Host is refused (by Bun, before the proxy sees it)', async () => {
    const old = await rawRequest(port(), `GET /v1/models HTTP/1.0\r\nAuthorization: Bearer ${PROXY_KEY}\r\n\r\n`)
    expect(statusOf(old)).toBe(200)
    expect(JSON.parse(bodyOf(old)).object).toBe('list')
    const missing = await rawRequest(port(), `GET /v1/models HTTP/1.1\r\nAuthorization: Bearer ${PROXY_KEY}\r\nConnection: close\r\n\r\n`)
    expect(statusOf(missing)).toBe(400)
  })

  test('an absolute-form request target and a bad escape are answered with an envelope', async () => {
    for (const line of [`GET http://elsewhere.example/v1/models HTTP/1.1`, 'GET /%zz HTTP/1.1']) {
      const answer = await rawRequest(port(), `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`)
      expect(statusOf(answer)).toBe(401)
      expectNoInternals(answer)
      expect(JSON.parse(bodyOf(answer)).error.code).toBe('invalid_api_key')
    }
    expect(proxy.child.exitCode).toBeNull()
  })

  test("a request line Bun's HTTP parser refuses (OPTIONS *) gets its bare 400, and the proxy stays up", async () => {
    const answer = await rawRequest(port(), 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(statusOf(answer)).toBe(400)
    expect(bodyOf(answer)).toBe('')
    expect(proxy.child.exitCode).toBeNull()
  })
})

describe("the server's outer handler", () => {
  test('an error thrown by the app becomes a 500 OpenAI envelope, never Bun\'s error page', async () => {
    const config = loadConfig({ OPENAI_KEY: REAL_KEY, PROXY_KEY, PORT: '0', HOST: '127.0.0.1' })
    const lines: string[] = []
    const broken = { handle: () => Promise.reject(new Error(`boom in ${ROOT}/src/secret.ts`)) }
    const server = serve(broken, new RequestContexts(), config, (line) => void lines.push(line))
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/v1/models`)
      const text = await response.text()
      expect(response.status).toBe(500)
      expect(JSON.parse(text).error).toMatchObject({ type: 'server_error', code: 'internal_error' })
      expect(text).not.toContain('boom')
      expectNoInternals(text)
      expect(server.development).toBe(false)
    } finally {
      await server.stop(true)
    }
  })
})
