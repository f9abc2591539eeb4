// The console's Cache section (DESIGN §1.10, issue 24 points 1 and 4) in a real browser (Debian's headless
// Chromium), offline: a cached question and answer that carry HTML and script are found by Search and read
// as text — no element is made from them, nothing runs, the CSP refuses nothing; Delete (after an in-page
// confirmation) removes the entry, so the same question goes to the model again; Purge empties one model.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { chat } from '../helpers/named-keys'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { waitFor } from '../helpers/sse'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

declare const window: any
declare const document: any

const ADMIN_KEY = 'admin-console-cache-Qw8Zt3Lm5Rx1'
const XSS = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> what is 2+2?`
const FRANCE = 'What is the capital of France?'
const JOKE = 'Tell me a joke about cats and keyboards'
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined

async function entries(query: string): Promise<{ total: number; data: Array<{ id: number; model: string; prompt: string | null }> }> {
  const response = await fetch(`${proxy.url}/admin/cache/entries?${query}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  return response.json() as Promise<any>
}

beforeAll(async () => {
  proxy = await startProxy({ ADMIN_KEY, MODEL_RATE_LIMIT: '0' })
  const client = proxy.client()
  expect((await chat(client, XSS)).cache).toBe('MISS')
  expect((await chat(client, JOKE)).cache).toBe('MISS')
  expect((await chat(client, FRANCE, { model: 'gpt-4o' })).cache).toBe('MISS')
  // Stored once the answer is complete, a moment after the client has it.
  await waitFor(async () => (await entries('')).total === 3)
  expect((await chat(client, XSS)).cache).toBe('HIT')
  if (available) browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
})

async function signIn(page: Page) {
  await page.goto(`${proxy.url}/console`)
  await page.getByLabel('Admin key').fill(ADMIN_KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Cache' }).waitFor()
}

describe.skipIf(!available)('console cache section in Chromium', () => {
  test('Search finds the question with HTML and script; View shows question and answer as text; nothing runs', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    const cache = page.locator('section#cache')
    await cache.getByText('3 of 3 entries, newest first').waitFor()

    await cache.getByLabel('Search').fill('2+2')
    await cache.getByRole('button', { name: 'Search' }).click()
    await cache.getByText('1 of 1 entries, newest first').waitFor()
    const entry = cache.getByRole('listitem').filter({ hasText: 'what is 2+2?' })
    expect(await entry.count()).toBe(1)
    expect(await entry.textContent()).toContain('gpt-4o-mini')

    await entry.getByRole('button', { name: 'View' }).click()
    const shown = entry.locator('.entry-view pre')
    await shown.nth(1).waitFor()
    const [question, answer] = await shown.allTextContents()
    expect(question).toBe(XSS)
    expect(answer).toBe(`Echo: ${XSS}`)
    expect(await entry.getByRole('button', { name: 'Hide' }).getAttribute('aria-expanded')).toBe('true')

    const page_ = await page.evaluate(() => ({
      pwned: window.pwned,
      images: document.querySelectorAll('img').length,
      scripts: [...document.querySelectorAll('script')].map((s: any) => new URL(s.src).pathname),
      fromCache: document.querySelectorAll('[onerror]').length,
    }))
    expect(page_).toEqual({ pwned: undefined, images: 0, scripts: ['/assets/console.js'], fromCache: 0 })
    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('中文: the section, its Search field, View and Delete are named in Chinese', async () => {
    const { page, problems } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByRole('heading', { name: '缓存' }).waitFor()
    const cache = page.locator('section#cache')
    await cache.getByLabel('搜索').fill('2+2')
    await cache.getByRole('button', { name: '搜索' }).click()
    const entry = cache.getByRole('listitem').filter({ hasText: 'what is 2+2?' })
    await entry.getByRole('button', { name: '查看' }).click()
    await entry.getByRole('heading', { name: '答案' }).waitFor()
    await entry.getByRole('button', { name: '删除' }).click()
    await entry.getByText('从缓存中删除这条答案？').waitFor()
    await entry.getByRole('button', { name: '取消' }).click()
    // Back to English for the other tests of this browser (the choice is remembered).
    await page.getByRole('button', { name: 'English' }).click()
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('Delete asks first, then removes the entry: the same question goes to the model again', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    const cache = page.locator('section#cache')
    await cache.getByLabel('Search').fill('2+2')
    await cache.getByRole('button', { name: 'Search' }).click()
    const entry = cache.getByRole('listitem').filter({ hasText: 'what is 2+2?' })
    await entry.waitFor()

    await entry.getByRole('button', { name: 'Delete', exact: true }).click()
    // Asked in the page; Cancel keeps it.
    await entry.getByText('Delete this answer from the cache?').waitFor()
    await entry.getByRole('button', { name: 'Cancel' }).click()
    expect((await entries('q=2%2B2')).total).toBe(1)

    await entry.getByRole('button', { name: 'Delete', exact: true }).click()
    await entry.getByRole('button', { name: 'Yes, delete' }).click()
    await cache.getByRole('status').filter({ hasText: 'The entry was deleted' }).waitFor()
    await cache.getByText('No entries match.').waitFor()
    expect((await entries('q=2%2B2')).total).toBe(0)
    expect((await chat(proxy.client(), XSS)).cache).toBe('MISS')

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test("Purge of one model empties that model's entries and leaves the others", async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    const cache = page.locator('section#cache')
    await cache.getByRole('listitem').filter({ hasText: FRANCE }).waitFor()

    await cache.getByLabel('Model').selectOption('gpt-4o')
    await cache.getByText('1 of 1 entries, newest first').waitFor()
    expect(await cache.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining(FRANCE)])
    await cache.getByRole('button', { name: 'Purge gpt-4o' }).click()
    await cache.getByText('Delete every cached answer of gpt-4o?').waitFor()
    await cache.getByRole('button', { name: 'Yes, purge' }).click()
    await cache.getByRole('status').filter({ hasText: 'Purged 1 entries of gpt-4o.' }).waitFor()
    await cache.getByText('No entries match.').waitFor()

    expect((await entries('model=gpt-4o')).total).toBe(0)
    const left = await entries('')
    expect(left.total).toBeGreaterThan(0)
    expect(left.data.every((e) => e.model === 'gpt-4o-mini')).toBe(true)
    expect(left.data.map((e) => e.prompt)).toContain(JOKE)

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})

describe.skipIf(!available)('console cache paging in Chromium', () => {
  test('20 entries a page; More adds the next, and goes when every entry is shown', async () => {
    const client = proxy.client()
    for (let i = 0; i < 21; i++) await chat(client, `Paging question number ${i} about ${crypto.randomUUID()}`, { model: 'gpt-4.1' })
    await waitFor(async () => (await entries('model=gpt-4.1')).total === 21)
    const { page, elsewhere, problems } = await openWatched(browser!.context, proxy.url)
    await signIn(page)
    const cache = page.locator('section#cache')
    await cache.getByLabel('Model').selectOption('gpt-4.1')
    await cache.getByText('20 of 21 entries, newest first').waitFor()
    expect(await cache.getByRole('listitem').first().textContent()).toContain('Paging question number 20')
    await cache.getByRole('button', { name: 'More' }).click()
    await cache.getByText('21 of 21 entries, newest first').waitFor()
    expect(await cache.getByRole('listitem').last().textContent()).toContain('Paging question number 0')
    expect(await cache.getByRole('button', { name: 'More' }).count()).toBe(0)
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)
})
