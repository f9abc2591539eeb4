import { describe, expect, test } from 'bun:test'
import { coolDownMs, parseDuration } from '../../../src/upstream/cool-down'

describe('parseDuration (OpenAI x-ratelimit-reset-* forms)', () => {
  test.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1s', 1_000],
    ['1.5s', 1_500],
    ['1h2m3s', 3_723_000],
    ['2m30.5s', 150_500],
    ['17', 17_000],
    ['0.25', 250],
  ])('%p → %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each(['', 'soon', '5 s', '1d', 's', '1s2', '-1s'])('%p is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('coolDownMs', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries)
  const now = Date.parse('2026-12-01T10:00:00Z')

  test('retry-after in seconds, retry-after-ms, and the reset durations', () => {
    expect(coolDownMs(headers({ 'retry-after': '2' }), now)).toBe(2_000)
    expect(coolDownMs(headers({ 'retry-after-ms': '1500' }), now)).toBe(1_500)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-requests': '3s' }), now)).toBe(3_000)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-tokens': '4.5s' }), now)).toBe(4_500)
  })

  test('retry-after as an HTTP date', () => {
    expect(coolDownMs(headers({ 'retry-after': new Date(now + 7_000).toUTCString() }), now)).toBe(7_000)
  })

  test('the longest of those given counts', () => {
    expect(coolDownMs(headers({ 'retry-after': '2', 'x-ratelimit-reset-requests': '9s', 'x-ratelimit-reset-tokens': '20ms' }), now)).toBe(9_000)
  })

  test('clamped to 1–60 s; 5 s when nothing (usable) is said', () => {
    expect(coolDownMs(headers({ 'x-ratelimit-reset-requests': '6m0s' }), now)).toBe(60_000)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-tokens': '20ms' }), now)).toBe(1_000)
    expect(coolDownMs(headers({ 'retry-after': '0' }), now)).toBe(1_000)
    expect(coolDownMs(headers({}), now)).toBe(5_000)
    expect(coolDownMs(headers({ 'retry-after': 'whenever', 'x-ratelimit-reset-requests': 'later' }), now)).toBe(5_000)
  })
})
