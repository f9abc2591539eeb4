// The status page's wrong hits (DESIGN §1.11, issue 25 point 5) in a real browser (Debian's headless
// Chromium): after semantic hits judged by the keys that were served them (POST /v1/cache/feedback) and an
// exact hit judged wrong, the answer cache panel shows refuted, confirmed and removed counts beside the
// semantic hits, the wrong-hit rate they imply and what that rate means, in English and in Chinese, on a
// phone too, without a CSP refusal.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { JUDGED_PROMPTS, JUDGING_ENV, JUDGING_KEYS, judgeSomeHits } from '../helpers/judged-session'
import { startProxy, type TestProxy } from '../helpers/start-proxy'
import { openWatched } from '../helpers/watched-page'

declare const document: any

const available = chromiumAvailable()
let proxy: TestProxy
let stats: any

describe.skipIf(!available)('status page: refuted and confirmed hits, the wrong-hit rate', () => {
  beforeAll(async () => {
    proxy = await startProxy(JUDGING_ENV)
    await judgeSomeHits(proxy)
    stats = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.cache.hits.semantic).toBe(2)
    expect(stats.cache.judged).toEqual({ refuted: 1, confirmed: 1, removed: 1, wrongHitRate: 0.5 })
  }, 30_000)
  afterAll(async () => {
    await proxy?.stop()
  })

  for (const [locale, words] of [
    ['en-US', { refuted: 'refuted as wrong', rate: 'wrong-hit rate (a floor)', removed: 'Entries removed as wrong', note: /^Wrong-hit rate: semantic hits refuted by the skip word, no-cache or feedback, ÷ semantic hits; a floor: not every wrong hit is told\.$/ }],
    ['zh-CN', { refuted: '被指出答错', rate: '误命中率（下限）', removed: '因答错而删除的条目', note: /^误命中率：被跳过词、no-cache 或反馈指出答错的语义命中 ÷ 语义命中；这是下限/ }],
  ] as const) {
    test(`${locale}: the counts under the semantic hits, the rate and its meaning; readable on a phone`, async () => {
      const browser = await launchChromium({ locale, viewport: { width: 390, height: 844 } })
      try {
        const { page, problems, elsewhere, violations } = await openWatched(browser.context, proxy.url)
        await page.goto(`${proxy.url}/`)
        await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
        // The cache panel as label → figure, in the page's order.
        const rows = await page.$$eval('#cache-table dt', (dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent, dt.className]))
        const at = rows.findIndex(([label]) => label === words.refuted)
        expect(at).toBeGreaterThan(0)
        expect(rows[at - 1]![1]).toBe('2') // the semantic hits, just above
        expect(rows[at]!.slice(1)).toEqual(['1', 'sub'])
        expect(rows[at + 1]!.slice(1)).toEqual(['1', 'sub']) // confirmed
        expect(rows[at + 2]).toEqual([words.rate, `${(stats.cache.judged.wrongHitRate * 100).toFixed(1)}%`, 'sub'])
        expect(rows[at + 2]![1]).toBe('50.0%')
        expect(rows[at + 3]!.slice(0, 2)).toEqual([words.removed, '1'])
        expect(await page.getAttribute('#wrong-hit-rate', 'aria-describedby')).toBe('wrong-hit-note')
        expect(((await page.textContent('#wrong-hit-note')) ?? '').trim()).toMatch(words.note)
        expect(await page.isVisible('#wrong-hit-note')).toBe(true)

        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
        const rendered = await page.content()
        for (const secret of [...JUDGING_KEYS, ...Object.values(JUDGED_PROMPTS)]) expect(rendered).not.toContain(secret)
        expect(await violations()).toEqual([])
        expect(elsewhere).toEqual([])
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    }, 30_000)
  }

  test('no semantic hit yet: no rate to speak of, a dash rather than 0%', async () => {
    const fresh = await startProxy(JUDGING_ENV)
    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      await page.goto(`${fresh.url}/`)
      await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
      expect(((await page.textContent('#wrong-hit-rate')) ?? '').trim()).toBe('—')
      expect(((await page.textContent('#judged-refuted')) ?? '').trim()).toBe('0')
    } finally {
      await browser.close()
      await fresh.stop()
    }
  }, 30_000)
})
