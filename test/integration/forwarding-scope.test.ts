// Only OpenAI's published API goes upstream with the real key (DESIGN §1.3). The proxy's own paths are never
// forwarded, whatever the method and whether their feature is on; other spellings of a path never slip past
// validation, the output cap or the cache.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { auth, startProxy, type TestProxy } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  // ADMIN_KEY and METRICS_KEY unset: the admin API is off, /metrics open.
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

/** A request on a raw socket, so the path reaches the server exactly as written (fetch would normalise it). */
async function raw(method: string, path: string, body = ''): Promise<{ status: number; text: string }> {
  const { port } = new URL(proxy.url)
  const head = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    `Authorization: ${auth().authorization}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ]
  return new Promise((resolve, reject) => {
    let out = ''
    Bun.connect({
      hostname: '127.0.0.1',
      port: Number(port),
      socket: {
        open(socket) {
          socket.write(`${head.join('\r\n')}\r\n\r\n${body}`)
        },
        data(_socket, data) {
          out += data.toString()
        },
        close() {
          const [status] = /^HTTP\/1\.1 (\d+)/.exec(out)?.slice(1) ?? ['0']
          resolve({ status: Number(status), text: out.slice(out.indexOf('\r\n\r\n') + 4) })
        },
        error: reject,
      },
    })
  })
}

const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })

describe('paths outside the OpenAI API', () => {
  const outside: Array<[string, string]> = [
    ['POST', '/key/generate'],
    ['POST', '/v1/key/generate'],
    ['GET', '/v1/spend/logs'],
    ['GET', '/v1/organization/users'],
    ['POST', '/v1/organization/admin_api_keys'],
    ['GET', '/v1/dashboard/anything'],
    ['GET', '/v1'],
    ['POST', '/'],
    ['GET', '/favicon.ico'],
    ['GET', '/v1/unknown'],
  ]
  for (const [method, path] of outside) {
    test(`${method} ${path}: 404 unknown_path, nothing forwarded`, async () => {
      const response = await raw(method, path, method === 'POST' ? '{}' : '')
      expect(response.status).toBe(404)
      expect(JSON.parse(response.text).error.code).toBe('unknown_path')
      expect(proxy.upstream.requests).toEqual([])
    })
  }
})

describe("the proxy's own paths are never forwarded", () => {
  const own: Array<[string, string]> = [
    ['POST', '/health'],
    ['DELETE', '/health'],
    ['GET', '/v1/health'],
    ['PUT', '/stats'],
    ['GET', '/stats/anything'],
    ['POST', '/metrics'],
    ['GET', '/metrics/x'],
    ['POST', '/swagger'],
    ['GET', '/swagger/other'],
    ['GET', '/admin'],
    ['GET', '/admin/anything'],
    ['POST', '/admin/cache/entries'],
    ['GET', '/admin/cache/entries'], // the admin API is off here (no ADMIN_KEY)
    ['GET', '/v1/admin/cache/entries'],
    ['POST', '/assets/status.js'],
    ['GET', '/assets/other.js'],
    ['GET', '/v1/assets/status.js'],
  ]
  for (const [method, path] of own) {
    test(`${method} ${path}: answered by the proxy, nothing forwarded`, async () => {
      const response = await raw(method, path, method === 'GET' || method === 'DELETE' ? '' : '{}')
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
      expect(JSON.parse(response.text).error.code).toBeString()
      expect(proxy.upstream.requests).toEqual([])
    })
  }
})

describe('other spellings of a path', () => {
  for (const path of ['/v1//chat/completions', '//v1/chat/completions', '/v1/chat//completions', '/v1/chat%2Fcompletions', '/v1/chat%2fcompletions', '/v1/chat%5Ccompletions', '/v1/files%2F..%2Fadmin']) {
    test(`${path}: 404, never forwarded`, async () => {
      const response = await raw('POST', path, chatBody)
      expect(response.status).toBe(404)
      expect(JSON.parse(response.text).error.code).toBe('unknown_path')
      expect(proxy.upstream.requests).toEqual([])
    })
  }

  // Dot segments are resolved before routing (DESIGN §1.3): the request is the canonical one, so it is
  // validated, capped and cached like it, never forwarded raw.
  const topics = ['volcanoes', 'penguins', 'saxophones']
  for (const [i, path] of ['/v1/./chat/completions', '/v1/x/../chat/completions', '/v1/%2e/chat/completions'].entries()) {
    test(`${path}: handled as /v1/chat/completions`, async () => {
      const bad = await raw('POST', path, JSON.stringify({ model: 'gpt-4o-mini', messages: 'not a list' }))
      expect(bad.status).toBe(400)
      expect(JSON.parse(bad.text).error.param).toBe('messages')
      expect(proxy.upstream.requests.filter((r) => r.path !== '/v1/embeddings')).toEqual([])

      const good = await raw('POST', path, JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `tell me about ${topics[i]}` }] }))
      expect(good.status).toBe(200)
      const forwarded = proxy.upstream.requests.filter((r) => r.path.includes('chat'))
      expect(forwarded.map((r) => r.path)).toEqual(['/v1/chat/completions'])
      expect(forwarded[0]!.json.max_completion_tokens).toBe(proxy.config.maxOutputTokens)
    })
  }
})

describe('the OpenAI API groups still pass', () => {
  for (const [method, path] of [
    ['GET', '/v1/models/gpt-4o-mini'],
    ['GET', '/models/gpt-4o-mini'],
    ['GET', '/v1/files'],
    ['DELETE', '/v1/files/file-abc'],
    ['GET', '/v1/batches'],
    ['GET', '/v1/chat/completions'],
    ['GET', '/v1/vector_stores'],
    ['POST', '/v1/moderations'],
    ['GET', '/v1/fine_tuning/jobs'],
    ['POST', '/v1/images/generations'],
    ['GET', '/v1/responses/resp_1'],
    ['GET', '/v1/conversations/conv_1'],
  ] as const) {
    test(`${method} ${path} is forwarded`, async () => {
      await raw(method, path, method === 'POST' ? '{"model":"m","input":"x","prompt":"x"}' : '')
      expect(proxy.upstream.requests.length).toBe(1)
      expect(proxy.upstream.requests[0]!.path).toBe(path.startsWith('/v1') ? path : `/v1${path}`)
    })
  }
})
