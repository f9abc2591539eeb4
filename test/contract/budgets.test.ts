import { RedisBudgets } from '../../src/state/redis/budgets'
import { redisFixture, redisSkipReason } from './redis'
import { describe, expect, test } from 'bun:test'
import { MemoryBudgets } from '../../src/state/memory/budgets'
import { openAccounts } from '../../src/state/sqlite/accounts'
import { SqliteBudgets } from '../../src/state/sqlite/budgets'
import { tempFiles } from './helpers'
import { budgetContract } from './suites/budgets'

const files = tempFiles('budgets')

budgetContract('MemoryBudgets', async () => ({ store: new MemoryBudgets(), close: async () => {} }))

budgetContract('SqliteBudgets', async () => {
  const db = openAccounts(files.path('keys'))
  return { store: new SqliteBudgets(db), close: async () => db.close() }
})

describe('SqliteBudgets on one file', () => {
  test('settled spend survives a new instance; reservations lived in the old one only', async () => {
    const path = files.path('keys')
    const db = openAccounts(path)
    const first = new SqliteBudgets(db)
    await first.spend('k', 'month:2026-12', 2)
    const held = await first.reserve('k', 'month:2026-12', 3, 10, 60_000)
    await first.settle('k', 'month:2026-12', held.id!, 1.5)
    await first.reserve('k', 'month:2026-12', 4, 10, 60_000) // still running when the process ends
    db.close()
    const again = openAccounts(path)
    const second = new SqliteBudgets(again)
    expect(await second.spent('k', 'month:2026-12')).toEqual({ spent: 3.5, reserved: 0 })
    expect((await second.reserve('k', 'month:2026-12', 6.5, 10, 60_000)).ok).toBe(true)
    again.close()
  })
})

describe.skipIf(!!redisSkipReason)('Redis', () => {
  const redis = redisFixture()
  budgetContract('RedisBudgets', async () => {
    const r = await redis.open()
    return { store: new RedisBudgets(r.redis, r.prefix), close: r.close }
  })
})
