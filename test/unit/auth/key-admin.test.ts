import { describe, expect, test } from 'bun:test'
import { KeyAdmin, newProxyKey } from '../../../src/auth/key-admin'
import { hashKey, KeyRing } from '../../../src/auth/key-ring'
import type { KeyConfig } from '../../../src/config/key-settings'
import { UsageReports } from '../../../src/limits/usage-report'
import { MemoryBudgets } from '../../../src/state/memory/budgets'
import { MemoryKeys } from '../../../src/state/memory/keys'
import { MemoryUsage } from '../../../src/state/memory/usage'
import { rejectedApiError } from '../../helpers/api-error'

// The key admin without HTTP: plain bodies in, views or ApiErrors out, every change seen by the key ring
// at once.

const ENV_KEY = 'env-key-Pw3Ns8Lq1Xt6'
const FILE_KEY = 'file-filed-Tb5Yc0Wj8Fu3'
const ADMIN_KEY = 'admin-key-Ej6Qa1Zs4Vn9'
const GIVEN_KEY = 'pgpt-given-Mx2Lo7Ui5Dh0'
const T0 = Date.UTC(2026, 4, 10, 12)

async function keyAdmin(fileKeys: KeyConfig[] = [{ name: 'filed', key: FILE_KEY, settings: { rate_limit: 3 } }]) {
  let t = T0
  const now = () => t
  const store = new MemoryKeys()
  const ring = await KeyRing.open({ proxyKeys: [ENV_KEY], keys: fileKeys, modelRateLimit: 7, maxOutputTokens: 300 }, store)
  const usage = new MemoryUsage()
  const budgets = new MemoryBudgets(now)
  const admin = new KeyAdmin({ store, ring, usage: new UsageReports(usage, budgets, now), fileKeys, secrets: [ADMIN_KEY], now })
  return { admin, store, ring, usage, budgets, advance: (ms: number) => void (t += ms) }
}

/** A body for update that fails the test if read: a refused change must not read its body. */
const unread = () => {
  throw new Error('the body was read')
}

describe('KeyAdmin.create', () => {
  test('a made key: pgpt- and 43 letters or digits, shown once; only its hash is stored; the ring knows it at once', async () => {
    const { admin, store, ring } = await keyAdmin()
    const made = await admin.create({ name: 'carol', rate_limit: 20, models: ['gpt-4o-mini'] })
    expect(made.key).toMatch(/^pgpt-[A-Za-z0-9]{43}$/)
    expect(made).toMatchObject({ name: 'carol', source: 'admin', read_only: false, rate_limit: 20, models: ['gpt-4o-mini'] })
    expect(made.created_at).toBe(new Date(T0).toISOString())
    const stored = (await store.get('carol'))!
    expect(stored.hash).toBe(hashKey(made.key))
    expect(JSON.stringify(stored)).not.toContain(made.key)
    expect(ring.find(made.key)).toMatchObject({ source: 'admin', name: 'carol', rateLimit: 20 })
    ring.close()
  })

  test('a given key is taken trimmed', async () => {
    const { admin, ring } = await keyAdmin()
    const made = await admin.create({ name: 'dave', key: `  ${GIVEN_KEY} ` })
    expect(made.key).toBe(GIVEN_KEY)
    expect(ring.find(GIVEN_KEY)?.name).toBe('dave')
    ring.close()
  })

  test('a name in use → 409 key_exists, whether made here or in the config file; nothing is stored', async () => {
    const { admin, store, ring } = await keyAdmin()
    await admin.create({ name: 'carol' })
    for (const name of ['carol', 'filed']) {
      const error = await rejectedApiError(() => admin.create({ name, key: GIVEN_KEY }))
      expect(error.status).toBe(409)
      expect(error.toBody().error.code).toBe('key_exists')
    }
    expect(ring.find(GIVEN_KEY)).toBeUndefined()
    expect((await store.list()).map((k) => k.name)).toEqual(['carol'])
    ring.close()
  })

  test('a key value in use → 409: a proxy key (PROXY_KEY, the file, made here) or a secret of the proxy', async () => {
    const { admin, store, ring } = await keyAdmin()
    await admin.create({ name: 'dave', key: GIVEN_KEY })
    for (const key of [ENV_KEY, FILE_KEY, GIVEN_KEY, ADMIN_KEY]) {
      const error = await rejectedApiError(() => admin.create({ name: 'erin', key }))
      expect(error.status).toBe(409)
      expect(error.toBody().error.code).toBe('key_exists')
    }
    expect(await store.get('erin')).toBeUndefined()
    ring.close()
  })

  test('a bad body → 400 naming the field', async () => {
    const { admin, ring } = await keyAdmin()
    const cases: Array<[Record<string, unknown>, string | null]> = [
      [{}, 'name'],
      [{ name: 'has space' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'erin', colour: 'red' }, 'colour'],
      [{ name: 'erin', rate_limit: -1 }, 'rate_limit'],
      [{ name: 'erin', budget: { usd: 5 } }, 'budget'],
      [{ name: 'erin', key: 'short' }, 'key'],
      [{ name: 'erin', key: 42 }, 'key'],
    ]
    for (const [body, param] of cases) {
      const error = await rejectedApiError(() => admin.create(body))
      expect(error.status).toBe(400)
      expect(error.toBody().error.param).toBe(param)
    }
    expect(newProxyKey()).not.toBe(newProxyKey())
    ring.close()
  })
})

