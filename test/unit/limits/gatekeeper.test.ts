import { beforeEach, describe, expect, test } from 'bun:test'
import type { ClientKey } from '../../../src/auth/client-key'
import type { BudgetSetting } from '../../../src/config/key-settings'
import { ApiError } from '../../../src/errors'
import { Gatekeeper, type Admission } from '../../../src/limits/gatekeeper'
import { CATALOGUE_PRICES, costOf } from '../../../src/openai/prices'
import { MemoryBudgets } from '../../../src/state/memory/budgets'
import { MemoryRateLimits } from '../../../src/state/memory/rate-limits'
import { MemoryUsage } from '../../../src/state/memory/usage'

// The gatekeeper (DESIGN §1.5, §1.7): a rate-limit slot and a budget reservation taken in one admission,
// refused with 429 insufficient_quota once the budget is used up, settled to what the request really used,
// given back in full when it spent nothing.

const NOON = Date.parse('2026-03-10T12:00:00Z')
let clock = NOON
const now = () => clock
let budgets: MemoryBudgets
let rateLimits: MemoryRateLimits
let usage: MemoryUsage
let gate: Gatekeeper

beforeEach(() => {
  clock = NOON
  budgets = new MemoryBudgets(now)
  rateLimits = new MemoryRateLimits({ now })
  usage = new MemoryUsage()
  gate = new Gatekeeper({ rateLimits, budgets, usage, prices: CATALOGUE_PRICES, now })
})

const keyWith = (budget?: BudgetSetting, rateLimit = 0): ClientKey => ({
  name: 'alice',
  id: 'name:alice',
  hash: 'alice',
  account: 'alice',
  metered: true,
  rateLimit,
  maxOutputTokens: 0,
  cacheGroup: 'private:alice',
  allow: () => true,
  budget,
})

const MODEL = 'gpt-4o-mini'
const estimate = { promptTokens: 100, completionTokens: 300 }
const call = { model: MODEL, estimate }
const ESTIMATE_USD = costOf(CATALOGUE_PRICES, MODEL, { promptTokens: 100, completionTokens: 300 })
const periodOfDay = 'day:2026-03-10'

/** The error an admission was refused with (a test failure when it was admitted). */
async function refusal(admission: Promise<Admission>): Promise<ApiError> {
  const outcome = await admission.then(
    () => undefined,
    (error: unknown) => error
  )
  if (!(outcome instanceof ApiError)) throw new Error(`expected an ApiError, got ${outcome === undefined ? 'an admission' : String(outcome)}`)
  return outcome
}

