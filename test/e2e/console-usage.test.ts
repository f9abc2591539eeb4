// A key's usage chart in the console (DESIGN §1.10, issue 24 point 1) in a real browser (Debian's headless
// Chromium), offline: after requests with two models on a named key, the Keys section's "Usage chart" draws
// the last 30 days on a canvas, lists each model's totals in a table, switches metric, follows the width of
// the window, speaks 中文; and on a phone (390×844) the console does not scroll sideways.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { chat, keysEnv } from '../helpers/named-keys'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { waitFor } from '../helpers/sse'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

declare const window: any
declare const document: any

const ADMIN_KEY = 'admin-console-usage-Hv2Nc8Wq4Ts6'
const ALICE = 'sk-alice-console-usage-Jr5Xp9Lk2Vm7Qd'
const LONG_QUESTION = `Explain ${'supercalifragilisticexpialidocious-'.repeat(6)} in one line`
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined
let tokens = 0

beforeAll(async () => {
  proxy = await startProxy({ ADMIN_KEY, MODEL_RATE_LIMIT: '0', ...keysEnv([{ name: 'alice', key: ALICE }]) })
  const alice = proxy.client({ apiKey: ALICE })
  for (const [question, model] of [
    ['What is the tallest mountain?', 'gpt-4o-mini'],
    [LONG_QUESTION, 'gpt-4o-mini'],
    ['Name a prime number', 'gpt-4o'],
  ] as const) {
    const { data } = await alice.chat.completions.create({ model, messages: [{ role: 'user', content: question }] }).withResponse()
    tokens += data.usage!.prompt_tokens + data.usage!.completion_tokens
  }
  await waitFor(async () => {
    const history: any = await (await fetch(`${proxy.url}/admin/keys/alice/usage?days=30`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()
    return history.data.reduce((n: number, row: any) => n + row.requests, 0) === 3
  })
})
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
})

async function openUsage(page: Page) {
  await page.goto(`${proxy.url}/console`)
  await page.getByLabel('Admin key').fill(ADMIN_KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  const row = page.locator('section#keys').getByRole('row').filter({ hasText: 'alice' }).first()
  await row.getByRole('button', { name: 'Usage chart' }).click()
  await page.getByRole('heading', { name: 'Usage of alice, last 30 days' }).waitFor()
  await page.locator('table.usage-totals tbody tr').first().waitFor()
}

/** The chart's canvas: its CSS width, and how many of its pixels are painted. */
function canvasState(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('.usage-chart canvas')
    if (!canvas) return { width: 0, painted: 0 }
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    let painted = 0
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
    return { width: canvas.getBoundingClientRect().width, painted }
  })
}

const totalsTable = (page: Page) =>
  page.locator('table.usage-totals tbody tr').evaluateAll((rows) => rows.map((row: any) => [...row.querySelectorAll('td')].map((td: any) => td.textContent.trim())))

describe.skipIf(!available)('console usage chart in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium()
  }, 60_000)

  test('the chart is drawn, the table lists both models with their requests, the metric switches', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await openUsage(page)
    const chart = page.getByRole('img', { name: /Requests per day by model/ })
    await chart.waitFor()
    const drawn = await canvasState(page)
    expect(drawn.width).toBeGreaterThan(600)
    expect(drawn.painted).toBeGreaterThan(500)

    const rows = await totalsTable(page)
    expect(rows.map((cells) => cells.slice(0, 2))).toEqual([
      ['gpt-4o-mini', '2'],
      ['gpt-4o', '1'],
    ])
    await page.getByText('Requests, total over 30 days: 3').waitFor()

    await page.getByLabel('Metric').selectOption({ label: 'Tokens (prompt + completion)' })
    await page.getByText(`Tokens (prompt + completion), total over 30 days: ${tokens}`).waitFor()
    await page.getByRole('img', { name: /Tokens \(prompt \+ completion\) per day by model/ }).waitFor()
    expect((await canvasState(page)).painted).toBeGreaterThan(500)
    await page.getByLabel('Metric').selectOption({ label: 'Cost (USD)' })
    await page.getByText(/^Cost \(USD\), total over 30 days: \$0\.\d+$/).waitFor()

    // The chart follows the window's width (uPlot draws at a pixel size it is given).
    await page.setViewportSize({ width: 900, height: 900 })
    await waitFor(async () => (await canvasState(page)).width < drawn.width - 150)
    expect((await canvasState(page)).painted).toBeGreaterThan(500)

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('中文: the chart section speaks Chinese', async () => {
    const { page, problems } = await openWatched(browser!.context, proxy.url)
    await openUsage(page)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByRole('heading', { name: 'alice 近 30 天用量' }).waitFor()
    await page.getByLabel('指标').selectOption({ label: '节省（美元）' })
    await page.getByRole('img', { name: /每天各模型的节省（美元）/ }).waitFor()
    expect(await page.locator('table.usage-totals caption').textContent()).toBe('各模型合计')
    // Back to English for the other tests of this browser (the choice is remembered).
    await page.getByRole('button', { name: 'English' }).click()
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})

describe.skipIf(!available)('console on a phone (390×844)', () => {
  test('usage chart, upstreams and a long cache entry: nothing scrolls the page sideways', async () => {
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } })
    try {
      await chat(proxy.client(), LONG_QUESTION)
      const { page, elsewhere, problems, violations } = await openWatched(phone.context, proxy.url)
      await openUsage(page)
      const drawn = await canvasState(page)
      expect(drawn.width).toBeGreaterThan(200)
      expect(drawn.width).toBeLessThanOrEqual(390)
      expect(drawn.painted).toBeGreaterThan(200)
      await page.locator('section#upstreams').getByText('healthy').first().waitFor()
      const entry = page.locator('section#cache').getByRole('listitem').filter({ hasText: 'supercalifragilistic' }).first()
      await entry.getByRole('button', { name: 'View' }).click()
      await entry.locator('.entry-view pre').nth(1).waitFor()
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }))
      expect(widths.page).toBeLessThanOrEqual(widths.view)
      expect(elsewhere).toEqual([])
      expect(await violations()).toEqual([])
      expect(problems).toEqual([])
      await page.close()
    } finally {
      await phone.close()
    }
  }, 60_000)
})
