// The operator's status page (GET /) in a real browser: Debian's headless Chromium, never a downloaded
// build. A scripted session against the real proxy (misses, exact and semantic hits, an embeddings call,
// 429s and an upstream error), then the page is opened at desktop and phone sizes and checked for what it
// shows, what it must never show, and for console errors. Leaves a screenshot in the temp folder, or in
// docs/status-page.png with UPDATE_SCREENSHOT=1 (so a plain test run does not touch tracked files).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { fingerprint } from '../../src/upstream/fingerprint'
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { auth, postJson, PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// The callbacks given to page.evaluate() and page.waitForFunction() run in the browser. This project's
// tsconfig has no DOM library, so they see these module-local declarations instead.
declare const document: any
declare function getComputedStyle(element: unknown): { fontSize: string }

const ROOT = resolve(import.meta.dir, '../..')
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs', 'status-page.png') : join(tmpdir(), 'proxy-gpt-status-page.png')
const TIMEOUT_MS = 60_000

/** A second client key: with several keys the rate limit counts per key, so the session can use two budgets. */
const SECOND_KEY = 'proxy-key-for-tests-second-5a4b3c'
const PROMPTS = {
  original: 'How tall is the Eiffel Tower?',
  paraphrase: 'What is the height of the Eiffel Tower',
  other: 'Who painted the Mona Lisa?',
  limited: ['Name three primary colours please', 'Why do cats purr at night'],
  failing: 'Why is the sky blue in the afternoon',
  embedded: 'status page embedding input text',
}
const ALL_PROMPTS = [PROMPTS.original, PROMPTS.paraphrase, PROMPTS.other, ...PROMPTS.limited, PROMPTS.failing, PROMPTS.embedded]

const available = chromiumAvailable()
if (!available) {
  console.warn(`status page e2e tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`)
}

let proxy: TestProxy
let browser: Chromium | undefined

async function ask(content: string, key = PROXY_KEY, model = 'gpt-4o-mini') {
  const response = await postJson(`${proxy.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content }] }, auth(key))
  await response.text()
  return response
}

/**
 * MODEL_RATE_LIMIT=2 per key. First key: 2 misses (its budget), 2 exact hits and a semantic hit (hits spend
 * nothing), then 2 refused with 429. Second key: an embeddings call and a chat call that the upstream fails.
 */
async function scriptedSession() {
  expect((await ask(PROMPTS.original)).headers.get('x-cache')).toBe('MISS')
  expect((await ask(PROMPTS.original)).headers.get('x-cache-match')).toBe('exact')
  expect((await ask(PROMPTS.original)).headers.get('x-cache-match')).toBe('exact')
  expect((await ask(PROMPTS.paraphrase)).headers.get('x-cache-match')).toBe('semantic')
  expect((await ask(PROMPTS.other)).headers.get('x-cache')).toBe('MISS')
  for (const content of PROMPTS.limited) expect((await ask(content)).status).toBe(429)

  const embeddings = await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: PROMPTS.embedded }, auth(SECOND_KEY))
  expect(embeddings.status).toBe(200)
  await embeddings.text()
  proxy.upstream.fault({ status: 500 })
  expect((await ask(PROMPTS.failing, SECOND_KEY)).status).toBe(500)
}

interface Watched {
  page: Page
  /** Console errors, uncaught exceptions and failed requests, as text. */
  problems: string[]
  /** Every URL the page asked for. */
  urls: string[]
}

async function open(context: BrowserContext, viewport?: { width: number; height: number }): Promise<Watched> {
  const page = await context.newPage()
  if (viewport) await page.setViewportSize(viewport)
  const problems: string[] = []
  const urls: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`))
  page.on('request', (request) => void urls.push(request.url()))
  return { page, problems, urls }
}