describe('reserve and refuse', () => {
  test('a tokens budget holds as many estimates as fit, then 429 insufficient_quota until midnight UTC', async () => {
    const key = keyWith({ tokens: 1000, per: 'day' })
    await gate.admit(key, call)
    await gate.admit(key, call)
    expect(await budgets.spent('alice', periodOfDay)).toEqual({ spent: 0, reserved: 800 })
    const error = await refusal(gate.admit(key, call))
    expect(error.status).toBe(429)
    expect(error.type).toBe('insufficient_quota')
    expect(error.code).toBe('insufficient_quota')
    expect(error.headers['x-should-retry']).toBe('false')
    // Noon: 12 hours until the next UTC day.
    expect(error.headers['retry-after']).toBe(String(12 * 3600))
    expect(error.message).toContain('1000 tokens')
    expect(error.message).toContain('2026-03-11T00:00:00.000Z')
    // The refused request reserved nothing.
    expect((await budgets.spent('alice', periodOfDay)).reserved).toBe(800)
  })

  test('retry-after counts the seconds to the renewal, rounded up, for a week and a month', async () => {
    clock = Date.parse('2026-03-15T23:59:58.500Z') // a Sunday
    const weekly = await refusal(gate.admit(keyWith({ tokens: 10, per: 'week' }), call))
    expect(weekly.headers['retry-after']).toBe('2')
    clock = Date.parse('2026-12-31T23:00:00Z')
    const monthly = await refusal(gate.admit(keyWith({ usd: ESTIMATE_USD / 2, per: 'month' }), call))
    expect(monthly.headers['retry-after']).toBe('3600')
    expect(monthly.headers['x-should-retry']).toBe('false')
  })

  test('per: total never renews: no retry-after, still x-should-retry: false', async () => {
    const error = await refusal(gate.admit(keyWith({ tokens: 399, per: 'total' }), call))
    expect(error.status).toBe(429)
    expect(error.code).toBe('insufficient_quota')
    expect(error.headers['retry-after']).toBeUndefined()
    expect(error.headers['x-should-retry']).toBe('false')
    expect(error.message).toContain('does not renew')
  })

  test('a usd budget reserves the estimate at the model’s price', async () => {
    const key = keyWith({ usd: 1, per: 'month' })
    await gate.admit(key, call)
    expect((await budgets.spent('alice', 'month:2026-03')).reserved).toBeCloseTo(ESTIMATE_USD, 12)
  })

  test('a usd budget and a model without a price: 400 naming MODEL_PRICES, nothing reserved or counted', async () => {
    const key = keyWith({ usd: 5, per: 'month' }, 10)
    const error = await refusal(gate.admit(key, { model: 'llama-local-7b', estimate }))
    expect(error.status).toBe(400)
    expect(error.param).toBe('model')
    expect(error.message).toContain('MODEL_PRICES')
    expect(error.message).toContain('llama-local-7b')
    expect((await budgets.spent('alice', 'month:2026-03')).reserved).toBe(0)
    expect((await gate.peek(key))!.remaining).toBe(10)
  })

  test('a tokens budget needs no price: an unpriced model is admitted', async () => {
    await gate.admit(keyWith({ tokens: 1000, per: 'day' }), { model: 'llama-local-7b', estimate })
    expect((await budgets.spent('alice', periodOfDay)).reserved).toBe(400)
  })

  test('a refused budget gives the rate-limit slot back', async () => {
    const key = keyWith({ tokens: 500, per: 'day' }, 5)
    await gate.admit(key, call)
    expect((await gate.peek(key))!.remaining).toBe(4)
    await refusal(gate.admit(key, call))
    await refusal(gate.admit(key, call))
    expect((await gate.peek(key))!.remaining).toBe(4)
  })

  test('over the rate limit: 429 rate_limit_exceeded, and nothing reserved', async () => {
    const key = keyWith({ tokens: 10_000, per: 'day' }, 1)
    await gate.admit(key, call)
    const error = await refusal(gate.admit(key, call))
    expect(error.code).toBe('rate_limit_exceeded')
    expect((await budgets.spent('alice', periodOfDay)).reserved).toBe(400)
  })
})

describe('settle', () => {
  test('a tokens budget counts prompt + completion tokens as reported', async () => {
    const admission = await gate.admit(keyWith({ tokens: 1000, per: 'day' }), call)
    await admission.settle({ promptTokens: 30, completionTokens: 20 })
    expect(await budgets.spent('alice', periodOfDay)).toEqual({ spent: 50, reserved: 0 })
  })

  test('to the actual cost, less than the estimate', async () => {
    const admission = await gate.admit(keyWith({ usd: 1, per: 'month' }), call)
    await admission.settle({ promptTokens: 40, completionTokens: 10 })
    const { spent, reserved } = await budgets.spent('alice', 'month:2026-03')
    expect(spent).toBeCloseTo(costOf(CATALOGUE_PRICES, MODEL, { promptTokens: 40, completionTokens: 10 }), 12)
    expect(spent).toBeLessThan(ESTIMATE_USD)
    expect(reserved).toBe(0)
  })

  test('to the actual cost, more than the estimate (the upstream’s count wins)', async () => {
    const admission = await gate.admit(keyWith({ usd: 1, per: 'month' }), call)
    await admission.settle({ promptTokens: 900, completionTokens: 700 })
    const { spent, reserved } = await budgets.spent('alice', 'month:2026-03')
    expect(spent).toBeCloseTo(costOf(CATALOGUE_PRICES, MODEL, { promptTokens: 900, completionTokens: 700 }), 12)
    expect(spent).toBeGreaterThan(ESTIMATE_USD)
    expect(reserved).toBe(0)
  })

  test('counts the request in the key’s usage for the day and model', async () => {
    const admission = await gate.admit(keyWith({ usd: 1, per: 'month' }), call)
    await admission.settle({ promptTokens: 40, completionTokens: 10 })
    const rows = await usage.rows('alice', '2026-03-10', '2026-03-11')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ key: 'alice', day: '2026-03-10', model: MODEL, requests: 1, hits: 0, promptTokens: 40, completionTokens: 10, savedUsd: 0 })
    expect(rows[0]!.costUsd).toBeCloseTo(costOf(CATALOGUE_PRICES, MODEL, { promptTokens: 40, completionTokens: 10 }), 12)
  })

  test('a key without a budget still has its usage counted', async () => {
    const admission = await gate.admit(keyWith(undefined), call)
    await admission.settle({ promptTokens: 5, completionTokens: 5 })
    expect((await usage.rows('alice', '2026-03-10', '2026-03-11'))[0]).toMatchObject({ requests: 1, promptTokens: 5, completionTokens: 5 })
  })

  test('settled once: a second settle or a release after it changes nothing', async () => {
    const admission = await gate.admit(keyWith({ tokens: 1000, per: 'day' }, 5), call)
    await admission.settle({ promptTokens: 30, completionTokens: 20 })
    await admission.settle({ promptTokens: 300, completionTokens: 200 })
    await admission.release()
    expect(await budgets.spent('alice', periodOfDay)).toEqual({ spent: 50, reserved: 0 })
    expect((await usage.rows('alice', '2026-03-10', '2026-03-11'))[0]!.requests).toBe(1)
    // The request reached the model: its rate-limit slot stays counted.
    expect((await gate.peek(keyWith({ tokens: 1000, per: 'day' }, 5)))!.remaining).toBe(4)
  })
})

