import { describe, expect, test } from 'bun:test'
import { createSender, type UpstreamRequest } from '../../../src/upstream/client'
import { openai } from '../../../src/upstream/providers/openai'
import type { Provider } from '../../../src/upstream/providers/types'

// The sender holds no provider's quirk: the URL and the headers that carry the key are the adapter's.

const REAL = 'sk-real-upstream-key-0123456789abcdef'

function capture() {
  const seen: Array<{ url: string; headers: Headers }> = []
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, headers: new Headers(init.headers) })
    return new Response('{}', { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } })
  }) as unknown as typeof globalThis.fetch
  return { seen, send: createSender(5_000, fetch) }
}

const request = (): UpstreamRequest => ({
  method: 'POST',
  path: '/chat/completions?trace=1',
  headers: new Headers({ authorization: 'Bearer proxy-key', 'x-api-key': 'proxy-key', 'content-type': 'application/json', 'x-stainless-lang': 'js' }),
  body: '{}',
  signal: new AbortController().signal,
})

describe('createSender', () => {
  test('an openai upstream: base_url + path, the real key as Bearer, the client credentials gone', async () => {
    const { seen, send } = capture()
    const response = await send({ baseUrl: 'https://api.example.com/v1', key: REAL, provider: openai }, request())
    expect(seen[0]!.url).toBe('https://api.example.com/v1/chat/completions?trace=1')
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${REAL}`)
    expect(seen[0]!.headers.has('x-api-key')).toBe(false)
    expect(seen[0]!.headers.get('x-stainless-lang')).toBe('js')
    expect(response.headers.has('content-encoding')).toBe(false)
  })

  test("another provider's URL and key headers are used as the adapter gives them", async () => {
    const other: Provider = {
      ...openai,
      url: (baseUrl, path) => `${baseUrl}/elsewhere${path}`,
      authHeaders: (key, client) => ({ 'x-api-key': key, 'x-version': client.get('x-stainless-lang') ?? 'none' }),
    }
    const { seen, send } = capture()
    await send({ baseUrl: 'https://other.example/v1', key: REAL, provider: other }, request())
    expect(seen[0]!.url).toBe('https://other.example/v1/elsewhere/chat/completions?trace=1')
    expect(seen[0]!.headers.get('x-api-key')).toBe(REAL)
    expect(seen[0]!.headers.get('x-version')).toBe('js')
    expect(seen[0]!.headers.has('authorization')).toBe(false)
  })
})