/** Waits until the page has either shown the figures or its error state, and insists on the figures. */
async function waitForFigures(page: Page) {
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', undefined, { timeout: 15_000 })
  const state = await page.evaluate(() => document.body.dataset.state)
  if (state !== 'ready') throw new Error(`the page shows its error state: ${await page.textContent('#error')}`)
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim()

describe.skipIf(!available)('status page (GET /) in headless Chromium', () => {
  let stats: any

  beforeAll(async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '2', CACHE_SIMILARITY_THRESHOLD: '0.8', PROXY_KEY: `${PROXY_KEY},${SECOND_KEY}` })
    await scriptedSession()
    stats = await (await fetch(`${proxy.url}/stats`)).json()
    browser = await launchChromium({ viewport: { width: 1280, height: 900 }, locale: 'en-US', colorScheme: 'light' })
  }, TIMEOUT_MS)

  afterAll(async () => {
    await browser?.close()
    await proxy?.stop()
  })

  test('the session is in /stats (what the page will show)', () => {
    expect(stats.requests.total).toBe(9)
    expect(stats.requests.byEndpoint.chat).toBe(8)
    expect(stats.requests.byEndpoint.embeddings).toBe(1)
    expect(stats.cache.hits).toEqual({ exact: 2, semantic: 1 })
    expect(stats.rateLimited).toBe(2)
    expect(stats.upstream.errors).toBe(1)
    expect(stats.series.points.length).toBeGreaterThanOrEqual(1)
    expect(stats.replicas).toEqual({ mode: 'alone', seen: 1 }) // the test proxy runs without REDIS_URL
  })

  test('served as a self-contained HTML page and its own script: no external URL, no key, no prompt text', async () => {
    const response = await fetch(`${proxy.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const source = await response.text()
    expect(source).toStartWith('<!doctype html>')
    expect(source).not.toMatch(/https?:\/\//) // no CDN, no web font, nothing fetched from elsewhere
    // No external script, image or frame: the one src is the page's script, from the proxy, by a relative URL.
    expect([...source.matchAll(/\bsrc=("[^"]*"|\S*)/g)].map((m) => m[1])).toEqual(['"assets/status.js"'])
    for (const secret of ['sk-', PROXY_KEY, SECOND_KEY, REAL_KEY, ...ALL_PROMPTS]) expect(source).not.toContain(secret)
    const script = await (await fetch(`${proxy.url}/assets/status.js`)).text()
    expect(script).not.toMatch(/https?:\/\//)
    for (const secret of ['sk-', PROXY_KEY, SECOND_KEY, REAL_KEY, ...ALL_PROMPTS]) expect(script).not.toContain(secret)

    const spec: any = await (await fetch(`${proxy.url}/swagger/json`)).json()
    expect(Object.keys(spec.paths ?? {})).not.toContain('/')
  })

  test('desktop: the figures, the chart and no console errors; screenshot in docs/', async () => {
    const { page, problems, urls } = await open(browser!.context)
    const response = await page.goto(`${proxy.url}/`)
    expect(response?.status()).toBe(200)
    await waitForFigures(page)

    expect(await text(page, '#chart-title')).toBe('Requests and cache hits')
    expect(await text(page, '#requests-total')).toBe(String(stats.requests.total))
    const hitRate = await text(page, '#hit-rate')
    expect(hitRate).toMatch(/^\d+\.\d%$/)
    expect(Number.parseFloat(hitRate)).toBeGreaterThan(0)
    expect(hitRate).toBe(`${(stats.cache.hitRate * 100).toFixed(1)}%`)
    expect(Number.parseFloat(await text(page, '#exact-rate'))).toBeGreaterThan(0)
    expect(Number.parseFloat(await text(page, '#semantic-rate'))).toBeGreaterThan(0)
    expect(await text(page, '#rate-limited')).toBe('2')
    expect(await text(page, '#upstream-errors')).toBe('1')
    expect(await text(page, '#p50')).toMatch(/^\d+(\.\d)? (ms|s)$/)
    expect(await text(page, '#tokens-saved')).toMatch(/^[1-9][\d,]*$/)
    expect(await text(page, '#usd-saved')).toMatch(/^≈ \$\d+\.\d+ saved \(estimate\)$/)
    expect(await text(page, '#version')).toBe(`v${stats.version}`)
    expect(await text(page, '#replicas')).toBe('One process') // no REDIS_URL: not shared with other replicas
    expect(await page.getAttribute('#replicas', 'data-mode')).toBe('alone')
    const models = await page.$$eval('#by-model tbody td.name', (cells) => cells.map((cell) => cell.textContent))
    expect(models).toContain('gpt-4o-mini')
    expect(models).toContain('text-embedding-3-small')
    const endpoints = await page.$$eval('#by-endpoint tbody tr', (rows) => rows.map((row) => row.querySelector('td.num')?.textContent))
    expect(endpoints.slice(0, 3)).toEqual(['8', '0', '1']) // chat, completions, embeddings
    // The upstream and its key by fingerprint, with the counts of /stats.
    const upstreamRows = await page.$$eval('#by-upstream tbody tr', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)))
    const key = stats.upstreams[0].keys[0]
    expect(upstreamRows[0]![0]).toBe('default')
    expect(upstreamRows[1]).toEqual([`· ${key.fingerprint}`, String(key.requests), String(key.errors), String(key.rateLimited), 'ok'])
    expect(key.fingerprint).toBe(fingerprint(REAL_KEY))

    // The chart: one drawn bar per bucket with traffic, stacked hits inside it, axis labels and a legend.
    const points = await page.$$eval('#chart [data-point]', (groups) =>
      groups.map((g) => ({
        requests: Number(g.getAttribute('data-requests')),
        exact: Number(g.getAttribute('data-hits-exact')),
        semantic: Number(g.getAttribute('data-hits-semantic')),
        height: Number(g.querySelector('rect[data-series="requests"]')?.getAttribute('height')),
      }))
    )
    expect(points.length).toBeGreaterThanOrEqual(1)
    expect(points.every((p) => p.height > 0)).toBe(true)
    const sum = (key: 'requests' | 'exact' | 'semantic') => points.reduce((total, p) => total + p[key], 0)
    expect(sum('requests')).toBe(stats.series.points.reduce((total: number, p: any) => total + p.requests, 0))
    expect(sum('exact')).toBe(2)
    expect(sum('semantic')).toBe(1)
    expect(await page.locator('#chart rect[data-series="exact"]').count()).toBeGreaterThanOrEqual(1)
    expect(await page.locator('#chart rect[data-series="semantic"]').count()).toBeGreaterThanOrEqual(1)
    expect(await page.locator('#chart text[data-axis="x"]').count()).toBeGreaterThanOrEqual(3)
    expect(await page.locator('#chart text[data-axis="y"]').count()).toBe(1)
    expect(await text(page, '#legend')).toContain('Semantic hits')

    // Only the page itself and its figures were fetched, from the proxy.
    expect(urls.every((url) => url.startsWith(`${proxy.url}/`) || url.startsWith('data:'))).toBe(true)
    expect(urls).toContain(`${proxy.url}/stats`)
    const rendered = await page.content()
    for (const secret of ['sk-', PROXY_KEY, SECOND_KEY, REAL_KEY, ...ALL_PROMPTS]) expect(rendered).not.toContain(secret)
    expect(problems).toEqual([])

    mkdirSync(join(ROOT, 'docs'), { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    await page.close()
  }, TIMEOUT_MS)

  test('the 中文 toggle switches the labels and is remembered after a reload', async () => {
    const { page, problems } = await open(browser!.context)
    await page.goto(`${proxy.url}/`)
    await waitForFigures(page)
    expect(await text(page, '#chart-title')).toBe('Requests and cache hits')

    await page.click('.lang button[data-lang="zh"]')
    expect(await text(page, '#chart-title')).toBe('请求与缓存命中')
    expect(await text(page, '#hit-rate-label')).toBe('缓存命中率')
    expect(await text(page, '#by-endpoint th')).toBe('接口')
    expect(await text(page, '#replicas')).toBe('单进程')
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    expect(await page.getAttribute('.lang button[data-lang="zh"]', 'aria-pressed')).toBe('true')
    // The figures stay: only the words change.
    expect(await text(page, '#rate-limited')).toBe('2')

    await page.reload()
    await waitForFigures(page)
    expect(await text(page, '#chart-title')).toBe('请求与缓存命中')
    expect(await text(page, '#usd-saved')).toMatch(/^约节省 \$\d+\.\d+（估算）$/)
    expect(await page.evaluate(() => localStorage.getItem('proxy-gpt.status.lang'))).toBe('zh')

    await page.click('.lang button[data-lang="en"]')
    expect(await text(page, '#chart-title')).toBe('Requests and cache hits')
    expect(await text(page, '#replicas')).toBe('One process')
    expect(problems).toEqual([])
    await page.close()
  }, TIMEOUT_MS)

  test('phone (390×844): readable without sideways scrolling, chart drawn', async () => {
    const { page, problems } = await open(browser!.context, { width: 390, height: 844 })
    await page.goto(`${proxy.url}/`)
    await waitForFigures(page)
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      chartWidth: document.getElementById('chart')!.getBoundingClientRect().width,
      fontSize: Number.parseFloat(getComputedStyle(document.body).fontSize),
    }))
    expect(layout.scrollWidth).toBeLessThanOrEqual(390)
    expect(layout.chartWidth).toBeGreaterThan(250)
    expect(layout.chartWidth).toBeLessThanOrEqual(390)
    expect(layout.fontSize).toBeGreaterThanOrEqual(14)
    expect(await page.locator('#chart [data-point]').count()).toBeGreaterThanOrEqual(1)
    expect(await page.isVisible('#hit-rate')).toBe(true)
    expect(Number.parseFloat(await text(page, '#hit-rate'))).toBeGreaterThan(0)
    expect(problems).toEqual([])
    await page.close()
  }, TIMEOUT_MS)

  test('a browser asking for Chinese gets it by default', async () => {
    const zh = await launchChromium({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', colorScheme: 'dark' })
    try {
      const { page, problems } = await open(zh.context)
      await page.goto(`${proxy.url}/`)
      await waitForFigures(page)
      expect(await text(page, '#chart-title')).toBe('请求与缓存命中')
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
      expect(problems).toEqual([])
    } finally {
      await zh.close()
    }
  }, TIMEOUT_MS)

  test('refreshes the figures every 15 s', async () => {
    const { page, problems, urls } = await open(browser!.context)
    await page.clock.install()
    await page.goto(`${proxy.url}/`)
    await waitForFigures(page)
    const before = Number((await text(page, '#requests-total')).replace(/,/g, ''))
    const fetches = () => urls.filter((url) => url === `${proxy.url}/stats`).length
    expect(fetches()).toBe(1)

    expect((await ask(PROMPTS.original)).headers.get('x-cache-match')).toBe('exact') // one more request, an exact hit
    await page.clock.fastForward(15_000)
    await page.waitForFunction((n) => document.getElementById('requests-total')!.textContent!.replace(/,/g, '') === String(n), before + 1)
    expect(fetches()).toBe(2)
    expect(await text(page, '#hits-exact')).toBe('3')
    expect(problems).toEqual([])
    await page.close()
  }, TIMEOUT_MS)
})
