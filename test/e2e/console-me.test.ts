// A key holder's page, /me (issue 24 point 2, DESIGN §1.10), in a real browser (Debian's headless Chromium),
// offline: a wrong key is told so in an alert with the API's message; a key with a budget, after two requests
// through the proxy, shows its budget, spent, remaining, renewal, today and the last 30 days, its rate limit
// and its models; "How to connect" carries the proxy's own URL and the key, and Copy puts them on the
// clipboard; the key stays in this tab's sessionStorage, never in a URL the page requests; 中文; a phone.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { fakeUsage, todayUtc, usageOf } from '../helpers/budget'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { chat, keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, startProxy, type TestProxy } from '../helpers/start-proxy'
import { usd } from '../../src/http/pages/app/me/format'
import { openWatched, type WatchedPage } from '../helpers/watched-page'

declare const window: any

const HOLDER = 'Hk7Pw2Xs9Lq4Dn1Zv6Bm'
const CHAT_ONLY = 'Cq5Tj8Ry3Ue6Wa0Io2Pf'
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined
const questions = [uniqueQuestion(), uniqueQuestion()]

beforeAll(async () => {
  proxy = await startProxy({
    ...PASS_THROUGH_ONLY,
    ...keysEnv([
      { name: 'holder', key: HOLDER, budget: { usd: 2, per: 'month' }, rate_limit: 30, models: ['gpt-4o-mini', 'gpt-4o'] },
      { name: 'chat-only', key: CHAT_ONLY, allow: ['chat'] },
    ]),
  })
  for (const q of questions) await chat(proxy.client({ apiKey: HOLDER }), q, { max_tokens: 20 })
})
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
})

/** Every URL the page asks for, to show that no key travels in one. */
function requestedUrls(page: Page): string[] {
  const urls: string[] = []
  page.on('request', (request) => void urls.push(request.url()))
  return urls
}

async function showUsage(page: Page, key: string) {
  await page.getByLabel('Your key').fill(key)
  await page.getByRole('button', { name: 'Show usage' }).click()
}

async function expectClean(watched: WatchedPage, urls: string[], allowedStatus: string[] = []) {
  expect(watched.elsewhere).toEqual([])
  expect(await watched.violations()).toEqual([])
  expect(watched.problems.filter((p) => !allowedStatus.some((status) => p.includes(status)))).toEqual([])
  for (const key of [HOLDER, CHAT_ONLY]) expect(urls.filter((url) => url.includes(key))).toEqual([])
}

