// The README's pictures of the console and of /me (docs/console.png, docs/me.png with UPDATE_SCREENSHOT=1;
// the temp folder otherwise, so a plain test run does not touch tracked files), taken after a scripted
// session: two named keys used on two models through the proxy, one answer served from the cache. Also a
// last whole-journey check that both pages render that session without one CSP refusal or stray request.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import OpenAI from 'openai'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

const ROOT = resolve(import.meta.dir, '../..')
const shot = (name: string) => (process.env.UPDATE_SCREENSHOT ? join(ROOT, 'docs', `${name}.png`) : join(tmpdir(), `proxy-gpt-${name}.png`))
const ADMIN_KEY = 'admin-console-screenshots-Wq4Zr8Tn2Mv6'
const available = chromiumAvailable()

let fake: FakeUpstream
let proxy: TestProxy
let browser: Chromium | undefined
let familyKey: string

async function admin(path: string, body?: unknown) {
  const response = await fetch(`${proxy.url}/admin/keys${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return response.json() as Promise<any>
}

describe.skipIf(!available)('console and /me screenshots', () => {
  beforeAll(async () => {
    fake = await startFakeUpstream()
    proxy = await startProxy({ ADMIN_KEY, MODEL_RATE_LIMIT: '0' }, fake)
    familyKey = (await admin('', { name: 'family', rate_limit: 20, budget: { usd: 5, per: 'month' }, models: ['gpt-4o-mini', 'gpt-4o'] })).key
    const friends = (await admin('', { name: 'friends', rate_limit: 10, budget: { tokens: 200000, per: 'month' }, cache: 'shared' })).key
    const ask = (key: string, model: string, content: string) =>
      new OpenAI({ apiKey: key, baseURL: proxy.baseURL, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content }] })
    for (const content of ['What is the capital of France?', 'Explain photosynthesis simply', 'What is the capital of France?']) await ask(familyKey, 'gpt-4o-mini', content)
    await ask(familyKey, 'gpt-4o', 'Write a haiku about autumn')
    await ask(friends, 'gpt-4o-mini', '用一句话介绍长城')
    browser = await launchChromium({ viewport: { width: 1200, height: 1500 } })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await proxy?.stop()
    await fake?.stop()
  })

  test('/console: keys with budgets, the family key’s usage chart, upstreams and the cache', async () => {
    const { page, elsewhere, violations } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Keys' }).waitFor()
    await page.getByRole('button', { name: 'Usage chart' }).first().click()
    await page.locator('.usage-chart canvas').first().waitFor()
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: shot('console'), fullPage: true })
    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    await page.close()
  }, 60_000)

  test('/me: the family key’s budget, usage and how to connect', async () => {
    const { page, elsewhere, violations } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/me`)
    await page.getByLabel('Your key').fill(familyKey)
    await page.getByRole('button', { name: 'Show usage' }).click()
    await page.getByText('gpt-4o-mini').first().waitFor()
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: shot('me'), fullPage: true })
    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    await page.close()
  }, 60_000)
})
