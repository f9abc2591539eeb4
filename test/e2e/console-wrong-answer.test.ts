// The console's "Wrong answer" and "Right answer" (DESIGN §1.11, issue 25 point 1) in Chromium: the owner
// opens an entry that made a semantic hit, sees what stood behind that hit, confirms it (a label shown under
// Judgements), then judges it wrong: POST /v1/cache/feedback with ADMIN_KEY removes it, and /stats counts both.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

const ADMIN_KEY = 'admin-console-wrong-answer-Hv5Tq9Lc2'
const O = 'How tall is the Eiffel Tower in Paris, France?'
const P = 'How tall is the Eiffel Tower in Paris, France, today?'
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined
const ask = async (content: string) => {
  const response = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
  await response.text()
  return response.headers
}

describe.skipIf(!available)('console: judging a cached answer', () => {
  beforeAll(async () => {
    proxy = await startProxy({ ADMIN_KEY, MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8' })
    expect((await ask(O)).get('x-cache')).toBe('MISS')
    expect((await ask(P)).get('x-cache-match')).toBe('semantic')
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await proxy?.stop()
  })

  test('View shows the last semantic hit; Right answer adds a confirmation; Wrong answer removes the entry', async () => {
    const { page, elsewhere, violations } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const cache = page.locator('section#cache')
    const entry = cache.getByRole('listitem').filter({ hasText: O })
    await entry.waitFor()
    await entry.getByRole('button', { name: 'View' }).click()
    await entry.getByText('Last semantic hit').waitFor()
    expect(await entry.getByText('Last semantic hit').textContent()).toContain('threshold 0.800')
    expect(await entry.getByText('None yet.').count()).toBe(1)

    await entry.getByRole('button', { name: 'Right answer' }).click()
    await entry.locator('ul.labels li').first().waitFor()
    expect(await entry.locator('ul.labels li').first().textContent()).toContain('right')

    await entry.getByRole('button', { name: 'Wrong answer' }).click()
    await entry.waitFor({ state: 'detached' })
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.cache.judged).toMatchObject({ confirmed: 1, removed: 1 })
    expect((await ask(O)).get('x-cache')).toBe('MISS')
    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    await page.close()
  }, 60_000)

  test('中文: 答案错误 and 答案正确', async () => {
    expect((await ask(O)).get('x-cache')).not.toBeNull()
    const { page } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByLabel('管理密钥').fill(ADMIN_KEY)
    await page.getByRole('button', { name: '登录' }).click()
    const entry = page.locator('section#cache').getByRole('listitem').filter({ hasText: O })
    await entry.getByRole('button', { name: '查看' }).click()
    await entry.getByRole('button', { name: '答案错误' }).waitFor()
    expect(await entry.getByRole('button', { name: '答案正确' }).count()).toBe(1)
    await page.close()
  }, 60_000)
})
