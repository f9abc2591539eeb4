// The status page's provider prompt-cache table in a real browser (Debian's headless Chromium; DESIGN §1.9,
// issue 23 point 4): per upstream and its name of the model, the prompt tokens the upstream reported, those
// it read from its own cache and the hit rate (cached ÷ prompt), as /stats says them — in English and in
// Chinese. The upstream simulates a per-key prompt cache, and a conversation's turns keep to one key.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chromiumAvailable, launchChromium } from '../helpers/chromium'
import { startFakePromptCache, type FakePromptCache } from '../helpers/fake-prompt-cache'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

declare const document: any

const KEYS = ['sk-status-cache-key-1-Hv5Nq2Zp', 'sk-status-cache-key-2-Wd8Lr4Ks']

const available = chromiumAvailable()
let upstream: FakePromptCache
let proxy: TestProxy
let row: { upstream: string; model: string; promptTokens: number; cachedTokens: number; hitRate: number }

describe.skipIf(!available)('status page: the provider prompt cache', () => {
  beforeAll(async () => {
    upstream = startFakePromptCache()
    const upstreams = [{ name: 'openai', base_url: `${upstream.url}/v1`, keys: KEYS, models: ['gpt-*', 'fast'], model_map: { fast: 'gpt-4.1-mini' } }]
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), MODEL_RATE_LIMIT: '0', CACHE_SEMANTIC: 'false' })
    const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: 'Answer briefly.' }]
    for (let turn = 0; turn < 3; turn++) {
      messages.push({ role: 'user', content: `Status page question ${turn}` })
      const response = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'fast', messages })
      expect(response.status).toBe(200)
      messages.push({ role: 'assistant', content: ((await response.json()) as any).choices[0].message.content })
    }
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.providerCache).toHaveLength(1)
    row = stats.providerCache[0]
    expect(row).toMatchObject({ upstream: 'openai', model: 'gpt-4.1-mini' })
    expect(row.cachedTokens).toBeGreaterThan(0)
  }, 30_000)
  afterAll(async () => {
    await proxy?.stop()
    await upstream?.stop()
  })

  for (const [locale, header] of [
    ['en-US', ['Upstream / model', 'Prompt tokens', 'Cached tokens', 'Hit rate']],
    ['zh-CN', ['上游 / 模型', '提示词 token', '缓存 token', '命中率']],
  ] as const) {
    test(`${locale}: one row per upstream and model, with its tokens and hit rate`, async () => {
      const browser = await launchChromium({ locale })
      try {
        const page = await browser.context.newPage()
        const problems: string[] = []
        page.on('pageerror', (error) => void problems.push(error.message))
        await page.goto(`${proxy.url}/`)
        await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 15_000 })
        const heads = await page.$$eval('#provider-cache thead th', (ths) => ths.map((th) => th.textContent))
        expect(heads.slice(0, 4)).toEqual([...header])
        const rows = await page.$$eval('#provider-cache tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)))
        expect(rows).toHaveLength(1)
        const [name, prompt, cached, hitRate] = rows[0]!
        expect(name).toBe('gpt-4.1-miniopenai') // the model, the upstream under it
        const digits = (text: string | null) => Number(String(text).replace(/\D/g, ''))
        expect(digits(prompt)).toBe(row.promptTokens)
        expect(digits(cached)).toBe(row.cachedTokens)
        expect(hitRate).toBe(`${(row.hitRate * 100).toFixed(1)}%`)
        const bar = await page.$eval('#provider-cache tbody tr td.share .bar span', (span) => span.style.width)
        expect(parseFloat(bar)).toBeCloseTo(row.hitRate * 100, 1)
        expect(problems).toEqual([])
      } finally {
        await browser.close()
      }
    }, 30_000)
  }
})
