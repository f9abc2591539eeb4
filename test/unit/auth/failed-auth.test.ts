import { describe, expect, test } from 'bun:test'
import { FAILED_AUTH_LIMIT, FailedAuth } from '../../../src/auth/failed-auth'
import { invalidApiKey } from '../../../src/errors'
import { MemoryRateLimits } from '../../../src/state/memory/rate-limits'
import type { RateLimitStore } from '../../../src/state/types'

const ADDRESS = '203.0.113.9'

function failedAuth(store?: RateLimitStore) {
  let t = 1_000_000
  const outcomes: boolean[] = []
  const failures = new FailedAuth({ store: store ?? new MemoryRateLimits({ now: () => t }), onRefused: (limited) => void outcomes.push(limited) })
  return { failures, outcomes, advance: (ms: number) => void (t += ms) }
}

/** `n` wrong keys from `address`: the statuses they were answered with. */
async function fail(failures: FailedAuth, address: string, n: number) {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) statuses.push((await failures.refuse(address, invalidApiKey())).status)
  return statuses
}

describe('FailedAuth', () => {
  test('20 wrong keys from one address are 401s; the 21st is a 429 with retry-after that SDKs do not retry', async () => {
    const { failures } = failedAuth()
    expect(FAILED_AUTH_LIMIT).toBe(20)
    expect(await fail(failures, ADDRESS, 20)).toEqual(Array(20).fill(401))
    const error = await failures.refuse(ADDRESS, invalidApiKey())
    expect(error.toBody().error).toMatchObject({ type: 'requests', code: 'too_many_failed_auth', param: null })
    expect(error.status).toBe(429)
    expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(59)
    expect(Number(error.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(error.headers['x-should-retry']).toBe('false')
  })

  test('the refusal given is kept under the limit (a wrong ADMIN_KEY stays the 401 naming ADMIN_KEY)', async () => {
    const { failures } = failedAuth()
    const unauthorized = invalidApiKey('ADMIN_KEY')
    expect(await failures.refuse(ADDRESS, unauthorized)).toBe(unauthorized)
  })

  test('another address is not affected', async () => {
    const { failures } = failedAuth()
    await fail(failures, ADDRESS, 25)
    expect(await fail(failures, '203.0.113.10', 20)).toEqual(Array(20).fill(401))
  })

  test('the window slides: a minute after the first failures, as many may fail again', async () => {
    const { failures, advance } = failedAuth()
    await fail(failures, ADDRESS, 10)
    advance(30_000)
    await fail(failures, ADDRESS, 10)
    expect((await failures.refuse(ADDRESS, invalidApiKey())).status).toBe(429)
    advance(30_001)
    // The first ten left the window; refusals past the limit were never counted in it.
    expect(await fail(failures, ADDRESS, 11)).toEqual([...Array(10).fill(401), 429])
    const error = await failures.refuse(ADDRESS, invalidApiKey())
    expect(Number(error.headers['retry-after'])).toBe(30)
  })

  test('addresses of one IPv6 /64 count together', async () => {
    const { failures } = failedAuth()
    for (let i = 0; i < 20; i++) await failures.refuse(`2001:db8:0:1::${i.toString(16)}`, invalidApiKey())
    expect((await failures.refuse('2001:db8:0:1:ffff::1', invalidApiKey())).status).toBe(429)
    expect((await failures.refuse('2001:db8:0:2::1', invalidApiKey())).status).toBe(401)
  })

  test('every refusal is reported, the 429s as limited', async () => {
    const { failures, outcomes } = failedAuth()
    await fail(failures, ADDRESS, 22)
    expect(outcomes).toEqual([...Array(20).fill(false), true, true])
  })

  test('a store that cannot answer lets the 401 through rather than failing the request', async () => {
    const broken: RateLimitStore = {
      hit: () => Promise.reject(new Error('store away')),
      peek: () => Promise.reject(new Error('store away')),
      release: () => Promise.reject(new Error('store away')),
    }
    const { failures, outcomes } = failedAuth(broken)
    expect(await fail(failures, ADDRESS, 25)).toEqual(Array(25).fill(401))
    expect(outcomes).toHaveLength(25)
  })

  test('its windows are apart from the rate limits of clients in the same store', async () => {
    const store = new MemoryRateLimits()
    const { failures } = failedAuth(store)
    await fail(failures, ADDRESS, 21)
    // The key a PROXY_KEY client's own rate limit is counted under, at the same limit and window.
    expect((await store.peek(`ip:${ADDRESS}`, 20, 60_000)).remaining).toBe(20)
  })
})
