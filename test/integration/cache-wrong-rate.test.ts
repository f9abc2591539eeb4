import { afterEach, describe, expect, test } from 'bun:test'
import { fakeSimilarity } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'
import { until } from '../helpers/replicas'

// CACHE_MAX_WRONG_RATE (DESIGN §1.11): with no labels at δ = 0.02 the decision is today's fixed threshold;
// once several entries of a partition were refuted near 0.9, an unlabelled entry of that partition no longer
// answers a neighbour at 0.87 (the estimate pooled over the partition says it is too likely wrong), while the
// fixed threshold still would; the admin view shows the estimate behind a hit.

const ADMIN_KEY = 'admin-wrong-rate-Zp4Lk8Qe2Wv'
const FRUIT = ['apple', 'banana', 'cherry', 'grape', 'lemon', 'mango', 'olive', 'peach', 'pear', 'plum', 'melon', 'lime', 'kiwi', 'fig', 'date', 'guava', 'papaya', 'quince', 'apricot', 'coconut', 'walnut', 'almond', 'cashew', 'hazelnut', 'pecan']
// Five subjects, each asked and then asked again with "today" (similarity ~0.9): the second is a semantic hit, judged wrong.
const SUBJECTS = [0, 1, 2, 3, 4].map((i) => `Describe ${FRUIT.slice(i * 5, i * 5 + 5).join(' ')} for me`)
const TARGET = 'Describe raspberry blueberry for me'
const NEIGHBOUR = 'Describe raspberry blueberry for me today'

let proxy: TestProxy | undefined
afterEach(() => proxy?.stop())

const ask = async (content: string) => {
  const response = await postJson(`${proxy!.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
  await response.text()
  return { cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match'), entry: response.headers.get('x-cache-entry') }
}
const judge = (entry: string | null, verdict: 'wrong' | 'right') => postJson(`${proxy!.url}/v1/cache/feedback`, { entry, verdict }).then((r) => r.json() as Promise<any>)
const start = (env: Record<string, string>) => startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8', ADMIN_KEY, ...env })

describe('CACHE_MAX_WRONG_RATE', () => {
  test('the neighbour is between the fixed threshold and the one five refutations teach', () => {
    expect(fakeSimilarity(TARGET, NEIGHBOUR)).toBeGreaterThan(0.8)
    expect(fakeSimilarity(TARGET, NEIGHBOUR)).toBeLessThan(0.87)
    for (const subject of SUBJECTS) expect(fakeSimilarity(subject, `${subject} today`)).toBeGreaterThan(0.89)
  })

  test('unset: the fixed threshold, refutations elsewhere in the partition change nothing for other entries', async () => {
    proxy = await start({})
    await refuteFive()
    await ask(TARGET)
    expect(await ask(NEIGHBOUR)).toMatchObject({ cache: 'HIT', match: 'semantic' })
  })

  test('0.02: with no labels, the fixed threshold; after five refutations in the partition, the neighbour at 0.87 is a miss; the estimate is shown', async () => {
    proxy = await start({ CACHE_MAX_WRONG_RATE: '0.02' })
    const target = await ask(TARGET)
    const first = await ask(NEIGHBOUR)
    expect(first).toMatchObject({ cache: 'HIT', match: 'semantic', entry: target.entry })
    const shown: any = await (await fetch(`${proxy.url}/admin/cache/entries/${target.entry}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()
    expect(shown.last_semantic_hit.threshold).toBeCloseTo(0.8, 6)
    expect(shown.last_semantic_hit.wrong_rate).toBeLessThan(0.02)
    expect(shown.last_semantic_hit.evidence).toEqual({ own: 0, partition: 0, cache: 0 })

    await refuteFive()
    // The pooled estimate is refitted in the background after each label.
    const missed = await until(() => ask(`${NEIGHBOUR}, please`), (answer) => answer.cache === 'MISS', { timeoutMs: 3000, intervalMs: 50 })
    expect(missed.value.cache).toBe('MISS')
  })

  test('a bad value stops the start with a clear message', async () => {
    await expect(start({ CACHE_MAX_WRONG_RATE: '2' })).rejects.toThrow(/CACHE_MAX_WRONG_RATE="2" must be a number above 0 and below 1/)
  })
})

async function refuteFive() {
  for (const subject of SUBJECTS) {
    await ask(subject)
    const hit = await ask(`${subject} today`)
    expect(hit).toMatchObject({ cache: 'HIT', match: 'semantic' })
    expect((await judge(hit.entry, 'wrong')).action).toBe('refuted')
  }
}
