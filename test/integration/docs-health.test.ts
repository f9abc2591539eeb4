// The unauthenticated service routes: /health for orchestrators, /swagger and /swagger/json for people.

import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy, PASS_THROUGH_ONLY } from '../helpers/start-proxy'

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0' })
})
afterAll(() => proxy.stop())
beforeEach(() => proxy.upstream.reset())

describe('GET /health', () => {
  test('200 without auth, and the upstream is not called', async () => {
    const response = await fetch(`${proxy.url}/health`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as any
    expect(body.status).toBe('ok')
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(proxy.upstream.requests).toEqual([])
  })

  test('a wrong key does not turn it into a 401, and the upstream is still not called', async () => {
    const response = await fetch(`${proxy.url}/health`, { headers: { authorization: 'Bearer not-a-key' } })
    expect(response.status).toBe(200)
    await response.arrayBuffer()
    expect(proxy.upstream.requests).toEqual([])
  })
})

describe('GET /swagger', () => {
  /** The page's CSP as directive → sources. */
  const policyOf = (response: Response) =>
    new Map(
      (response.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...sources]) => [name!, sources])
    )

  test('HTML without auth whose every script and stylesheet is served by the proxy: no CDN, no inline script', async () => {
    const response = await fetch(`${proxy.url}/swagger`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/) // every script is a file
    expect(html).not.toMatch(/<style|\bstyle=|\bon[a-z]+=/i)

    const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((a) => !a.startsWith('data:'))
    expect(assets.filter((a) => a.endsWith('.js')).length).toBeGreaterThanOrEqual(2) // swagger-ui and its initializer
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true)
    for (const asset of assets) {
      // Resolved the way the browser resolves it, relative to the page's own URL.
      const url = new URL(asset, `${proxy.url}/swagger`)
      expect(url.origin).toBe(proxy.url)
      const served = await fetch(url)
      expect({ asset, status: served.status }).toEqual({ asset, status: 200 })
      expect(served.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
      expect(served.headers.get('x-content-type-options')).toBe('nosniff')
      expect((await served.text()).length).toBeGreaterThan(100)
    }

    expect(html).not.toContain(REAL_KEY)
    expect(html).not.toContain(PROXY_KEY)
    expect(proxy.upstream.requests).toEqual([])
  })

  test('a Content-Security-Policy with no third-party origin and no inline script, and no referrer', async () => {
    const response = await fetch(`${proxy.url}/swagger`)
    await response.text()
    const policy = policyOf(response)
    expect(policy.get('default-src')).toEqual(["'none'"])
    expect(policy.get('script-src')).toEqual(["'self'"])
    for (const [name, sources] of policy) {
      for (const source of sources) expect({ name, source }).toEqual({ name, source: expect.stringMatching(/^(?:'self'|'none'|data:)$/) })
    }
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  test('the UI files are revalidated, not downloaded again: 304 for a known ETag', async () => {
    const first = await fetch(`${proxy.url}/swagger/swagger-ui-bundle.js`)
    await first.arrayBuffer()
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await fetch(`${proxy.url}/swagger/swagger-ui-bundle.js`, { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  test('the initializer points the UI at the OpenAPI document, found from its own address', async () => {
    const script = await (await fetch(`${proxy.url}/swagger/swagger-initializer.js`)).text()
    expect(script).toContain("new URL('json', document.currentScript.src)")
    const spec = await fetch(new URL('json', `${proxy.url}/swagger/swagger-initializer.js`))
    expect(spec.status).toBe(200)
    expect(((await spec.json()) as any).openapi).toMatch(/^3\./)
  })

  test('/swagger/ redirects to /swagger, where its relative addresses resolve', async () => {
    const response = await fetch(`${proxy.url}/swagger/`, { redirect: 'manual' })
    expect(response.status).toBe(308)
    expect(new URL(response.headers.get('location')!, `${proxy.url}/swagger/`).href).toBe(`${proxy.url}/swagger`)
  })
})

describe('GET /swagger/json', () => {
  test('an OpenAPI document of the proxied routes, with an example chat body', async () => {
    const response = await fetch(`${proxy.url}/swagger/json`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    const doc = (await response.json()) as any
    expect(doc.openapi).toMatch(/^3\./)

    const chat = doc.paths['/v1/chat/completions']?.post
    expect(chat).toBeDefined()
    const example = chat.requestBody?.content?.['application/json']?.example
    expect(typeof example?.model).toBe('string')
    expect(Array.isArray(example?.messages)).toBe(true)
    expect(example.messages.length).toBeGreaterThan(0)
    expect(example.messages.every((m: any) => typeof m.role === 'string')).toBe(true)

    expect(doc.paths['/v1/completions']?.post).toBeDefined()
    expect(doc.paths['/v1/embeddings']?.post).toBeDefined()
    expect(doc.paths['/v1/models']?.get).toBeDefined()

    // The catch-all proxy routes are not documented as if they were endpoints.
    expect(Object.keys(doc.paths).filter((path) => path.includes('*'))).toEqual([])
    expect(proxy.upstream.requests).toEqual([])
  })

  test('a bearer security scheme that the OpenAI routes use', async () => {
    const doc = (await (await fetch(`${proxy.url}/swagger/json`)).json()) as any
    const schemes: Record<string, any> = doc.components?.securitySchemes ?? {}
    const bearer = Object.entries(schemes).filter(([, s]) => s.type === 'http' && String(s.scheme).toLowerCase() === 'bearer')
    expect(bearer.length).toBeGreaterThan(0)
    const bearerNames = bearer.map(([name]) => name)

    for (const [path, method] of [
      ['/v1/chat/completions', 'post'],
      ['/v1/completions', 'post'],
      ['/v1/embeddings', 'post'],
      ['/v1/models', 'get'],
    ] as const) {
      const security: Record<string, unknown>[] = doc.paths[path][method].security ?? doc.security ?? []
      expect(security.some((requirement) => Object.keys(requirement).some((name) => bearerNames.includes(name)))).toBe(true)
    }
  })

  test('is valid OpenAPI, with every feature on (admin, metrics key), by a real validator', async () => {
    const full = await startProxy({ ADMIN_KEY: 'admin-key-for-docs-test', METRICS_KEY: 'metrics-key-for-docs-test' })
    try {
      const doc = await (await fetch(`${full.url}/swagger/json`)).json()
      const result = await new Validator().validate(doc as Record<string, unknown>)
      expect(result.errors ?? []).toEqual([])
      expect(result.valid).toBe(true)
    } finally {
      await full.stop()
    }
  })

  test('the document contains neither the real key nor the proxy key', async () => {
    const text = await (await fetch(`${proxy.url}/swagger/json`)).text()
    expect(text.length).toBeGreaterThan(100)
    expect(text).not.toContain(REAL_KEY)
    expect(text).not.toContain(PROXY_KEY)
  })
})
