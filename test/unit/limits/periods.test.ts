import { describe, expect, test } from 'bun:test'
import { dayOf, periodOf } from '../../../src/limits/periods'

// Budget periods (DESIGN §1.5): UTC calendar days, weeks from Monday, months from the 1st; `total` never
// renews. The id names the period its spend is kept under; renewsAt is the start of the next one.

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())
const view = (per: Parameters<typeof periodOf>[0], when: string) => {
  const period = periodOf(per, at(when))
  return { id: period.id, start: iso(period.start), renewsAt: iso(period.renewsAt) }
}

describe('day', () => {
  test('from UTC midnight to the next', () => {
    expect(view('day', '2026-03-10T13:45:12.345Z')).toEqual({ id: 'day:2026-03-10', start: '2026-03-10T00:00:00.000Z', renewsAt: '2026-03-11T00:00:00.000Z' })
  })

  test('the last ms of a day is still that day; the next ms is the next', () => {
    expect(view('day', '2026-03-10T23:59:59.999Z').id).toBe('day:2026-03-10')
    expect(view('day', '2026-03-11T00:00:00.000Z')).toEqual({ id: 'day:2026-03-11', start: '2026-03-11T00:00:00.000Z', renewsAt: '2026-03-12T00:00:00.000Z' })
  })

  test('a leap day is a day of its own', () => {
    expect(view('day', '2028-02-28T23:59:59.999Z').renewsAt).toBe('2028-02-29T00:00:00.000Z')
    expect(view('day', '2028-02-29T12:00:00Z')).toEqual({ id: 'day:2028-02-29', start: '2028-02-29T00:00:00.000Z', renewsAt: '2028-03-01T00:00:00.000Z' })
  })

  test('Dec 31 renews on Jan 1 of the next year', () => {
    expect(view('day', '2026-12-31T23:59:59.999Z')).toEqual({ id: 'day:2026-12-31', start: '2026-12-31T00:00:00.000Z', renewsAt: '2027-01-01T00:00:00.000Z' })
  })
})

describe('week (from Monday, UTC)', () => {
  test('the fixture days are what the tests say they are', () => {
    expect(new Date(at('2026-03-15T00:00:00Z')).getUTCDay()).toBe(0) // Sunday
    expect(new Date(at('2026-03-16T00:00:00Z')).getUTCDay()).toBe(1) // Monday
    expect(new Date(at('2028-02-28T00:00:00Z')).getUTCDay()).toBe(1) // Monday
  })

  test('every day of a week, Monday to Sunday, is the week of its Monday', () => {
    for (let day = 9; day <= 15; day++) {
      expect(view('week', `2026-03-${String(day).padStart(2, '0')}T08:00:00Z`)).toEqual({ id: 'week:2026-03-09', start: '2026-03-09T00:00:00.000Z', renewsAt: '2026-03-16T00:00:00.000Z' })
    }
  })

  test('the last ms of Sunday belongs to the old week, Monday 00:00 starts the new one', () => {
    expect(view('week', '2026-03-15T23:59:59.999Z').id).toBe('week:2026-03-09')
    expect(view('week', '2026-03-16T00:00:00.000Z')).toEqual({ id: 'week:2026-03-16', start: '2026-03-16T00:00:00.000Z', renewsAt: '2026-03-23T00:00:00.000Z' })
  })

  test('a week across a month end, a year end and a leap day', () => {
    // Monday 2026-12-28 .. Sunday 2027-01-03
    expect(view('week', '2027-01-03T23:59:59.999Z')).toEqual({ id: 'week:2026-12-28', start: '2026-12-28T00:00:00.000Z', renewsAt: '2027-01-04T00:00:00.000Z' })
    // Monday 2028-02-28 .. Sunday 2028-03-05 (with Feb 29 in it)
    expect(view('week', '2028-02-29T10:00:00Z').id).toBe('week:2028-02-28')
    expect(view('week', '2028-03-05T23:59:59.999Z')).toEqual({ id: 'week:2028-02-28', start: '2028-02-28T00:00:00.000Z', renewsAt: '2028-03-06T00:00:00.000Z' })
  })
})

describe('month (from the 1st, UTC)', () => {
  test('id, start and renewal', () => {
    expect(view('month', '2026-03-10T13:45:00Z')).toEqual({ id: 'month:2026-03', start: '2026-03-01T00:00:00.000Z', renewsAt: '2026-04-01T00:00:00.000Z' })
  })

  test('the last ms of a month is that month; the next ms is the next month', () => {
    expect(view('month', '2026-04-30T23:59:59.999Z')).toEqual({ id: 'month:2026-04', start: '2026-04-01T00:00:00.000Z', renewsAt: '2026-05-01T00:00:00.000Z' })
    expect(view('month', '2026-05-01T00:00:00.000Z').id).toBe('month:2026-05')
  })

  test('December renews on January 1 of the next year', () => {
    expect(view('month', '2026-12-31T23:59:59.999Z')).toEqual({ id: 'month:2026-12', start: '2026-12-01T00:00:00.000Z', renewsAt: '2027-01-01T00:00:00.000Z' })
    expect(view('month', '2027-01-01T00:00:00.000Z')).toEqual({ id: 'month:2027-01', start: '2027-01-01T00:00:00.000Z', renewsAt: '2027-02-01T00:00:00.000Z' })
  })

  test('February of a leap year ends after the 29th', () => {
    expect(view('month', '2028-02-29T23:59:59.999Z')).toEqual({ id: 'month:2028-02', start: '2028-02-01T00:00:00.000Z', renewsAt: '2028-03-01T00:00:00.000Z' })
    expect(view('month', '2027-02-28T23:59:59.999Z').renewsAt).toBe('2027-03-01T00:00:00.000Z')
  })
})

describe('total', () => {
  test('one period forever, never renewing', () => {
    for (const when of ['2026-03-10T00:00:00Z', '2031-07-04T12:00:00Z']) {
      const period = periodOf('total', at(when))
      expect(period.id).toBe('total')
      expect(period.renewsAt).toBeUndefined()
      expect(period.start).toBe(0)
    }
  })
})

describe('dayOf', () => {
  test('the UTC date of a moment, as usage rows name it', () => {
    expect(dayOf(at('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10')
    expect(dayOf(at('2026-03-11T00:00:00.000Z'))).toBe('2026-03-11')
    expect(dayOf(at('2028-02-29T05:00:00Z'))).toBe('2028-02-29')
    // A moment given with an offset is still dated in UTC.
    expect(dayOf(at('2026-03-10T23:30:00-02:00'))).toBe('2026-03-11')
  })
})