describe('KeyAdmin.update', () => {
  test('merges the settings given, null takes one back to the default; the ring uses them at once', async () => {
    const { admin, ring, advance } = await keyAdmin()
    const { key } = await admin.create({ name: 'carol', rate_limit: 20, max_output_tokens: 30, models: ['gpt-4o-mini'] })
    advance(60_000)
    const changed = await admin.update('carol', async () => ({ rate_limit: 1, models: null }))
    expect(changed).toMatchObject({ name: 'carol', source: 'admin', rate_limit: 1, max_output_tokens: 30 })
    expect(changed).not.toHaveProperty('models')
    expect(changed.created_at).toBe(new Date(T0).toISOString())
    expect(changed.updated_at).toBe(new Date(T0 + 60_000).toISOString())
    expect(ring.find(key)).toMatchObject({ rateLimit: 1, maxOutputTokens: 30 })
    expect(ring.find(key)!.models).toBeUndefined()
    ring.close()
  })

  test("a key's name and value cannot change; bad settings → 400 and the key stays as it was", async () => {
    const { admin, ring } = await keyAdmin()
    await admin.create({ name: 'carol', rate_limit: 20 })
    for (const [body, param] of [[{ name: 'x' }, 'name'], [{ key: GIVEN_KEY }, 'key'], [{ allow: ['nope'] }, 'allow']] as const) {
      const error = await rejectedApiError(() => admin.update('carol', async () => ({ ...body })))
      expect(error.status).toBe(400)
      expect(error.toBody().error.param).toBe(param)
    }
    expect(await admin.show('carol')).toMatchObject({ rate_limit: 20 })
    ring.close()
  })

  test('no such key → 404 key_not_found, before the body is read', async () => {
    const { admin, ring } = await keyAdmin()
    const error = await rejectedApiError(() => admin.update('nobody', unread))
    expect(error.status).toBe(404)
    expect(error.toBody().error).toMatchObject({ code: 'key_not_found', param: 'name' })
    ring.close()
  })
})

describe('KeyAdmin.revoke', () => {
  test('the ring refuses the key at once; the key is gone, a second revoke is 404', async () => {
    const { admin, store, ring } = await keyAdmin()
    const { key } = await admin.create({ name: 'carol' })
    expect(await admin.revoke('carol')).toEqual({ name: 'carol', deleted: true })
    expect(ring.find(key)).toBeUndefined()
    expect(await store.get('carol')).toBeUndefined()
    expect((await rejectedApiError(() => admin.show('carol'))).status).toBe(404)
    expect((await rejectedApiError(() => admin.revoke('carol'))).status).toBe(404)
    ring.close()
  })
})

describe('KeyAdmin.reset', () => {
  test("usage and budget spend start again, for a made key and a file key; other keys' stay", async () => {
    const { admin, usage, budgets, ring } = await keyAdmin()
    await admin.create({ name: 'carol', budget: { usd: 5, per: 'month' } })
    const day = new Date(T0).toISOString().slice(0, 10)
    for (const key of ['carol', 'filed', 'other']) {
      await usage.add({ key, day, model: 'gpt-4o-mini', requests: 2, hits: 1, promptTokens: 10, completionTokens: 5, costUsd: 0.5, savedUsd: 0.1 })
    }
    const period = (await admin.show('carol')).usage as { period: { id: string } }
    await budgets.spend('carol', period.period.id, 2)
    expect(await admin.show('carol')).toMatchObject({ usage: { spent: 2, remaining: 3, all_time: { requests: 2 } } })

    for (const name of ['carol', 'filed']) expect(await admin.reset(name)).toEqual({ name, reset: true })
    expect(await admin.show('carol')).toMatchObject({ usage: { spent: 0, remaining: 5, all_time: { requests: 0 } } })
    expect(await admin.show('filed')).toMatchObject({ usage: { all_time: { requests: 0 } } })
    expect((await usage.rows('other', '0000-01-01', '9999-12-31')).length).toBe(1)
    expect((await rejectedApiError(() => admin.reset('nobody'))).status).toBe(404)
    ring.close()
  })
})

describe('the config file keys', () => {
  test('listed first and shown, read-only, with usage and without key material or dates', async () => {
    const { admin, ring } = await keyAdmin()
    const { key } = await admin.create({ name: 'carol' })
    const { object, data } = await admin.list()
    expect(object).toBe('list')
    expect(data.map((k) => [k.name, k.source, k.read_only])).toEqual([
      ['filed', 'file', true],
      ['carol', 'admin', false],
    ])
    const filed = await admin.show('filed')
    expect(filed).toMatchObject({ name: 'filed', source: 'file', read_only: true, rate_limit: 3, usage: { all_time: { requests: 0 } } })
    expect(filed).not.toHaveProperty('created_at')
    expect(JSON.stringify(data)).not.toContain(key)
    expect(JSON.stringify(data)).not.toContain(FILE_KEY)
    ring.close()
  })

  test('cannot be changed or revoked here: 409 read_only (before a body is read), and the key keeps working', async () => {
    const { admin, ring } = await keyAdmin()
    for (const refused of [() => admin.update('filed', unread), () => admin.revoke('filed')]) {
      const error = await rejectedApiError(refused)
      expect(error.status).toBe(409)
      expect(error.toBody().error.code).toBe('read_only')
    }
    expect(ring.find(FILE_KEY)).toMatchObject({ source: 'file', name: 'filed', rateLimit: 3 })
    ring.close()
  })
})