describe.skipIf(!available)('/me in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proxy.url })
  }, 60_000)

  test('a wrong key: an alert with the API’s own message, nothing kept', async () => {
    const refused = await fetch(`${proxy.url}/v1/usage`, { headers: { authorization: 'Bearer not-a-key-of-this-proxy' } })
    expect(refused.status).toBe(401)
    const message = ((await refused.json()) as any).error.message as string

    const watched = await openWatched(browser!.context, proxy.url)
    const urls = requestedUrls(watched.page)
    const { page } = watched
    await page.goto(`${proxy.url}/me`)
    await showUsage(page, 'not-a-key-of-this-proxy')
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain(message)
    expect(await page.getByRole('heading', { name: 'Budget' }).count()).toBe(0)
    expect(await page.evaluate(() => JSON.stringify({ ...window.sessionStorage }))).not.toContain('not-a-key')
    expect(urls.filter((url) => url.includes('not-a-key'))).toEqual([])
    // The refused key's 401s are the failed requests the browser reports (as console errors).
    await expectClean(watched, urls, ['401'])
    await page.close()
  }, 60_000)

  test('a key with a budget after two requests: its budget, usage, rate limit and models; kept across a reload; forgotten', async () => {
    const usage = await usageOf(proxy.url, HOLDER)
    const watched = await openWatched(browser!.context, proxy.url)
    const urls = requestedUrls(watched.page)
    const { page } = watched
    await page.goto(`${proxy.url}/me`)
    await showUsage(page, HOLDER)
    await page.getByRole('heading', { name: 'Budget' }).waitFor()

    const budget = (await page.locator('#budget').textContent())!
    expect(budget).toContain('holder')
    expect(budget).toContain('$2.00 per month')
    expect(usage.spent).toBeGreaterThan(0)
    expect(budget).toContain(`Spent${usd(usage.spent)}`)
    expect(budget).toContain(`Remaining${usd(usage.remaining)}`)
    expect(budget).toContain(`${usage.period.renews_at.slice(0, 10)} 00:00 UTC`)
    expect(budget).toContain('30 requests per minute')
    const meter = page.getByRole('meter', { name: 'Budget used' })
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeCloseTo(usage.spent, 6)
    expect(Number(await meter.getAttribute('aria-valuemax'))).toBe(2)

    // Today and the last 30 days: two requests, their tokens.
    const used = questions.map(fakeUsage)
    const figures = page.getByRole('table', { name: 'Today and the last 30 days' })
    const row = (name: string) => figures.getByRole('row', { name: new RegExp(`^${name}`) })
    expect(await row('Requests').locator('td').allTextContents()).toEqual(['2', '2'])
    const completion = String(used.reduce((sum, u) => sum + u.completionTokens, 0))
    expect(await row('Completion tokens').locator('td').allTextContents()).toEqual([completion, completion])
    expect(await page.locator('#usage').textContent()).toContain(`today is ${todayUtc()}`)
    expect(await page.locator('#usage canvas').count()).toBeGreaterThan(0)
    await page.getByText('Day by day').click()
    const today = page.getByRole('table', { name: 'Day by day' }).getByRole('row', { name: new RegExp(todayUtc()) })
    expect(await today.locator('td').nth(1).textContent()).toBe('2')

    // The models GET /v1/models gives this key: its own patterns over the upstream's list.
    const models = page.getByRole('list', { name: 'Models you may use' })
    expect((await models.getByRole('listitem').allTextContents()).sort()).toEqual(['gpt-4o', 'gpt-4o-mini'])

    // The key stays in this tab only, and a reload shows the usage again without asking.
    const storage = await page.evaluate(() => ({ session: JSON.stringify({ ...window.sessionStorage }), local: JSON.stringify({ ...window.localStorage }), cookie: window.document.cookie }))
    expect(storage.session).toContain(HOLDER)
    expect(storage.local).not.toContain(HOLDER)
    expect(storage.cookie).toBe('')
    expect(page.url()).not.toContain(HOLDER)
    await page.reload()
    await page.getByRole('heading', { name: 'Budget' }).waitFor()
    await page.getByRole('button', { name: 'Forget key' }).click()
    expect(await page.getByRole('heading', { name: 'Budget' }).count()).toBe(0)
    expect(await page.evaluate(() => JSON.stringify({ ...window.sessionStorage }))).not.toContain(HOLDER)
    expect(await page.getByLabel('Your key').inputValue()).toBe('')

    await expectClean(watched, urls)
    await page.close()
  }, 60_000)

  test('how to connect: the proxy’s own URL and the key in each client’s block; Copy puts them on the clipboard', async () => {
    const watched = await openWatched(browser!.context, proxy.url)
    const urls = requestedUrls(watched.page)
    const { page } = watched
    await page.goto(`${proxy.url}/me`)
    await showUsage(page, HOLDER)
    await page.getByRole('heading', { name: 'How to connect' }).waitFor()
    const origin = proxy.url

    await page.getByRole('button', { name: 'Copy base URL' }).click()
    expect(await page.evaluate(() => window.navigator.clipboard.readText())).toBe(`${origin}/v1`)
    await page.getByRole('button', { name: 'Copy key', exact: true }).click()
    expect(await page.evaluate(() => window.navigator.clipboard.readText())).toBe(HOLDER)

    const block = async (name: string) => {
      await page.locator('summary', { hasText: name }).first().click()
      return (await page.locator('details.client', { has: page.locator('summary', { hasText: name }) }).first().textContent())!
    }
    expect(await block('NextChat')).toContain(origin)
    expect(await block('LobeChat')).toContain(`${origin}/v1`)
    expect(await block('Cherry Studio')).toContain(HOLDER)
    expect(await block('ChatHub')).toContain(origin)
    expect(await block('openai-translator')).toContain('/v1/chat/completions')
    expect(await block('OpenAI SDKs')).toContain(`base_url="${origin}/v1", api_key="${HOLDER}"`)
    const claude = await block('Claude Code')
    expect(claude).toContain(`export ANTHROPIC_BASE_URL=${origin}\n`)
    expect(claude).toContain(`export ANTHROPIC_AUTH_TOKEN=${HOLDER}`)
    const codex = await block('Codex')
    expect(codex).toContain(`base_url = "${origin}/v1"`)
    expect(codex).toContain('wire_api = "responses"')
    // The block names a model the key may use.
    expect(codex).toContain('model = "gpt-4o"')

    await page.getByRole('button', { name: 'Copy Claude Code environment' }).click()
    expect(await page.evaluate(() => window.navigator.clipboard.readText())).toBe(`export ANTHROPIC_BASE_URL=${origin}\nexport ANTHROPIC_AUTH_TOKEN=${HOLDER}`)

    // One-click links: NextChat's keeps the key after the #, and each says what it does with the key.
    const nextchat = page.getByRole('link', { name: 'Open in NextChat' })
    const href = (await nextchat.getAttribute('href'))!
    expect(href.startsWith('https://app.nextchat.club/#/?settings=')).toBe(true)
    expect(decodeURIComponent(href.slice(href.indexOf('#')))).toContain(HOLDER)
    expect(await page.locator('details.client', { has: nextchat }).textContent()).toContain('The link carries your key')
    expect(await page.getByRole('link', { name: 'Open in LobeChat' }).getAttribute('href')).toStartWith('https://lobehub.com/?settings=')
    expect(await page.getByRole('link', { name: 'Open in Cherry Studio' }).getAttribute('href')).toStartWith('cherrystudio://providers/api-keys?v=1&data=')

    await expectClean(watched, urls)
    await page.close()
  }, 60_000)

  test('a key without the models group: the page says so instead of failing', async () => {
    const watched = await openWatched(browser!.context, proxy.url)
    const urls = requestedUrls(watched.page)
    const { page } = watched
    await page.goto(`${proxy.url}/me`)
    await showUsage(page, CHAT_ONLY)
    await page.getByRole('heading', { name: 'Models you may use' }).waitFor()
    expect(await page.locator('#models').textContent()).toContain('This key may not list models')
    expect(await page.getByRole('alert').count()).toBe(0)
    expect(await page.locator('#budget').textContent()).toContain('No budget')
    // The refused /v1/models is the failed request the browser reports.
    await expectClean(watched, urls, ['403'])
    await page.evaluate(() => window.sessionStorage.clear())
    await page.close()
  }, 60_000)

  test('中文: the labels, buttons and headings switch', async () => {
    const { page } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/me`)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByLabel('你的密钥').fill(HOLDER)
    await page.getByRole('button', { name: '显示用量' }).click()
    await page.getByRole('heading', { name: '预算' }).waitFor()
    expect(await page.locator('#budget').textContent()).toContain('每分钟 30 次请求')
    expect(await page.getByRole('heading', { name: '如何连接' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: '复制 接口地址' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: '忘记密钥' }).count()).toBe(1)
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Budget' }).waitFor()
    await page.getByRole('button', { name: 'Forget key' }).click()
    await page.close()
  }, 60_000)

  test('a phone (390×844): everything open, the page never scrolls sideways', async () => {
    const watched = await openWatched(browser!.context, proxy.url)
    const urls = requestedUrls(watched.page)
    const { page } = watched
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${proxy.url}/me`)
    await showUsage(page, HOLDER)
    await page.getByRole('heading', { name: 'How to connect' }).waitFor()
    await page.evaluate(() => {
      for (const details of window.document.querySelectorAll('details')) details.open = true
    })
    await page.waitForTimeout(100)
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: window.document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth)
    await expectClean(watched, urls)
    await page.getByRole('button', { name: 'Forget key' }).click()
    await page.close()
  }, 60_000)
})
