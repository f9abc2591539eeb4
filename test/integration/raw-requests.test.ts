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

  test('Host: "a b" without a key: 401 in the OpenAI envelope, and an access-log line', async () => {
    const answer = await rawRequest(port(), 'GET /v1/models HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n')
    expect(statusOf(answer)).toBe(401)
    expect(JSON.parse(bodyOf(answer)).error.code).toBe('invalid_api_key')
    expectNoInternals(answer)
    await proxy.waitForLine(/ GET \/v1\/models 401 /)
  })

  test('Host: "a b" with a key: answered like any other request', async () => {
    const answer = await rawRequest(port(), `GET /v1/models HTTP/1.1\r\nHost: a b\r\nAuthorization: Bearer ${PROXY_KEY}\r\nConnection: close\r\n\r\n`)
    expect(statusOf(answer)).toBe(200)
    expectNoInternals(answer)
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
