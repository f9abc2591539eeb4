import { describe, expect, test } from 'bun:test'
import { SlidingWindowLimiter } from '../../../../src/state/memory/sliding-window'

/** A limiter on a hand-driven clock: set `clock.t`, then call. */
function limiterAt(options: { limit: number; windowMs?: number; maxClients?: number }) {
  const clock = { t: 0 }
  const limiter = new SlidingWindowLimiter({ ...options, now: () => clock.t })
  return { clock, limiter }
}

describe('SlidingWindowLimiter', () => {
  test('allows `limit` requests, then refuses; remaining counts down', () => {
    const { clock, limiter } = limiterAt({ limit: 3, windowMs: 1000 })

    clock.t = 0
    expect(limiter.consume('a')).toEqual({ success: true, limit: 3, remaining: 2, retryAfterMs: 0, resetMs: 1000 })
    clock.t = 100
    expect(limiter.consume('a')).toEqual({ success: true, limit: 3, remaining: 1, retryAfterMs: 0, resetMs: 1000 })
    clock.t = 200
    expect(limiter.consume('a')).toEqual({ success: true, limit: 3, remaining: 0, retryAfterMs: 0, resetMs: 1000 })

    clock.t = 300
    // Refused: the oldest hit (t=0) frees a slot at t=1000; the window is empty at 200+1000.
    expect(limiter.consume('a')).toEqual({ success: false, limit: 3, remaining: 0, retryAfterMs: 700, resetMs: 900 })
    // A refused request is not counted: asking again changes nothing but the clock-derived values.
    clock.t = 400
    expect(limiter.consume('a')).toEqual({ success: false, limit: 3, remaining: 0, retryAfterMs: 600, resetMs: 800 })
  })

  test('the window slides: allowed exactly when the oldest hit is windowMs old, not a millisecond before', () => {
    const { clock, limiter } = limiterAt({ limit: 2, windowMs: 60_000 })
    const oldest = 1_000
    clock.t = oldest
    expect(limiter.consume('k').success).toBe(true)
    clock.t = 31_000
    expect(limiter.consume('k').success).toBe(true)

    clock.t = oldest + 60_000 - 1
    const early = limiter.consume('k')
    expect(early.success).toBe(false)
    expect(early.retryAfterMs).toBe(1)
    expect(early.remaining).toBe(0)

    clock.t = oldest + 60_000
    const onTime = limiter.consume('k')
    expect(onTime).toEqual({ success: true, limit: 2, remaining: 0, retryAfterMs: 0, resetMs: 60_000 })

    // Full again: now the hit at 31 000 is the oldest.
    const next = limiter.consume('k')
    expect(next.success).toBe(false)
    expect(next.retryAfterMs).toBe(31_000 + 60_000 - (oldest + 60_000))
    expect(next.resetMs).toBe(60_000)
  })

  test('retryAfterMs and resetMs follow the oldest and newest hits exactly', () => {
    const { clock, limiter } = limiterAt({ limit: 1, windowMs: 10_000 })
    clock.t = 5_000
    expect(limiter.consume('x')).toEqual({ success: true, limit: 1, remaining: 0, retryAfterMs: 0, resetMs: 10_000 })
    clock.t = 7_500
    expect(limiter.consume('x')).toEqual({ success: false, limit: 1, remaining: 0, retryAfterMs: 7_500, resetMs: 7_500 })
    clock.t = 14_999
    expect(limiter.consume('x')).toEqual({ success: false, limit: 1, remaining: 0, retryAfterMs: 1, resetMs: 1 })
    clock.t = 15_000
    expect(limiter.consume('x')).toEqual({ success: true, limit: 1, remaining: 0, retryAfterMs: 0, resetMs: 10_000 })
  })

  test('peek() reports the state without counting a request', () => {
    const { clock, limiter } = limiterAt({ limit: 2, windowMs: 1000 })
    clock.t = 10

    // Unknown key: full allowance, nothing stored.
    expect(limiter.peek('p')).toEqual({ success: true, limit: 2, remaining: 2, retryAfterMs: 0, resetMs: 0 })
    expect(limiter.peek('p')).toEqual({ success: true, limit: 2, remaining: 2, retryAfterMs: 0, resetMs: 0 })
    expect(limiter.clients).toBe(0)

    limiter.consume('p')
    clock.t = 20
    for (let i = 0; i < 5; i++) {
      expect(limiter.peek('p')).toEqual({ success: true, limit: 2, remaining: 1, retryAfterMs: 0, resetMs: 990 })
    }
    expect(limiter.consume('p').remaining).toBe(0)
    expect(limiter.peek('p')).toEqual({ success: false, limit: 2, remaining: 0, retryAfterMs: 990, resetMs: 1000 })
    expect(limiter.clients).toBe(1)
  })

  test('separate keys are independent', () => {
    const { clock, limiter } = limiterAt({ limit: 1, windowMs: 1000 })
    clock.t = 0
    expect(limiter.consume('alice').success).toBe(true)
    expect(limiter.consume('alice').success).toBe(false)
    expect(limiter.consume('bob')).toEqual({ success: true, limit: 1, remaining: 0, retryAfterMs: 0, resetMs: 1000 })
    expect(limiter.consume('bob').success).toBe(false)
    expect(limiter.peek('carol').remaining).toBe(1)
    expect(limiter.clients).toBe(2)
  })

  test('memory is bounded: past maxClients the least recently seen client is dropped', () => {
    const { clock, limiter } = limiterAt({ limit: 5, windowMs: 60_000, maxClients: 100 })
    for (let i = 0; i < 1000; i++) {
      clock.t = i // all well inside one window, so the sweep cannot be what bounds it
      limiter.consume(`client-${i}`)
      expect(limiter.clients).toBeLessThanOrEqual(100)
    }
    expect(limiter.clients).toBe(100)
    // The newest client is kept, with its hit; the oldest was forgotten.
    expect(limiter.peek('client-999').remaining).toBe(4)
    expect(limiter.peek('client-900').remaining).toBe(4)
    expect(limiter.peek('client-899').remaining).toBe(5)
    expect(limiter.peek('client-0').remaining).toBe(5)
  })

  test('a hit re-inserts its client, so an active client survives eviction', () => {
    const { clock, limiter } = limiterAt({ limit: 5, windowMs: 60_000, maxClients: 3 })
    clock.t = 1
    limiter.consume('active')
    limiter.consume('b')
    limiter.consume('c')
    limiter.consume('active') // now the most recently seen
    limiter.consume('d') // evicts b, the least recently seen
    expect(limiter.clients).toBe(3)
    expect(limiter.peek('active').remaining).toBe(3)
    expect(limiter.peek('b').remaining).toBe(5)
    expect(limiter.peek('c').remaining).toBe(4)
  })

  test('idle clients are swept once a window has passed', () => {
    const { clock, limiter } = limiterAt({ limit: 5, windowMs: 1000 })
    clock.t = 0
    limiter.consume('idle-1')
    limiter.consume('idle-2')
    limiter.consume('idle-3')
    clock.t = 600
    limiter.consume('active')
    expect(limiter.clients).toBe(4)

    // One window after the limiter was created: the sweep runs and drops everyone whose last hit is that old.
    clock.t = 1000
    limiter.consume('newcomer')
    expect(limiter.clients).toBe(2)
    expect(limiter.peek('active').remaining).toBe(4)
    expect(limiter.peek('newcomer').remaining).toBe(4)
  })
})
