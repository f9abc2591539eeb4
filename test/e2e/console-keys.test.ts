// The console's Keys section (DESIGN §1.10, issue 24 point 1) in a real browser (Debian's headless Chromium),
// offline: the owner makes a key with a rate limit, a monthly USD budget and models; copies the value shown
// once; the key works through the proxy (OpenAI SDK, fake upstream) and its request and spend show in the
// list; an edit is saved and the API's value shows; a refused change shows the API's own message; reset
// zeroes the usage; revoke removes the key and the proxy refuses it. At phone width nothing scrolls sideways.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { sdkError } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

declare const window: any

const ADMIN_KEY = 'admin-console-keys-Rt5Wq8Zn3Lm6'
// Dear enough that one small answer costs cents, so "spent > 0" is plain in the list.
const MODEL_PRICES = JSON.stringify({ 'gpt-4o-mini': { input: 1000, output: 2000 } })
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined

beforeAll(async () => {
  proxy = await startProxy({ ...PASS_THROUGH_ONLY, ADMIN_KEY, MODEL_RATE_LIMIT: '0', MODEL_PRICES })
})
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
})

const adminGet = async (path: string) => (await fetch(`${proxy.url}/admin/keys${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json() as Promise<any>
const ask = (key: string, model = 'gpt-4o-mini') =>
  proxy.client({ apiKey: key }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hello from the family' }] })

async function signIn(page: Page) {
  await page.goto(`${proxy.url}/console`)
  await page.getByLabel('Admin key').fill(ADMIN_KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Keys' }).waitFor()
}

/** The list's row of a key: the one row showing its name alone (its edit form's row says "Edit <name>"). */
const rowOf = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByText(name, { exact: true }) })

/** How far the page is wider than the screen (0: it does not scroll sideways). */
const overflow = (page: Page) => page.evaluate(() => window.document.documentElement.scrollWidth - window.innerWidth)
/** Elements of the Keys section that reach past the screen's right edge (cut off, or hidden in a scroll box). */
const pastTheEdge = (page: Page) =>
  page.evaluate(() =>
    [...window.document.querySelectorAll('#keys *')]
      .filter((el: any) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el: any) => `${el.tagName} ${el.textContent.slice(0, 40)}`)
  )

describe.skipIf(!available)('console keys in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium()
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: proxy.url })
  }, 60_000)

  test('make, copy, use, see the usage, edit, a refused change, reset, revoke', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await signIn(page)

    await page.getByRole('button', { name: 'New key' }).click()
    await page.getByLabel('Name').fill('family')
    await page.getByLabel('Rate limit').fill('20')
    await page.getByLabel('Budget').fill('5')
    await page.getByLabel('Unit').selectOption('usd')
    await page.getByLabel('Period').selectOption('month')
    await page.getByLabel('Models').fill('gpt-4o-mini')
    await page.getByRole('button', { name: 'Create key' }).click()

    // Shown once, with a note saying so; Copy puts exactly it on the clipboard.
    await page.getByText('it will not be shown again').waitFor()
    await page.getByRole('button', { name: 'Copy', exact: true }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    const key: string = await page.evaluate(() => window.navigator.clipboard.readText())
    expect(key).toMatch(/^pgpt-[A-Za-z0-9]{43}$/)
    expect(await page.locator('.made-key code').first().textContent()).toBe(key)
    expect(await adminGet('/family')).toMatchObject({ name: 'family', rate_limit: 20, budget: { usd: 5, per: 'month' }, models: ['gpt-4o-mini'] })
    // Beside it, how a client connects with it: this proxy's own address.
    await page.getByText('Client settings for this key').click()
    await page.locator('.made-key').getByText(`${proxy.url}/v1`, { exact: true }).first().waitFor()

    // The key works through the proxy, within its models only.
    expect((await ask(key)).choices[0]!.message.content).toBe('Echo: hello from the family')
    expect((await sdkError(ask(key, 'gpt-4o'))).code).toBe('model_not_found')

    // Dismissed, the key is gone from the page; after a reload the list shows its request and spend.
    await page.getByRole('button', { name: 'Done, hide the key' }).click()
    expect(await page.content()).not.toContain(key)
    await page.reload()
    const row = rowOf(page, 'family')
    await row.waitFor()
    const text = (await row.textContent())!
    expect(text).toContain('20 requests/min')
    expect(text).toContain('models: gpt-4o-mini')
    expect(text).toContain(`${new Date().toISOString().slice(0, 10)}`) // last used: today (UTC)
    expect(text).toContain('1 request · $')
    const spent = Number(/\$([\d.]+) of \$5\.00 per month/.exec(text)?.[1])
    expect(spent).toBeGreaterThan(0)
    expect(spent).toBeCloseTo((await adminGet('/family')).usage.spent, 4)
    expect(await page.content()).not.toContain(key)

    // Edit: the form holds the key's settings; Save sends the change and the list shows the API's value.
    await row.getByRole('button', { name: 'Edit' }).click()
    expect(await page.getByLabel('Rate limit').inputValue()).toBe('20')
    expect(await page.getByLabel('Budget').inputValue()).toBe('5')
    await page.getByLabel('Rate limit').fill('7')
    await page.getByRole('button', { name: 'Save' }).click()
    await rowOf(page, 'family').getByText('7 requests/min').waitFor()
    expect((await adminGet('/family')).rate_limit).toBe(7)

    // A change the API refuses: its message in an alert beside the form, the key unchanged.
    await rowOf(page, 'family').getByRole('button', { name: 'Edit' }).click()
    await page.getByLabel('Budget').fill('-1')
    await page.getByRole('button', { name: 'Save' }).click()
    expect(await page.getByRole('alert').textContent()).toContain('budget.usd must be a number above 0')
    expect((await adminGet('/family')).budget).toEqual({ usd: 5, per: 'month' })
    await page.getByRole('button', { name: 'Cancel' }).click()

    // A taken name: the API's 409 message.
    await page.getByRole('button', { name: 'New key' }).click()
    await page.getByLabel('Name').fill('family')
    await page.getByRole('button', { name: 'Create key' }).click()
    expect(await page.getByRole('alert').textContent()).toContain('A key named "family" exists.')
    await page.getByRole('button', { name: 'Cancel' }).click()

    // Reset usage asks once more, then the request and spend are gone.
    await rowOf(page, 'family').getByRole('button', { name: 'Reset usage' }).click()
    await rowOf(page, 'family').getByRole('button', { name: 'Confirm reset usage' }).click()
    await rowOf(page, 'family').getByText('$0 of $5.00 per month').waitFor()
    expect(await rowOf(page, 'family').textContent()).toContain('0 requests · $0')
    expect((await adminGet('/family')).usage.spent).toBe(0)

    // Revoke asks once more; then the list has no such key and the proxy refuses it.
    await rowOf(page, 'family').getByRole('button', { name: 'Revoke' }).click()
    await rowOf(page, 'family').getByRole('button', { name: 'Confirm revoke' }).click()
    await page.getByText('No named keys yet').waitFor()
    expect(await rowOf(page, 'family').count()).toBe(0)
    const refused = await sdkError(ask(key))
    expect([refused.status, refused.code]).toEqual([401, 'invalid_api_key'])

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    // The refused change (400) and name (409) are the failed requests the browser reports, as console errors.
    expect(problems.filter((p) => !/status of (400|409)/.test(p))).toEqual([])
    await page.close()
  }, 60_000)

  test('中文: the form and the list speak Chinese', async () => {
    const { page } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByRole('button', { name: '新建密钥' }).click()
    for (const label of ['名称', '速率限制', '预算', '单位', '周期', '模型']) expect(await page.getByLabel(label).count()).toBe(1)
    await page.getByLabel('名称').fill('zh-key')
    await page.getByLabel('预算').fill('1000')
    await page.getByLabel('单位').selectOption('tokens')
    await page.getByRole('button', { name: '创建密钥' }).click()
    await page.getByText('它不会再次显示').waitFor()
    await rowOf(page, 'zh-key').getByText('已用 0 token / 1,000 token（每月）').waitFor()
    await page.getByRole('button', { name: 'English' }).click()
    await rowOf(page, 'zh-key').getByRole('button', { name: 'Revoke' }).click()
    await rowOf(page, 'zh-key').getByRole('button', { name: 'Confirm revoke' }).click()
    await rowOf(page, 'zh-key').waitFor({ state: 'detached' })
    await page.close()
  }, 60_000)

  test('a phone (390×844): the form, the key shown once, the list and an open edit fit the screen', async () => {
    const { page, elsewhere, violations } = await openWatched(browser!.context, proxy.url)
    await page.setViewportSize({ width: 390, height: 844 })
    await signIn(page)
    await page.getByRole('button', { name: 'New key' }).click()
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    await page.getByLabel('Name').fill('phone_key_with_a_rather_long_name_for_a_small_screen')
    await page.getByLabel('Budget').fill('2.5')
    await page.getByLabel('Models').fill('gpt-4o-mini, gpt-4o, deepseek-*, claude-3-5-sonnet-latest, text-embedding-3-small')
    await page.getByLabel('Expires').selectOption('30d')
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.getByText('it will not be shown again').waitFor()
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    const row = rowOf(page, 'phone_key_with_a_rather_long_name_for_a_small_screen')
    await row.waitFor()
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    // The list is stacked: one key a block, each figure labelled, no column headers to squeeze.
    expect(await page.getByRole('columnheader', { name: 'Budget' }).isVisible()).toBe(false)
    expect(await pastTheEdge(page)).toEqual([])
    await row.getByRole('button', { name: 'Edit' }).click()
    await page.getByRole('button', { name: 'Save' }).waitFor()
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    expect(await pastTheEdge(page)).toEqual([])
    await row.getByRole('button', { name: 'Usage chart' }).click()
    expect(await row.getByRole('button', { name: 'Usage chart' }).getAttribute('aria-expanded')).toBe('true')
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    await page.close()
  }, 60_000)
})
