// The console's Upstreams section (DESIGN §1.10, issue 24 point 1) in a real browser (Debian's headless
// Chromium), offline: each upstream with its provider, model patterns and start-up check; its keys by
// fingerprint (never a character of a key): a key the upstream answered 429 for one model shows cooling for
// that model, one answered 401 shows disabled; the provider's prompt cache hit rate; "Refresh" reads /stats
// again. With the cache off, the Cache section says so.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { chromiumAvailable, launchChromium, type Chromium } from '../helpers/chromium'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

const ADMIN_KEY = 'admin-console-upstreams-Bt6Yk1Pw9Ze3'
const [COOLING, REFUSED, SPARE] = ['sk-console-main-Qm3Wx8Tz5Lp1', 'sk-console-backup-Rn4Vy7Sa2Kd9', 'sk-console-spare-Hc1Jf6Ub0Xg4']
const RATE_LIMITED = { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }
const BAD_KEY = { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }
const available = chromiumAvailable()

let fake: FakeUpstream
let proxy: TestProxy
let browser: Chromium | undefined

beforeAll(async () => {
  // The provider reports 4 of every 10 prompt tokens read from its own cache.
  fake = await startFakeUpstream({ cachedTokens: 4 })
  const upstreams = [
    { name: 'main', base_url: `${fake.url}/v1`, provider: 'openai-chat', keys: [COOLING], models: ['gpt-*'], priority: 0 },
    { name: 'backup', base_url: `${fake.url}/v1`, keys: [REFUSED], models: ['gpt-*', 'o*'], priority: 1 },
    { name: 'spare', base_url: `${fake.url}/v1`, keys: [SPARE], models: ['*'], priority: 2 },
  ]
  // The cache on: the proxy reads the usage of the answers it stores (a PROXY_KEY call is not metered otherwise).
  proxy = await startProxy({ ADMIN_KEY, PROXY_CONFIG: JSON.stringify({ upstreams }), MODEL_RATE_LIMIT: '0' }, fake)
  await proxy.checkUpstreams()
})
afterAll(async () => {
  await browser?.close()
  await proxy?.stop()
  await fake?.stop()
})

describe.skipIf(!available)('console upstreams section in Chromium', () => {
  beforeAll(async () => {
    browser = await launchChromium()
  }, 60_000)

  test('keys by fingerprint: cooling for the model a 429 named, disabled after a 401; provider cache hit rate; Refresh', async () => {
    const { page, elsewhere, problems, violations } = await openWatched(browser!.context, proxy.url)
    await page.goto(`${proxy.url}/console`)
    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const section = page.locator('section#upstreams')
    const keyRow = (key: string) => section.getByRole('row').filter({ hasText: fingerprint(key) })
    await keyRow(COOLING).waitFor()
    for (const key of [COOLING, REFUSED, SPARE]) expect(await keyRow(key).textContent()).toContain('healthy')
    const card = (name: string) => section.locator('.upstream').filter({ has: page.getByRole('heading', { name, exact: true }) })
    expect(await card('main').textContent()).toContain('openai-chat')
    expect(await card('main').textContent()).toContain('models: gpt-*')
    const spare = card('spare')
    expect(await spare.textContent()).toContain('openai')
    expect(await spare.textContent()).toContain('models: *')
    expect(await spare.textContent()).toContain('start-up check: ok')

    // main's key: 429 for gpt-4o-mini; backup's key: 401; spare answers.
    fake.keyFault(COOLING, { status: 429, body: RATE_LIMITED, headers: { 'retry-after': '50' } })
    fake.keyFault(REFUSED, { status: 401, body: BAD_KEY })
    const answer = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    expect(answer.status).toBe(200)
    // Counted once the body was read.
    await answer.json()

    await section.getByRole('button', { name: 'Refresh' }).click()
    await keyRow(COOLING).getByText(/^cooling for gpt-4o-mini until \d\d:\d\d:\d\d$/).waitFor()
    expect(await keyRow(COOLING).textContent()).not.toContain('healthy')
    expect(await keyRow(REFUSED).textContent()).toMatch(/disabled: .*401.*\(recheck \d\d:\d\d:\d\d\)/)
    expect(await keyRow(SPARE).textContent()).toContain('healthy')
    // The provider cache of the upstream that answered: 4 of 10 prompt tokens.
    const cacheRow = spare.getByRole('row').filter({ hasText: 'gpt-4o-mini' })
    expect((await cacheRow.locator('td').allTextContents()).map((s) => s.trim())).toEqual(['gpt-4o-mini', '10', '4', '40%'])

    // Never a character of an upstream key beyond its fingerprint.
    const text = (await page.locator('body').textContent()) ?? ''
    for (const key of [COOLING, REFUSED, SPARE]) expect(text).not.toContain(key.slice(3, 14))

    expect(elsewhere).toEqual([])
    expect(await violations()).toEqual([])
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('with the cache off, the Cache section says so', async () => {
    const cacheless = await startProxy({ ADMIN_KEY, CACHE_ALLOWED: 'false' }, fake)
    const { page, problems } = await openWatched(browser!.context, cacheless.url)
    await page.goto(`${cacheless.url}/console`)
    await page.getByLabel('Admin key').fill(ADMIN_KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('section#cache').getByRole('status').filter({ hasText: 'The cache is off (CACHE_ALLOWED=false)' }).waitFor()
    expect(await page.locator('section#cache').getByLabel('Search').count()).toBe(0)
    // The 409 is the one failed request the browser reports (as a console error).
    expect(problems.filter((p) => !p.includes('409'))).toEqual([])
    await page.close()
    await cacheless.stop()
  }, 60_000)
})
