import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { cacheGroupOf, hashKey, KeyRing, SHARED_CACHE_GROUP } from '../../../src/auth/key-ring'
import type { KeyConfig, KeySettings } from '../../../src/config/key-settings'
import { API_GROUPS, MODEL_GROUPS } from '../../../src/openai/endpoints'
import { MemoryKeys } from '../../../src/state/memory/keys'
import type { StoredKey } from '../../../src/state/types'

// Every key the proxy accepts (PROXY_KEY, the config file, the admin API), found by the hash of what the
// client presents, with its settings resolved once per (re)build.

const ENV_A = 'env-key-Pw3Ns8Lq1Xt6'
const ENV_B = 'env-key-Kd7Hm2Rv9Gz4'
const FILE_ALICE = 'file-alice-Tb5Yc0Wj8Fu3'
const FILE_BOB = 'file-bob-Ej6Qa1Zs4Vn9'
const ADMIN_CAROL = 'pgpt-carol-Mx2Lo7Ui5Dh0'

const file = (name: string, key: string, settings: KeySettings = {}): KeyConfig => ({ name, key, settings })
const config = (keys: KeyConfig[] = [], proxyKeys = [ENV_A, ENV_B]) => ({ proxyKeys, keys, modelRateLimit: 7, maxOutputTokens: 300 })
const stored = (name: string, key: string, settings: KeySettings = {}): StoredKey => ({ name, hash: hashKey(key), settings: settings as Record<string, unknown>, createdAt: 1, updatedAt: 1 })
/** Lets the ring's own subscription (a `void reload()`) finish: it runs on promises only, before any timer. */
const settle = () => Bun.sleep(0)

describe('hashKey', () => {
  test('the SHA-256 hex of the key', () => {
    expect(hashKey(ADMIN_CAROL)).toBe(createHash('sha256').update(ADMIN_CAROL).digest('hex'))
  })
})

