// The console's door (DESIGN §1.10, issue 24 points 3 and 4) in a real browser (Debian's headless Chromium),
// offline: a wrong admin key is told so in an alert, the right one opens the console and stays in this tab's
// sessionStorage only (never localStorage, a cookie or a URL); the language switches to 中文 and is
// remembered; /console and /me carry a CSP with no inline script and no other origin and cannot be framed.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

declare const window: any

const ADMIN_KEY = 'admin-console-sign-in-Kx7Qm2Vr9Lp4'
const available = chromiumAvailable()

let proxy: TestProxy
let browser: Chromium | undefined

beforeAll(async () => {
  proxy = await startProxy({ ADMIN_KEY })
})
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
})

describe('console and /me headers', () => {
  for (const path of ['/console', '/me']) {
    test(`${path}: own-origin script only, no inline script, no other origin, never framed, no referrer`, async () => {
      const response = await fetch(`${proxy.url}${path}`)
      expect(response.status).toBe(200)
      const policy = response.headers.get('content-security-policy') ?? ''
      expect(policy).toContain("default-src 'none'")
      expect(policy).toContain("script-src 'self'")
      expect(policy).toContain("connect-src 'self'")
      expect(policy).toContain("frame-ancestors 'none'")
      expect(policy).not.toContain('unsafe-inline')
      expect(policy).not.toMatch(/https?:\/\//)
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
      const html = await response.text()
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
      expect(html).not.toMatch(/(src|href)="https?:/)
    })
  }
})

test('/console/ and /me/ redirect to the page without the slash (its script and API calls are relative to it)', async () => {
  for (const path of ['/console', '/me']) {
    const response = await fetch(`${proxy.url}${path}/?lang=zh`, { redirect: 'manual' })
    expect(response.status).toBe(308)
    expect(response.headers.get('location')).toBe(`${path}?lang=zh`)
  }
})

describe.skipIf(!available)('console sign-in in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium()
  }, 60_000)

  test('a wrong admin key: a visible alert with the API message; the right one opens the console, kept in sessionStorage only', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByLabel('Admin key').fill('not-the-admin-key-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('Wrong admin key')

    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Keys' }).waitFor()
    expect(page.url()).not.toContain(ADMIN_KEY)
    const storage = await page.evaluate(() => ({ session: JSON.stringify({ ...window.sessionStorage }), local: JSON.stringify({ ...window.localStorage }), cookie: window.document.cookie }))
    expect(storage.session).toContain(ADMIN_KEY)
    expect(storage.local).not.toContain(ADMIN_KEY)
    expect(storage.cookie).toBe('')

    // A reload keeps the tab signed in; signing out forgets the key. (Each after the sections have loaded: a
    // request a reload cuts short is reported as failed.)
    await page.waitForLoadState('networkidle')
    await page.reload()
    await page.getByRole('heading', { name: 'Keys' }).waitFor()
    await page.waitForLoadState('networkidle')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Admin key').waitFor()
    expect(await page.evaluate(() => JSON.stringify({ ...window.sessionStorage }))).not.toContain(ADMIN_KEY)

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    // The wrong key's 401 is the one failed request the browser reports (as a console error).
    expect(problems.filter((p) => !p.includes('401'))).toEqual([])
    await page.close()
  }, 60_000)

  test('中文: the switch names the other language, the labels change, the choice is remembered', async () => {
    const { page } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByLabel('管理密钥').waitFor()
    expect(await page.getByRole('button', { name: '登录' }).count()).toBe(1)
    expect(await page.evaluate(() => window.document.documentElement.lang)).toBe('zh-CN')
    await page.reload()
    await page.getByLabel('管理密钥').waitFor()
    // The same choice on /me: one preference for the proxy's pages.
    await page.goto(`${proxy.url}/me`)
    await page.getByRole('button', { name: 'English' }).click()
    await page.goto(`${proxy.url}/console`)
    await page.getByLabel('Admin key').waitFor()
    await page.close()
  }, 60_000)
})