describe('release', () => {
  test('gives everything back: the reservation and the rate-limit slot; nothing is counted', async () => {
    const key = keyWith({ tokens: 400, per: 'day' }, 3)
    const admission = await gate.admit(key, call)
    expect((await gate.peek(key))!.remaining).toBe(2)
    await admission.release()
    expect(await budgets.spent('alice', periodOfDay)).toEqual({ spent: 0, reserved: 0 })
    expect((await gate.peek(key))!.remaining).toBe(3)
    expect(await usage.rows('alice', '0000-01-01', '9999-12-31')).toEqual([])
    // The whole budget is there again.
    await gate.admit(key, call)
  })
})

describe('renewal', () => {
  test('after the period boundary the budget is free again; the old period keeps its spend', async () => {
    const key = keyWith({ tokens: 400, per: 'day' })
    await (await gate.admit(key, call)).settle({ promptTokens: 200, completionTokens: 200 })
    const error = await refusal(gate.admit(key, call))
    clock = NOON + Number(error.headers['retry-after']) * 1000 - 1
    await refusal(gate.admit(key, call))
    clock += 1
    const next = await gate.admit(key, call)
    await next.settle({ promptTokens: 1, completionTokens: 1 })
    expect((await budgets.spent('alice', periodOfDay)).spent).toBe(400)
    expect((await budgets.spent('alice', 'day:2026-03-11')).spent).toBe(2)
  })

  test('a month budget renews on the 1st, Dec → Jan', async () => {
    clock = Date.parse('2026-12-31T23:59:59.999Z')
    const key = keyWith({ usd: ESTIMATE_USD * 1.5, per: 'month' })
    await (await gate.admit(key, call)).settle(estimate)
    await refusal(gate.admit(key, call))
    clock += 1
    await gate.admit(key, call)
    expect((await budgets.spent('alice', 'month:2027-01')).reserved).toBeCloseTo(ESTIMATE_USD, 12)
  })

  test('a reservation never settled expires (15 minutes) instead of holding the budget forever', async () => {
    const key = keyWith({ tokens: 400, per: 'day' })
    await gate.admit(key, call)
    await refusal(gate.admit(key, call))
    clock += 15 * 60_000
    await gate.admit(key, call)
  })
})

describe('recordHit', () => {
  test('a hit is a request with a hit, no tokens, no cost, and what it saved', async () => {
    await gate.recordHit(keyWith({ usd: 1, per: 'month' }), MODEL, { promptTokens: 1000, completionTokens: 500 })
    await gate.recordHit(keyWith({ usd: 1, per: 'month' }), MODEL, undefined)
    const [row] = await usage.rows('alice', '2026-03-10', '2026-03-11')
    expect(row).toMatchObject({ requests: 2, hits: 2, promptTokens: 0, completionTokens: 0, costUsd: 0 })
    expect(row!.savedUsd).toBeCloseTo(costOf(CATALOGUE_PRICES, MODEL, { promptTokens: 1000, completionTokens: 500 }), 12)
    expect(row!.savedUsd).toBeGreaterThan(0)
    // A hit spends nothing of the budget.
    expect(await budgets.spent('alice', 'month:2026-03')).toEqual({ spent: 0, reserved: 0 })
  })
})

