import { describe, expect, test } from 'bun:test'
import { describeError, throttledLog } from '../../../src/log/sink'

describe('throttledLog', () => {
  test('first line at once, then at most one a minute per kind, counting what it left out', () => {
    let now = 0
    const lines: string[] = []
    const log = throttledLog((l) => void lines.push(l), 60_000, () => now)
    log('write', 'disk full')
    log('write', 'disk full')
    log('read', 'bad page')
    now = 59_999
    log('write', 'disk full')
    now = 60_000
    log('write', 'disk full')
    expect(lines).toEqual(['disk full', 'bad page', 'disk full (2 more since the last such line)'])
  })
})

describe('describeError', () => {
  test("an error's code and message, joined; either alone; a fallback when there is neither", () => {
    expect(describeError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe('SQLITE_FULL: database or disk is full')
    expect(describeError(new Error('boom'))).toBe('boom')
    expect(describeError({ code: 'EACCES' })).toBe('EACCES')
    expect(describeError(undefined)).toBe('unknown error')
    expect(describeError(null)).toBe('unknown error')
    expect(describeError('a thrown string')).toBe('unknown error')
  })

  test('at most 200 characters, so one failure is one short log line', () => {
    expect(describeError(new Error('x'.repeat(500)))).toBe('x'.repeat(200))
  })
})
