import { expect } from 'bun:test'
import { postJson, type TestProxy } from './start-proxy'

// A short session in which cached answers are judged (DESIGN §1.11), for the figures that count them: two
// semantic hits of one entry, one refuted by the key that was served it and one confirmed by the other, and
// an exact hit judged wrong, which removes its entry. So: refuted 1, confirmed 1, removed 1, and a wrong-hit
// rate of 1 refuted ÷ 2 semantic hits.

export const JUDGING_KEYS = ['proxy-key-judged-alice-4Rb7Nw2Qs', 'proxy-key-judged-bob-8Tc3Mv6Yx'] as const
/** The proxy's settings for the session: both keys, no rate limit, the fake embedder's near misses as hits. */
export const JUDGING_ENV = { PROXY_KEY: JUDGING_KEYS.join(','), MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8' }
/** Bags of content words for the fake upstream's embeddings: P and Q are near O (see cache-refutations.test.ts). */
export const JUDGED_PROMPTS = {
  original: 'How tall is the Eiffel Tower in Paris, France?',
  refuted: 'How tall is the Eiffel Tower in Paris, France, today?',
  confirmed: 'How tall is the Eiffel Tower in Paris, France, roughly?',
  removed: 'Who painted the Mona Lisa?',
}

export async function judgeSomeHits(proxy: TestProxy) {
  const [alice, bob] = JUDGING_KEYS
  const ask = async (content: string, key: string) => {
    const response = await postJson(`${proxy.baseURL}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { authorization: `Bearer ${key}` })
    await response.text()
    return { match: response.headers.get('x-cache-match') ?? response.headers.get('x-cache'), entry: response.headers.get('x-cache-entry') }
  }
  const judge = async (key: string, entry: string | null, verdict: 'wrong' | 'right') => {
    const response = await postJson(`${proxy.url}/v1/cache/feedback`, { entry, verdict }, { authorization: `Bearer ${key}` })
    expect(response.status).toBe(200)
    return ((await response.json()) as { action: string }).action
  }

  expect((await ask(JUDGED_PROMPTS.original, alice)).match).toBe('MISS')
  const refuted = await ask(JUDGED_PROMPTS.refuted, alice)
  expect(refuted.match).toBe('semantic')
  const confirmed = await ask(JUDGED_PROMPTS.confirmed, bob)
  expect(confirmed.match).toBe('semantic')
  expect((await ask(JUDGED_PROMPTS.removed, alice)).match).toBe('MISS')
  const removed = await ask(JUDGED_PROMPTS.removed, alice)
  expect(removed.match).toBe('exact')

  expect(await judge(alice, refuted.entry, 'wrong')).toBe('refuted')
  expect(await judge(bob, confirmed.entry, 'right')).toBe('confirmed')
  expect(await judge(alice, removed.entry, 'wrong')).toBe('removed')
}