describe('priced by the upstream’s name for the model (DESIGN §1.9)', () => {
  // What compose.ts gives it: the first serving upstream's name after its model_map.
  const ALIASES: Record<string, string> = { fast: 'deepseek-chat', smart: 'claude-sonnet-4-5', local: 'llama-local-7b' }
  const aliased = () => new Gatekeeper({ rateLimits, budgets, usage, prices: CATALOGUE_PRICES, pricedModel: (m) => ALIASES[m] ?? m, now })
  const usd = keyWith({ usd: 1, per: 'month' })

  test('an alias reserves at its upstream model’s catalogue price, where alone it would be unpriced', async () => {
    expect((await refusal(gate.admit(usd, { model: 'fast', estimate }))).code).toBe('model_not_priced')
    await aliased().admit(usd, { model: 'fast', estimate })
    const { reserved } = await budgets.spent('alice', 'month:2026-03')
    expect(reserved).toBeCloseTo(costOf(CATALOGUE_PRICES, 'deepseek-chat', estimate), 12)
    expect(reserved).toBeGreaterThan(0)
  })

  test('where a cache write costs more than input (Claude), the estimate reserves the prompt at the write price: it cannot fall short', async () => {
    await aliased().admit(usd, { model: 'smart', estimate })
    const { reserved } = await budgets.spent('alice', 'month:2026-03')
    expect(reserved).toBeCloseTo(costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', { ...estimate, cacheWriteTokens: estimate.promptTokens }), 12)
    expect(reserved).toBeGreaterThan(costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', estimate))
  })

  test('settled at the price of the answering upstream’s name, cache reads and writes apart; the usage row keeps the client’s name', async () => {
    const admission = await aliased().admit(usd, { model: 'smart', estimate })
    const spent = { promptTokens: 10_000, completionTokens: 500, cachedTokens: 6000, cacheWriteTokens: 3000 }
    await admission.settle({ ...spent, model: 'claude-sonnet-4-5-20250929' })
    const cost = costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', spent)
    expect((await budgets.spent('alice', 'month:2026-03')).spent).toBeCloseTo(cost, 12)
    expect(cost).toBeLessThan(costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', { promptTokens: 10_000, completionTokens: 500 }))
    const [row] = await usage.rows('alice', '2026-03-10', '2026-03-11')
    expect(row).toMatchObject({ model: 'smart', promptTokens: 10_000, cachedTokens: 6000, cacheWriteTokens: 3000 })
    expect(row!.costUsd).toBeCloseTo(cost, 12)
  })

  test('an answer from another upstream than the first is priced by that one’s name; without a name, as estimated', async () => {
    const gate = aliased()
    const tokens = { promptTokens: 2000, completionTokens: 1000 }
    await (await gate.admit(usd, { model: 'fast', estimate })).settle({ ...tokens, model: 'claude-sonnet-4-5' })
    await (await gate.admit(usd, { model: 'fast', estimate })).settle(tokens)
    const expected = costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', tokens) + costOf(CATALOGUE_PRICES, 'deepseek-chat', tokens)
    expect((await budgets.spent('alice', 'month:2026-03')).spent).toBeCloseTo(expected, 12)
  })

  test('a hit saves what its upstream model’s price says; an alias of an unpriced model is refused naming both names', async () => {
    await aliased().recordHit(usd, 'smart', { promptTokens: 1000, completionTokens: 500, cachedTokens: 800 })
    const [row] = await usage.rows('alice', '2026-03-10', '2026-03-11')
    expect(row!.savedUsd).toBeCloseTo(costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', { promptTokens: 1000, completionTokens: 500, cachedTokens: 800 }), 12)
    const error = await refusal(aliased().admit(usd, { model: 'local', estimate }))
    expect(error.code).toBe('model_not_priced')
    expect(error.message).toContain("'local'")
    expect(error.message).toContain("'llama-local-7b'")
  })
})

describe('concurrency', () => {
  test('30 concurrent admits against a tokens budget of 5 estimates: exactly 5 admitted', async () => {
    const key = keyWith({ tokens: 5 * 400, per: 'day' })
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => gate.admit(key, call)))
    const admitted = outcomes.filter((o) => o.status === 'fulfilled')
    expect(admitted).toHaveLength(5)
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as ApiError).code).toBe('insufficient_quota')
    expect(await budgets.spent('alice', periodOfDay)).toEqual({ spent: 0, reserved: 2000 })
  })

  test('30 concurrent admits against a usd budget of 5.5 estimates, with a rate limit: exactly 5; the refused free their slots', async () => {
    const key = keyWith({ usd: ESTIMATE_USD * 5.5, per: 'month' }, 100)
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => gate.admit(key, call)))
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5)
    expect((await gate.peek(key))!.remaining).toBe(95)
    // Once they settle below their estimates, room for more.
    for (const o of outcomes) if (o.status === 'fulfilled') await o.value.settle({ promptTokens: 10, completionTokens: 10 })
    expect((await budgets.spent('alice', 'month:2026-03')).reserved).toBe(0)
    await gate.admit(key, call)
  })
})
