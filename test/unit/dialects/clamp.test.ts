import { describe, expect, test } from 'bun:test'
import { clampOutputTokens } from '../../../src/dialects'
import type { JsonObject } from '../../../src/openai/validate'

const chat = (extra: JsonObject = {}): JsonObject => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra })

describe('clampOutputTokens', () => {
  test('chat without a limit gets max_completion_tokens = cap', () => {
    const body = chat()
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_completion_tokens).toBe(300)
    expect('max_tokens' in body).toBe(false)
  })

  test('chat max_tokens 1000 → 300, and no max_completion_tokens is added', () => {
    const body = chat({ max_tokens: 1000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(300)
    expect('max_completion_tokens' in body).toBe(false)
  })

  test('chat max_completion_tokens 1000 → 300, and no max_tokens is added', () => {
    const body = chat({ max_completion_tokens: 1000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_completion_tokens).toBe(300)
    expect('max_tokens' in body).toBe(false)
  })

  test('chat with both: both clamped', () => {
    const body = chat({ max_tokens: 1000, max_completion_tokens: 4000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(300)
    expect(body.max_completion_tokens).toBe(300)
  })

  test('chat with both, one under the cap: only the other clamped', () => {
    const body = chat({ max_tokens: 50, max_completion_tokens: 4000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(50)
    expect(body.max_completion_tokens).toBe(300)
  })

  test('lower values are untouched and nothing changes', () => {
    const body = chat({ max_tokens: 100 })
    expect(clampOutputTokens('chat', body, 300)).toBe(false)
    expect(body).toEqual(chat({ max_tokens: 100 }))

    const atCap = chat({ max_completion_tokens: 300 })
    expect(clampOutputTokens('chat', atCap, 300)).toBe(false)
    expect(atCap).toEqual(chat({ max_completion_tokens: 300 }))
  })

  test('an explicit null ("no limit") is replaced by the cap', () => {
    const body = chat({ max_tokens: null })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect('max_tokens' in body).toBe(false)
    expect(body.max_completion_tokens).toBe(300)

    const both = chat({ max_tokens: null, max_completion_tokens: null })
    expect(clampOutputTokens('chat', both, 300)).toBe(true)
    expect(both).toEqual(chat({ max_completion_tokens: 300 }))

    const completions: JsonObject = { model: 'm', prompt: 'x', max_tokens: null }
    expect(clampOutputTokens('completions', completions, 300)).toBe(true)
    expect(completions).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })
  })

  test('completions: max_tokens', () => {
    const none: JsonObject = { model: 'm', prompt: 'x' }
    expect(clampOutputTokens('completions', none, 300)).toBe(true)
    expect(none).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })

    const over: JsonObject = { model: 'm', prompt: 'x', max_tokens: 301 }
    expect(clampOutputTokens('completions', over, 300)).toBe(true)
    expect(over).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })

    const under: JsonObject = { model: 'm', prompt: 'x', max_tokens: 16 }
    expect(clampOutputTokens('completions', under, 300)).toBe(false)
    expect(under.max_tokens).toBe(16)
  })

  test('responses: max_output_tokens', () => {
    const none: JsonObject = { model: 'm', input: 'x' }
    expect(clampOutputTokens('responses', none, 300)).toBe(true)
    expect(none).toEqual({ model: 'm', input: 'x', max_output_tokens: 300 })

    const over: JsonObject = { model: 'm', input: 'x', max_output_tokens: 9000 }
    expect(clampOutputTokens('responses', over, 300)).toBe(true)
    expect(over).toEqual({ model: 'm', input: 'x', max_output_tokens: 300 })
    expect('max_tokens' in over).toBe(false)
  })

  test('embeddings are untouched', () => {
    const body: JsonObject = { model: 'm', input: 'x' }
    expect(clampOutputTokens('embeddings', body, 300)).toBe(false)
    expect(body).toEqual({ model: 'm', input: 'x' })
  })

  test('cap 0 means no cap: untouched', () => {
    const none = chat()
    expect(clampOutputTokens('chat', none, 0)).toBe(false)
    expect(none).toEqual(chat())

    const big = chat({ max_tokens: 100_000 })
    expect(clampOutputTokens('chat', big, 0)).toBe(false)
    expect(big.max_tokens).toBe(100_000)

    const nulls: JsonObject = { model: 'm', input: 'x', max_output_tokens: null }
    expect(clampOutputTokens('responses', nulls, 0)).toBe(false)
    expect(nulls.max_output_tokens).toBeNull()
  })
})