describe('KeyRing.find', () => {
  test('the keys of PROXY_KEY: anonymous, by position, the proxy defaults, shared cache, every API group', async () => {
    const ring = await KeyRing.open(config(), new MemoryKeys())
    const a = ring.find(ENV_A)!
    const b = ring.find(ENV_B)!
    expect(a).toMatchObject({ source: 'env', index: 0, rateLimit: 7, maxOutputTokens: 300, cacheGroup: SHARED_CACHE_GROUP, settings: {} })
    expect(a.name).toBeUndefined()
    expect(b).toMatchObject({ source: 'env', index: 1 })
    for (const group of API_GROUPS) expect(a.allow(group)).toBe(true)
    // Outside OpenAI's API: not for PROXY_KEY keys.
    expect(a.allow(undefined)).toBe(false)
    expect(a.models).toBeUndefined()
    expect(a.budget).toBeUndefined()
    expect(a.expiresAt).toBeUndefined()
    expect(a.ips).toBeUndefined()
    ring.close()
  })

  test("the config file's keys: by name, with their settings resolved", async () => {
    const ring = await KeyRing.open(
      config([
        file('alice', FILE_ALICE, {
          rate_limit: 20,
          max_output_tokens: 500,
          budget: { usd: 5, per: 'month' },
          models: ['gpt-4o-mini', 'deepseek-*'],
          expires: '2027-01-01T00:00:00.000Z',
          ips: ['203.0.113.0/24'],
        }),
        file('bob', FILE_BOB),
      ]),
      new MemoryKeys()
    )
    const alice = ring.find(FILE_ALICE)!
    expect(alice).toMatchObject({ source: 'file', name: 'alice', rateLimit: 20, maxOutputTokens: 500, cacheGroup: 'private:alice', budget: { usd: 5, per: 'month' } })
    expect(alice.expiresAt).toBe(Date.UTC(2027, 0, 1))
    expect(alice.models!('gpt-4o-mini')).toBe(true)
    expect(alice.models!('deepseek-chat')).toBe(true)
    expect(alice.models!('gpt-4o')).toBe(false)
    expect(alice.ips!('203.0.113.9')).toBe(true)
    expect(alice.ips!('198.51.100.1')).toBe(false)
    // Absent settings: the proxy's defaults.
    const bob = ring.find(FILE_BOB)!
    expect(bob).toMatchObject({ source: 'file', name: 'bob', rateLimit: 7, maxOutputTokens: 300, cacheGroup: 'private:bob' })
    expect(bob.models).toBeUndefined()
    expect(bob.ips).toBeUndefined()
    expect(bob.expiresAt).toBeUndefined()
    ring.close()
  })

  test('rate_limit 0 and max_output_tokens 0 are kept (no limit), not replaced by the defaults', async () => {
    const ring = await KeyRing.open(config([file('alice', FILE_ALICE, { rate_limit: 0, max_output_tokens: 0 })]), new MemoryKeys())
    expect(ring.find(FILE_ALICE)).toMatchObject({ rateLimit: 0, maxOutputTokens: 0 })
    ring.close()
  })

  test('keys made by the admin API, found by the hash the store keeps', async () => {
    const store = new MemoryKeys()
    await store.create(stored('carol', ADMIN_CAROL, { rate_limit: 3, cache: 'shared' }))
    const ring = await KeyRing.open(config(), store)
    expect(ring.find(ADMIN_CAROL)).toMatchObject({ source: 'admin', name: 'carol', rateLimit: 3, cacheGroup: 'shared' })
    ring.close()
  })

  test('what is not a key is not found: a wrong key, a prefix, the hash itself, another case', async () => {
    const store = new MemoryKeys()
    await store.create(stored('carol', ADMIN_CAROL))
    const ring = await KeyRing.open(config([file('alice', FILE_ALICE)]), store)
    for (const wrong of ['', 'nope', FILE_ALICE.slice(0, -1), `${FILE_ALICE} `, FILE_ALICE.toUpperCase(), hashKey(ADMIN_CAROL), 'carol', 'alice']) {
      expect(ring.find(wrong)).toBeUndefined()
    }
    ring.close()
  })

  test("an admin key with a file key's name is ignored: the file's key keeps the name", async () => {
    const store = new MemoryKeys()
    await store.create(stored('alice', ADMIN_CAROL, { rate_limit: 1 }))
    const ring = await KeyRing.open(config([file('alice', FILE_ALICE, { rate_limit: 20 })]), store)
    expect(ring.find(ADMIN_CAROL)).toBeUndefined()
    expect(ring.find(FILE_ALICE)).toMatchObject({ source: 'file', name: 'alice', rateLimit: 20 })
    expect([...ring.fileNames()]).toEqual(['alice'])
    ring.close()
  })
})

describe('KeyRing.reload', () => {
  test('keys made, changed and deleted in the store are seen after a reload', async () => {
    const store = new MemoryKeys()
    const ring = await KeyRing.open(config(), store)
    expect(ring.find(ADMIN_CAROL)).toBeUndefined()

    await store.create(stored('carol', ADMIN_CAROL, { rate_limit: 5 }))
    await ring.reload()
    expect(ring.find(ADMIN_CAROL)).toMatchObject({ name: 'carol', rateLimit: 5 })

    await store.update('carol', { rate_limit: 1, models: ['gpt-4o'] }, 2)
    await ring.reload()
    const changed = ring.find(ADMIN_CAROL)!
    expect(changed.rateLimit).toBe(1)
    expect(changed.models!('gpt-4o-mini')).toBe(false)

    await store.delete('carol')
    await ring.reload()
    expect(ring.find(ADMIN_CAROL)).toBeUndefined()
    // The keys of PROXY_KEY and of the file are there whatever the store holds.
    expect(ring.find(ENV_A)).toBeDefined()
    ring.close()
  })

  test('a change in the store reloads the ring by itself (the subscription), until it is closed', async () => {
    const store = new MemoryKeys()
    const ring = await KeyRing.open(config(), store)
    await store.create(stored('carol', ADMIN_CAROL))
    await settle()
    expect(ring.find(ADMIN_CAROL)).toMatchObject({ name: 'carol' })

    ring.close()
    await store.delete('carol')
    await settle()
    expect(ring.find(ADMIN_CAROL)).toMatchObject({ name: 'carol' }) // no longer listening
  })

  test('a ring made with `new` knows the PROXY_KEY and file keys at once, the store after a reload', async () => {
    const store = new MemoryKeys()
    await store.create(stored('carol', ADMIN_CAROL))
    const ring = new KeyRing(config([file('alice', FILE_ALICE)]), store)
    expect(ring.find(ENV_A)).toBeDefined()
    expect(ring.find(FILE_ALICE)).toBeDefined()
    await ring.reload()
    expect(ring.find(ADMIN_CAROL)).toBeDefined()
    ring.close()
  })
})

