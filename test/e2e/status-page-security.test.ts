// The status page's security headers (DESIGN §1.10), and the page under them in a real browser (Debian's
// headless Chromium) with every request to another origin blocked: its script comes from the proxy itself,
// runs without one CSP refusal, and an injected inline script would not run. Another origin cannot frame it.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

// Callbacks given to page.evaluate() and page.waitForFunction() run in the browser; this project's tsconfig
// has no DOM library.
declare const document: any
declare const window: any

const TIMEOUT_MS = 60_000
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined

/** The CSP's directives by name, each with its source list. */
function directives(policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) out[name] = sources
  }
  return out
}

const openOffline = () => openWatched(browser!.context, proxy.url)

beforeAll(async () => {
  proxy = await startProxy()
})
afterAll(async () => {
  await proxy?.stop()
})

describe('status page security headers', () => {
  test('GET /: a CSP with scripts of its own origin only, no inline script, no third party; framed only by itself and huggingface.co', async () => {
    const response = await fetch(`${proxy.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const policy = response.headers.get('content-security-policy') ?? ''
    const csp = directives(policy)
    expect(csp['default-src']).toEqual(["'none'"])
    expect(csp['script-src']).toEqual(["'self'"])
    expect(csp['connect-src']).toEqual(["'self'"])
    expect(csp['frame-ancestors']).toEqual(["'self'", 'https://huggingface.co'])
    expect(csp['base-uri']).toEqual(["'none'"])
    // Styles: the page's own inline block, by hash, never 'unsafe-inline'.
    expect(csp['style-src']!.length).toBeGreaterThan(0)
    for (const source of csp['style-src']!) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/)
    expect(policy).not.toContain('unsafe-')
    // No origin but Hugging Face's, and that one only for framing.
    expect(policy.match(/\b[a-z][a-z0-9+.-]*:\/\/[^\s;]+/g)).toEqual(['https://huggingface.co'])

    const html = await response.text()
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(html).toContain('<script src="assets/status.js"></script>')
  })

  test('GET /assets/status.js: the bundled script, nosniff, revalidated by ETag, hidden from the API docs', async () => {
    const response = await fetch(`${proxy.url}/assets/status.js`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const script = await response.text()
    // One classic script: everything inlined, nothing left to import at run time.
    expect(script.length).toBeGreaterThan(5000)
    expect(script).not.toMatch(/\bimport\s*[({'"]|\brequire\(/)
    const etag = response.headers.get('etag')!
    expect(etag).toMatch(/^"\w+"$/)
    const again = await fetch(`${proxy.url}/assets/status.js`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')

    const spec: any = await (await fetch(`${proxy.url}/swagger/json`)).json()
    expect(Object.keys(spec.paths ?? {}).filter((path) => path.includes('assets'))).toEqual([])
  })
})

describe.skipIf(!available)('status page under its CSP in headless Chromium, offline', () => {
  beforeAll(async () => {
    browser = await launchChromium()
  }, TIMEOUT_MS)
  afterAll(async () => {
    await browser?.close()
  })

  test('shows the figures with no request to another origin and no CSP refusal; an injected inline script is refused', async () => {
    const { page, elsewhere, problems } = await openOffline()
    const urls: string[] = []
    page.on('request', (request) => void urls.push(request.url()))
    await page.goto(`${proxy.url}/`)
    await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
    expect(await page.textContent('#chart-title')).toBe('Requests and cache hits')
    expect(urls).toContain(`${proxy.url}/assets/status.js`)
    expect(urls).toContain(`${proxy.url}/stats`)
    expect(elsewhere).toEqual([])
    expect(await page.evaluate(() => window.violations)).toEqual([])
    expect(problems).toEqual([])

    // The policy is in force, and this test sees a refusal when there is one.
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.injected = true'
      document.body.appendChild(script)
    })
    await page.waitForFunction(() => window.violations.length > 0, undefined, { timeout: 5_000 })
    expect(await page.evaluate(() => window.violations)).toEqual(['script-src-elem inline'])
    expect(await page.evaluate(() => window.injected)).toBeUndefined()
    await page.close()
  }, TIMEOUT_MS)

  test('another origin cannot show the page in a frame', async () => {
    const framer = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () => new Response(`<!doctype html><iframe id="frame" src="${proxy.url}/"></iframe>`, { headers: { 'content-type': 'text/html' } }),
    })
    try {
      const page = await browser!.context.newPage()
      const refused = page.waitForEvent('console', { predicate: (message) => message.text().includes('frame-ancestors'), timeout: 10_000 })
      await page.goto(`http://127.0.0.1:${framer.port}/`)
      expect((await refused).type()).toBe('error')
      // The frame holds no status page: its script never ran there.
      const framed = page.frames().find((frame) => frame !== page.mainFrame())
      expect(await framed?.evaluate(() => document.getElementById('chart-title')?.textContent).catch(() => undefined)).toBeUndefined()
      await page.close()
    } finally {
      await framer.stop(true)
    }
  }, TIMEOUT_MS)
})
