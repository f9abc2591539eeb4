// The status page's upstream rows in a real browser (Debian's headless Chromium) after the start-up check
// (issue 19 point 8): each upstream's row says what its check found — ok, its key refused with the upstream's
// own words (masked), or unreachable with the cause — in English and in Chinese, never a key, and a phone
// still needs no sideways scrolling for the upstream's long message.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

declare const document: any

const GOOD = 'sk-status-check-good-Vq3Lm8Tz'
const BAD = 'sk-proj-status-check-bad-Hw5Rx2Nc'
const REFUSED = {
  status: 401,
  body: {
    error: {
      message: `Incorrect API key provided: ${BAD.slice(0, 8)}****************${BAD.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  },
}

const available = chromiumAvailable()
let fake: FakeUpstream
let refusing: FakeUpstream
let proxy: TestProxy

describe.skipIf(!available)('status page: the start-up check of each upstream', () => {
  beforeAll(async () => {
    fake = await startFakeUpstream({ name: 'main' })
    refusing = await startFakeUpstream({ name: 'refusing' })
    refusing.keyFault(BAD, REFUSED)
    const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
    const gone = `http://127.0.0.1:${closed.port}/v1`
    await closed.stop(true)
    const upstreams = [
      { name: 'main', base_url: `${fake.url}/v1`, keys: [GOOD], models: ['gpt-*'] },
      { name: 'revoked', base_url: `${refusing.url}/v1`, keys: [BAD], models: ['deepseek-*'] },
      { name: 'gone', base_url: gone, keys: ['sk-status-check-gone-Pk7Yd4Ws'], models: ['mistral-*'] },
    ]
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false' }, fake)
    await proxy.checkUpstreams()
  }, 30_000)
  afterAll(async () => {
    await proxy?.stop()
    await fake?.stop()
    await refusing?.stop()
  })

  for (const [locale, expected] of [
    [
      'en-US',
      {
        main: /^start-up check: ok$/,
        revoked: /^start-up check: key refused — key [0-9a-f]{8}: 401 Incorrect API key provided: sk-\*\*\*\. You can find your API key at https:\/\/platform\.openai\.com\/account\/api-keys\.$/,
        gone: /^start-up check: unreachable — connection refused \(ECONNREFUSED\)$/,
      },
    ],
    [
      'zh-CN',
      {
        main: /^启动检查：正常$/,
        revoked: /^启动检查：密钥被拒绝 — key [0-9a-f]{8}: 401 Incorrect API key provided: sk-\*\*\*\./,
        gone: /^启动检查：无法连接 — connection refused \(ECONNREFUSED\)$/,
      },
    ],
  ] as const) {
    test(`${locale}: each upstream's row says what its check found; a phone needs no sideways scrolling`, async () => {
      const browser = await launchChromium({ locale, viewport: { width: 390, height: 844 } })
      try {
        const page = await browser.context.newPage()
        const problems: string[] = []
        page.on('pageerror', (error) => void problems.push(error.message))
        await page.goto(`${proxy.url}/`)
        await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
        const rows = await page.$$eval('#by-upstream tbody tr.group', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => ({ text: td.textContent, className: td.className }))))
        const row = (name: string) => rows.find((cells) => cells[0]!.text === name)!.at(-1)!
        expect(row('main').text).toMatch(expected.main)
        expect(row('main').className).toBe('check')
        expect(row('revoked').text).toMatch(expected.revoked)
        expect(row('revoked').className).toBe('check bad')
        expect(row('gone').text).toMatch(expected.gone)
        expect(row('gone').className).toBe('check bad')
        const html = await page.content()
        for (const key of [GOOD, BAD]) for (let i = 0; i + 8 <= key.length; i++) expect(html).not.toContain(key.slice(i, i + 8))
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    }, 30_000)
  }
})
