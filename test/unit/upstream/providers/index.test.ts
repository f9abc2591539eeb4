import { describe, expect, test } from 'bun:test'
import { PROVIDER_KINDS } from '../../../../src/config/upstreams'
import { providerOf } from '../../../../src/upstream/providers'
import { anthropic } from '../../../../src/upstream/providers/anthropic'
import { openai } from '../../../../src/upstream/providers/openai'
import { openaiChat } from '../../../../src/upstream/providers/openai-chat'

describe('providerOf', () => {
  test('openai is the openai adapter, and says so', () => {
    expect(providerOf('openai')).toBe(openai)
    expect(providerOf('openai').kind).toBe('openai')
  })

  test('openai-chat is its own adapter, not openai under another name', () => {
    expect(providerOf('openai-chat')).toBe(openaiChat)
    expect(providerOf('openai-chat').kind).toBe('openai-chat')
  })

  test('anthropic is its own adapter', () => {
    expect(providerOf('anthropic')).toBe(anthropic)
    expect(providerOf('anthropic').kind).toBe('anthropic')
  })

  // Every word the config accepts has an adapter of that kind: none stands in for another.
  test.each(PROVIDER_KINDS)('%s has an adapter of its own kind', (kind) => {
    expect(providerOf(kind).kind).toBe(kind)
  })
})