describe('cacheGroupOf', () => {
  test('private (the default): the key alone', () => {
    expect(cacheGroupOf('alice', undefined)).toBe('private:alice')
    expect(cacheGroupOf('alice', 'private')).toBe('private:alice')
    expect(cacheGroupOf('alice', undefined)).not.toBe(cacheGroupOf('bob', undefined))
  })

  test('shared: the group of every shared key and PROXY_KEY', () => {
    expect(cacheGroupOf('alice', 'shared')).toBe(SHARED_CACHE_GROUP)
    expect(cacheGroupOf('bob', 'shared')).toBe(cacheGroupOf('alice', 'shared'))
  })

  test('any other word: a named group, the same for every key that names it', () => {
    expect(cacheGroupOf('alice', 'team')).toBe('group:team')
    expect(cacheGroupOf('bob', 'team')).toBe(cacheGroupOf('alice', 'team'))
    expect(cacheGroupOf('bob', 'team')).not.toBe(cacheGroupOf('bob', 'other'))
  })

  test('names and group words never collide: a key named "shared", a group named like a key', () => {
    const groups = [cacheGroupOf('shared', undefined), cacheGroupOf('team', undefined), cacheGroupOf('alice', 'team'), cacheGroupOf('alice', 'shared')]
    expect(new Set(groups).size).toBe(groups.length)
  })
})

describe('allow', () => {
  const entry = async (allow?: string[]) => {
    const ring = await KeyRing.open(config([file('alice', FILE_ALICE, allow ? { allow } : {})]), new MemoryKeys())
    ring.close()
    return ring.find(FILE_ALICE)!
  }

  test('the default is chat, completions, embeddings, models, responses and messages', async () => {
    const alice = await entry()
    expect(API_GROUPS.filter((g) => alice.allow(g))).toEqual(['chat', 'completions', 'embeddings', 'models', 'responses', 'messages'])
    expect([...MODEL_GROUPS]).toEqual(['chat', 'completions', 'embeddings', 'models', 'responses', 'messages'])
    expect(alice.allow('files')).toBe(false)
    expect(alice.allow(undefined)).toBe(false)
  })

  test('a list allows exactly its groups', async () => {
    const alice = await entry(['chat', 'files'])
    expect(API_GROUPS.filter((g) => alice.allow(g))).toEqual(['chat', 'files'])
    expect(alice.allow(undefined)).toBe(false)
  })

  test('`all` allows every group and also what is outside OpenAI’s API (the undefined group)', async () => {
    const alice = await entry(['all'])
    for (const group of API_GROUPS) expect(alice.allow(group)).toBe(true)
    expect(alice.allow(undefined)).toBe(true)
    expect((await entry(['chat', 'all'])).allow(undefined)).toBe(true)
  })
})

describe('models', () => {
  test("'*' (alone or in a list) is every model: no matcher", async () => {
    const ring = await KeyRing.open(config([file('alice', FILE_ALICE, { models: ['*'] }), file('bob', FILE_BOB, { models: ['gpt-*', '*'] })]), new MemoryKeys())
    expect(ring.find(FILE_ALICE)!.models).toBeUndefined()
    expect(ring.find(FILE_BOB)!.models).toBeUndefined()
    ring.close()
  })
})
