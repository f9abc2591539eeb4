// /swagger in a real browser (Debian's headless Chromium) with every request to another origin blocked, as on
// a machine without internet: the UI must come from the proxy itself, render the operations, and be able to
// call the proxy ("Try it out") under its Content-Security-Policy.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

// Callbacks given to page.evaluate() run in the browser; this project's tsconfig has no DOM library.
declare const document: any

const TIMEOUT_MS = 60_000

const available = chromiumAvailable()
if (!available) console.warn(`swagger page e2e tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`)

let proxy: TestProxy
let browser: Chromium | undefined

interface Offline {
  page: Page
  /** Requests to any other origin: aborted, and listed here. */
  elsewhere: string[]
  /** Console errors (a CSP refusal is one), uncaught exceptions and failed requests. */
  problems: string[]
}

async function openOffline(): Promise<Offline> {
  const page = await browser!.context.newPage()
  const elsewhere: string[] = []
  const problems: string[] = []
  await page.route('**', (route) => {
    const url = route.request().url()
    if (url.startsWith(`${proxy.url}/`)) return route.continue()
    elsewhere.push(url)
    return route.abort('internetdisconnected')
  })
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`))
  return { page, elsewhere, problems }
}

/** The operation block of one path and method, once the UI has rendered it. */
async function operation(page: Page, method: string, path: string) {
  const block = page.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`)
  await block.first().waitFor({ state: 'visible', timeout: 15_000 })
  return block.first()
}

describe.skipIf(!available)('/swagger in headless Chromium, offline', () => {
  beforeAll(async () => {
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0' })
    browser = await launchChromium()
  }, TIMEOUT_MS)

  afterAll(async () => {
    await browser?.close()
    await proxy?.stop()
  })

  test(
    'the UI renders every operation from the proxy alone: no request to another origin, no CSP refusal',
    async () => {
      const { page, elsewhere, problems } = await openOffline()
      const response = await page.goto(`${proxy.url}/swagger`)
      expect(response?.status()).toBe(200)

      const chat = await operation(page, 'post', '/v1/chat/completions')
      // swagger-ui breaks a path with zero-width spaces so that it can wrap.
      expect(((await chat.locator('.opblock-summary-path').innerText()) ?? '').replace(/\u200b/g, '')).toBe('/v1/chat/completions')
      await expect(page.getByText('proxy-gpt', { exact: false }).first().isVisible()).resolves.toBe(true)
      expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(8)

      expect(elsewhere).toEqual([])
      expect(problems).toEqual([])
      await page.close()
    },
    TIMEOUT_MS
  )

  test(
    '"Try it out" reaches the proxy and shows its answer',
    async () => {
      const { page, elsewhere, problems } = await openOffline()
      await page.goto(`${proxy.url}/swagger`)
      const models = await operation(page, 'get', '/v1/models')
      await models.locator('.opblock-summary').click()
      await models.locator('button.try-out__btn').click()
      await models.locator('button.execute').click()
      // No key was given in "Authorize", so the proxy's own 401 comes back, read by the page.
      const status = models.locator('.live-responses-table .response .response-col_status')
      await status.first().waitFor({ state: 'visible', timeout: 15_000 })
      expect((await status.first().innerText()).trim()).toBe('401')
      expect(await models.locator('.live-responses-table').innerText()).toContain('invalid_api_key')

      expect(elsewhere).toEqual([])
      // The 401 itself is logged by Chromium as a failed resource load; nothing else may be.
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([])
      await page.close()
    },
    TIMEOUT_MS
  )
})
