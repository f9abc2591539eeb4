import { describe, expect, test } from 'bun:test'
import type { RedisConnection } from '../../../../src/state/redis/connection'
import { FallbackBudgets, FallbackUsage } from '../../../../src/state/redis/fallback'
import type { BudgetStore, UsageDelta, UsageStore } from '../../../../src/state/types'

// Writes owed to Redis (made while it was away, or still queued when requests settle together) are applied
// once each, in order, however many requests repay at the same moment.

const connection = () => ({ available: true }) as unknown as RedisConnection & { available: boolean }
const slowly = () => Bun.sleep(2)

const delta = (n: number): UsageDelta => ({ key: 'alice', day: '2026-12-01', model: 'gpt-4o-mini', requests: 1, promptTokens: n, completionTokens: 0, costUsd: 0, hits: 0, savedUsd: 0 }) as UsageDelta

describe('FallbackUsage', () => {
  test('five requests settling at once: five writes, each once, in order', async () => {
    const written: number[] = []
    const shared = { add: async (d: UsageDelta) => (await slowly(), written.push(d.promptTokens)) } as unknown as UsageStore
    const usage = new FallbackUsage(connection(), shared)
    await Promise.all([1, 2, 3, 4, 5].map((n) => usage.add(delta(n))))
    expect(written).toEqual([1, 2, 3, 4, 5])
  })

  test('kept while Redis is away, written once when it is back', async () => {
    const written: number[] = []
    const redis = connection()
    const shared = { add: async (d: UsageDelta) => (await slowly(), written.push(d.promptTokens)), rows: async () => [] } as unknown as UsageStore
    const usage = new FallbackUsage(redis, shared)
    redis.available = false
    await usage.add(delta(1))
    await usage.add(delta(2))
    expect(written).toEqual([])
    redis.available = true
    await Promise.all([usage.rows('alice', '2026-12-01', '2026-12-01'), usage.rows(undefined, '2026-12-01', '2026-12-01'), usage.add(delta(3))])
    expect(written).toEqual([1, 2, 3])
  })
})

describe('FallbackBudgets', () => {
  test('spend settled while Redis was away reaches it once, however many requests read the spend at once', async () => {
    let total = 0
    let calls = 0
    const shared = {
      spend: async (_key: string, _period: string, amount: number) => (await slowly(), (total += amount), calls++),
      spent: async () => ({ spent: total, reserved: 0 }),
    } as unknown as BudgetStore
    const redis = connection()
    const budgets = new FallbackBudgets(redis, shared)
    redis.available = false
    for (const amount of [1, 10, 100]) await budgets.spend('alice', 'd:2026-12-01', amount)
    redis.available = true
    const seen = await Promise.all([1, 2, 3].map(() => budgets.spent('alice', 'd:2026-12-01')))
    expect(total).toBe(111)
    expect(calls).toBe(3)
    expect(seen.map((s) => s.spent)).toEqual([111, 111, 111])
  })
})
