// The affinity measurement (issue 23 point 3, bench/affinity.ts): a provider's prompt cache, simulated per
// key, serves a clearly larger share of the prompts when the pool keeps each conversation on one key than
// with least-recently-used rotation — the same seeded conversations, the same numbers every run.

import { describe, expect, test } from 'bun:test'
import { measureAffinity } from '../../../bench/affinity'
import { PromptCacheSim } from '../../helpers/fake-prompt-cache'

describe('the per-key prompt-cache simulation', () => {
  test("a key reads from its cache the longest run of leading messages it was sent before; another key's cache is its own", () => {
    const sim = new PromptCacheSim()
    const first = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'one two three' }]
    expect(sim.answer('k1', { messages: first }).usage).toMatchObject({ prompt_tokens: 6 + 7, prompt_tokens_details: { cached_tokens: 0 } })
    const answer = sim.answer('k1', { messages: first }).content
    const second = [...first, { role: 'assistant', content: answer }, { role: 'user', content: 'four' }]
    const usage = sim.answer('k1', { messages: second }).usage
    expect(usage.prompt_tokens_details.cached_tokens).toBe(13)
    expect(usage.prompt_tokens).toBeGreaterThan(13)
    expect(sim.answer('k2', { messages: second }).usage.prompt_tokens_details.cached_tokens).toBe(0)
  })
})

describe('30 conversations × 4 turns over 2 keys', () => {
  test('deterministic: the same seed gives the same numbers', async () => {
    expect(await measureAffinity({ seed: 7 })).toEqual(await measureAffinity({ seed: 7 }))
  })

  for (const systemPrompts of [true, false]) {
    test(`${systemPrompts ? "three apps' system prompts" : 'no system prompt'}: affinity's cached share is at least 10 points above rotation's, and near one key's`, async () => {
      const { rotation, affinity, oneKey } = await measureAffinity({ seed: 1, systemPrompts })
      expect(affinity.requests).toBe(120)
      expect(affinity.promptTokens).toBe(rotation.promptTokens)
      expect(affinity.share).toBeGreaterThanOrEqual(rotation.share + 0.1)
      expect(affinity.share).toBeGreaterThan(oneKey.share - 0.02)
      expect(rotation.share).toBeLessThan(oneKey.share - 0.1)
    })
  }
})
