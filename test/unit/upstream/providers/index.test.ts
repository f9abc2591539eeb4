import { describe, expect, test } from 'bun:test'
import { PROVIDER_KINDS } from '../../../../src/config/upstreams'
import { providerOf } from '../../../../src/upstream/providers'
import { openai } from '../../../../src/upstream/providers/openai'

describe('providerOf', () => {
  test('openai is the openai adapter, and says so', () => {
    expect(providerOf('openai')).toBe(openai)
    expect(providerOf('openai').kind).toBe('openai')
  })

  // The config refuses these at start; were one to slip through, no other adapter may stand in for it.
  test.each(PROVIDER_KINDS.filter((kind) => kind !== 'openai'))('%s has no adapter yet: it throws rather than serve as openai', (kind) => {
    expect(() => providerOf(kind)).toThrow(`provider ${kind} has no adapter in this version`)
  })
})
