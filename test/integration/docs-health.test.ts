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
  test('HTML that loads swagger-ui-dist at a pinned x.y.z version, without auth', async () => {
    const response = await fetch(`${proxy.url}/swagger`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()

    const assets = [...html.matchAll(/(?:src|href)="([^"]*swagger-ui-dist[^"]*)"/g)].map((m) => m[1]!)
    expect(assets.length).toBeGreaterThanOrEqual(2) // the script and the stylesheet
    for (const asset of assets) expect(asset).toMatch(/swagger-ui-dist@\d+\.\d+\.\d+\//)
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true)
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true)
    // Every mention of the package is pinned: no @latest, no range, no bare package URL.
    const mentions = [...html.matchAll(/swagger-ui-dist(@[^/"'\s]*)?/g)].map((m) => m[1] ?? '')
    expect(mentions.length).toBeGreaterThan(0)
    for (const version of mentions) expect(version).toMatch(/^@\d+\.\d+\.\d+$/)
    expect(html).not.toContain('@latest')

    expect(html).not.toContain(REAL_KEY)
    expect(html).not.toContain(PROXY_KEY)
    expect(proxy.upstream.requests).toEqual([])
  })

  test('the spec URL the page points the UI at resolves to the OpenAPI document', async () => {
    const html = await (await fetch(`${proxy.url}/swagger`)).text()
    const match = /"url"\s*:\s*"([^"]+)"/.exec(html)
    expect(match).not.toBeNull()
    // Resolved the way the browser resolves it, relative to the page's own URL.
    const specUrl = new URL(match![1]!, `${proxy.url}/swagger`)
    expect(specUrl.origin).toBe(proxy.url)
    const spec = await fetch(specUrl)
    expect(spec.status).toBe(200)
    expect(((await spec.json()) as any).openapi).toMatch(/^3\./)
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
