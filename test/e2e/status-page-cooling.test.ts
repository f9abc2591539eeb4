// The status page's key rows in a real browser (Debian's headless Chromium) while a key rests: cool-downs are
// per model (DESIGN §1.4, issue 19), so a row names the models the key rests for, each with its time, and a
// key resting for one model reads as resting for that model only — in English and in Chinese.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { fingerprint } from '../../src/upstream/fingerprint'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

declare const document: any

const KEY = 'sk-status-cooling-key-Mv4Tq8Zr1Wx'
const RATE_LIMITED = { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }

const available = chromiumAvailable()
let fake: FakeUpstream
let proxy: TestProxy

describe.skipIf(!available)('status page: a key resting for some models', () => {
  beforeAll(async () => {
    fake = await startFakeUpstream({ name: 'main' })
    const upstreams = [{ name: 'main', base_url: `${fake.url}/v1`, keys: [KEY], models: ['gpt-*'] }]
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), CACHE_ALLOWED: 'false', MODEL_RATE_LIMIT: '0' }, fake)
    // A 429 on gpt-4.1-nano, and one on a call that names no model (a file listing).
    fake.fault({ status: 429, body: RATE_LIMITED, headers: { 'retry-after': '50' } })
    expect((await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(429)
    fake.fault({ status: 429, body: RATE_LIMITED, headers: { 'retry-after': '40' } })
    expect((await fetch(`${proxy.baseURL}/files`, { headers: auth() })).status).toBe(429)
    expect((await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200)
  }, 30_000)
  afterAll(async () => {
    await proxy?.stop()
    await fake?.stop()
  })

  for (const [locale, expected] of [
    ['en-US', /^calls naming no model resting until \d\d:\d\d:\d\d; gpt-4\.1-nano resting until \d\d:\d\d:\d\d$/],
    ['zh-CN', /^不指定模型的调用 休息到 \d\d:\d\d:\d\d；gpt-4\.1-nano 休息到 \d\d:\d\d:\d\d$/],
  ] as const) {
    test(`${locale}: the key's row names each model it rests for, with its time`, async () => {
      const browser = await launchChromium({ locale })
      try {
        const page = await browser.context.newPage()
        const problems: string[] = []
        page.on('pageerror', (error) => void problems.push(error.message))
        await page.goto(`${proxy.url}/`)
        await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
        const rows = await page.$$eval('#by-upstream tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => ({ text: td.textContent, className: td.className }))))
        const row = rows.find((cells) => cells[0]!.text === `· ${fingerprint(KEY)}`)!
        const state = row.at(-1)!
        expect(state.text).toMatch(expected)
        expect(state.className).toBe('alert')
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    }, 30_000)
  }
})
