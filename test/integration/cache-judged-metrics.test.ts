import { afterEach, describe, expect, test } from 'bun:test'
import { JUDGED_PROMPTS, JUDGING_ENV, judgeSomeHits } from '../helpers/judged-session'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

// /metrics counts cached answers judged (DESIGN §1.11, issue 25 point 5) as /stats does: semantic hits
// refuted or confirmed, entries removed as wrong. The wrong-hit rate is then a PromQL division, so every
// series is there at zero from the start.

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const metrics = async () => (await fetch(`${proxy!.url}/metrics`)).text()
const judgements = (text: string) => Object.fromEntries([...text.matchAll(/^proxy_gpt_cache_judgements_total\{verdict="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]))

describe('/metrics: proxy_gpt_cache_judgements_total', () => {
  test('a counter with its three verdicts, at zero before anything is judged', async () => {
    proxy = await startProxy(JUDGING_ENV)
    const text = await metrics()
    expect(text).toContain('# TYPE proxy_gpt_cache_judgements_total counter')
    expect(judgements(text)).toEqual({ refuted: 0, confirmed: 0, removed: 0 })
  })

  test('counts what was judged, as /stats does, beside the semantic hits it is a share of', async () => {
    proxy = await startProxy(JUDGING_ENV)
    await judgeSomeHits(proxy)
    const text = await metrics()
    expect(judgements(text)).toEqual({ refuted: 1, confirmed: 1, removed: 1 })
    expect(text).toContain('proxy_gpt_requests_total{endpoint="chat",model="gpt-4o-mini",status_class="2xx",cache="hit_semantic"} 2')
    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.cache.judged).toEqual({ refuted: 1, confirmed: 1, removed: 1, wrongHitRate: 0.5 })
    for (const prompt of Object.values(JUDGED_PROMPTS)) expect(text).not.toContain(prompt)
  })
})
