import { describe, expect, test } from 'bun:test'
import { formatResetDuration, rateLimitHeaders } from '../../../src/limits/headers'
import type { LimitResult } from '../../../src/state/memory/sliding-window'

describe('formatResetDuration (OpenAI duration strings)', () => {
  test.each([
    [0, '0ms'],
    [1, '1ms'],
    [250, '250ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1001, '2s'],
    [59_000, '59s'],
    [59_001, '1m0s'],
    [60_000, '1m0s'],
    [61_500, '1m2s'],
    [125_000, '2m5s'],
  ])('%p ms → %p', (ms, expected) => {
    expect(formatResetDuration(ms)).toBe(expected)
  })

  test('negative durations clamp to 0ms', () => {
    expect(formatResetDuration(-5)).toBe('0ms')
  })
})

const result = (overrides: Partial<LimitResult>): LimitResult => ({
  success: true,
  limit: 4,
  remaining: 3,
  retryAfterMs: 0,
  resetMs: 60_000,
  ...overrides,
})

describe('rateLimitHeaders', () => {
  test('allowed: the three x-ratelimit headers and no retry-after', () => {
    expect(rateLimitHeaders(result({ remaining: 3, resetMs: 60_000 }))).toEqual({
      'x-ratelimit-limit-requests': '4',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '1m0s',
    })
  })

  test('refused: retry-after in whole seconds, rounded up', () => {
    expect(rateLimitHeaders(result({ success: false, remaining: 0, retryAfterMs: 1500, resetMs: 45_250 }))).toEqual({
      'x-ratelimit-limit-requests': '4',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '46s',
      'retry-after': '2',
    })
    expect(rateLimitHeaders(result({ success: false, retryAfterMs: 2000 }))['retry-after']).toBe('2')
    expect(rateLimitHeaders(result({ success: false, retryAfterMs: 2001 }))['retry-after']).toBe('3')
    expect(rateLimitHeaders(result({ success: false, retryAfterMs: 59_999 }))['retry-after']).toBe('60')
  })

  test('refused: retry-after is at least 1 second', () => {
    expect(rateLimitHeaders(result({ success: false, retryAfterMs: 1 }))['retry-after']).toBe('1')
    expect(rateLimitHeaders(result({ success: false, retryAfterMs: 0 }))['retry-after']).toBe('1')
  })

  test('no retry-after when allowed, even with a retryAfterMs value', () => {
    expect('retry-after' in rateLimitHeaders(result({ success: true, remaining: 0, retryAfterMs: 5000 }))).toBe(false)
  })
})
