import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { chat, keysEnv, sdkError } from '../helpers/named-keys'
import { PASS_THROUGH_ONLY, PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// /admin/keys (DESIGN §1.3): keys made, listed, changed and revoked by the owner behind ADMIN_KEY. A key is
// shown once, when it is made; every change acts on the next request; keys made here outlive a restart.

const ADMIN_KEY = 'admin-Hq4Zt8Wm1Rc6Ye3Lp'
const FILE_KEY = 'Sv7Nd2Kx5Fb0Ju9Ao4Gi'
const GIVEN = 'given-Pe3Tj8Xo1Mw6Cq4Ua'

let fake: FakeUpstream
let proxy: TestProxy | undefined
let dir: string | undefined
beforeAll(async () => {
  fake = await startFakeUpstream()
})
afterAll(() => fake.stop())
afterEach(async () => {
  await proxy?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  proxy = dir = undefined
  fake.reset()
})

const env = (extra: Record<string, string> = {}) => ({
  ...PASS_THROUGH_ONLY,
  MODEL_RATE_LIMIT: '0',
  ADMIN_KEY,
  ...keysEnv([{ name: 'filed', key: FILE_KEY, rate_limit: 5 }]),
  ...extra,
})
const start = async (extra: Record<string, string> = {}) => (proxy = await startProxy(env(extra), fake))

const admin = async (method: string, path: string, body?: unknown, bearer = ADMIN_KEY) => {
  const response = await fetch(`${proxy!.url}/admin/keys${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) as any }
}
const hashOf = (key: string) => new Bun.CryptoHasher('sha256').update(key).digest('hex')
const as = (key: string) => proxy!.client({ apiKey: key })

describe('POST /admin/keys', () => {
  test('without a key: 201 with a made key, shown this once; it works at once', async () => {
    await start()
    const made = await admin('POST', '', { name: 'carol', rate_limit: 3, models: ['gpt-4o-mini'] })
    expect(made.status).toBe(201)
    expect(made.json).toMatchObject({ name: 'carol', rate_limit: 3, models: ['gpt-4o-mini'], read_only: false })
    expect(made.json.key).toMatch(/^pgpt-[A-Za-z0-9]{43}$/)
    expect((await chat(as(made.json.key), 'hi')).answer).toBe('Echo: hi')
    expect(proxy!.logs.join('\n')).not.toContain(made.json.key)
    // Two made keys differ.
    const other = await admin('POST', '', { name: 'carol2' })
    expect(other.json.key).not.toBe(made.json.key)
  })

  test('with a given key: 201, that key', async () => {
    await start()
    const made = await admin('POST', '', { name: 'dave', key: GIVEN, cache: 'team' })
    expect(made.status).toBe(201)
    expect(made.json).toMatchObject({ name: 'dave', key: GIVEN, cache: 'team' })
    expect((await chat(as(GIVEN), 'hi')).answer).toBe('Echo: hi')
  })

  test('a name in use (made here or in the file) or a key in use: 409, the key never repeated', async () => {
    await start()
    expect((await admin('POST', '', { name: 'dave', key: GIVEN })).status).toBe(201)
    const taken = [GIVEN, FILE_KEY, ADMIN_KEY, PROXY_KEY, REAL_KEY]
    for (const body of [{ name: 'dave' }, { name: 'filed' }, ...taken.map((key) => ({ name: 'erin', key }))]) {
      const refused = await admin('POST', '', body)
      expect(refused.status).toBe(409)
      expect(refused.json.error.type).toBe('invalid_request_error')
      for (const secret of taken) expect(refused.text).not.toContain(secret)
    }
    expect((await admin('GET', '/erin')).status).toBe(404)
  })

  test.each([
    ['a negative rate_limit', { name: 'eve', rate_limit: -1 }, 'rate_limit'],
    ['a fractional max_output_tokens', { name: 'eve', max_output_tokens: 1.5 }, 'max_output_tokens'],
    ['a budget period that does not exist', { name: 'eve', budget: { usd: 5, per: 'year' } }, 'budget'],
    ['a bad model pattern', { name: 'eve', models: ['gpt-[4]'] }, 'models'],
    ['an unknown allow word', { name: 'eve', allow: ['everything'] }, 'allow'],
    ['a bad cache word', { name: 'eve', cache: 'a b' }, 'cache'],
    ['a bad expiry', { name: 'eve', expires: 'soon' }, 'expires'],
    ['a bad CIDR', { name: 'eve', ips: ['10.0.0.0/33'] }, 'ips'],
    ['an unknown field', { name: 'eve', colour: 'red' }, 'colour'],
    ['a bad name', { name: 'e ve' }, 'name'],
    ['no name', { rate_limit: 1 }, 'name'],
    ['a key too short', { name: 'eve', key: 'short' }, 'key'],
  ])('%s: 400 naming the field, nothing made', async (_label, body, field) => {
    await start()
    const refused = await admin('POST', '', body)
    expect(refused.status).toBe(400)
    expect(refused.json.error.type).toBe('invalid_request_error')
    expect(refused.json.error.param).toBe(field)
    expect(refused.json.error.message).toContain(field)
    expect((await admin('GET', '')).json.data.map((k: any) => k.name)).toEqual(['filed'])
  })

  test('a name in other letters is told which characters it may hold, not that it is missing', async () => {
    await start()
    for (const name of ['爱丽丝', 'zoë']) {
      const refused = await admin('POST', '', { name })
      expect(refused.status).toBe(400)
      expect(refused.json.error.param).toBe('name')
      expect(refused.json.error.message).toContain('only letters a-z and A-Z, digits, - and _')
      expect(refused.json.error.message).not.toContain('required')
    }
    expect((await admin('POST', '', { rate_limit: 1 })).json.error.message).toContain("'name' is required")
  })

  test('a body that is not a JSON object: 400', async () => {
    await start()
    for (const body of ['not json', '[1]', '"x"']) {
      const response = await fetch(`${proxy!.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body })
      expect(response.status).toBe(400)
      expect(((await response.json()) as any).error.type).toBe('invalid_request_error')
    }
  })
})

describe('GET /admin/keys', () => {
  test('lists file keys (read_only) and made keys, never a key nor its hash', async () => {
    await start()
    const made = await admin('POST', '', { name: 'carol', budget: { usd: 5, per: 'month' } })
    await admin('POST', '', { name: 'dave', key: GIVEN })
    const list = await admin('GET', '')
    expect(list.status).toBe(200)
    expect(list.json.object).toBe('list')
    const byName = Object.fromEntries(list.json.data.map((k: any) => [k.name, k]))
    expect(Object.keys(byName).sort()).toEqual(['carol', 'dave', 'filed'])
    expect(byName.filed).toMatchObject({ source: 'file', read_only: true, rate_limit: 5 })
    expect(byName.carol).toMatchObject({ source: 'admin', read_only: false, budget: { usd: 5, per: 'month' } })
    const one = await admin('GET', '/carol')
    expect(one.status).toBe(200)
    expect(one.json).toMatchObject({ name: 'carol', source: 'admin' })
    const file = await admin('GET', '/filed')
    expect(file.json).toMatchObject({ name: 'filed', read_only: true })
    for (const view of [list, one, file]) {
      for (const key of [made.json.key, GIVEN, FILE_KEY]) {
        expect(view.text).not.toContain(key)
        expect(view.text).not.toContain(hashOf(key))
        expect(view.text).not.toContain(hashOf(key).slice(0, 16))
      }
      expect(view.text).not.toContain('"key"')
      expect(view.text).not.toContain('"hash"')
    }
    expect((await admin('GET', '/nobody')).status).toBe(404)
  })
})

describe('PATCH and DELETE /admin/keys/{name}', () => {
  test('a lowered rate_limit acts on the next request', async () => {
    await start()
    const { key } = (await admin('POST', '', { name: 'carol' })).json
    for (const word of ['a', 'b', 'c']) await chat(as(key), word)
    const patched = await admin('PATCH', '/carol', { rate_limit: 1 })
    expect(patched.status).toBe(200)
    expect(patched.json).toMatchObject({ name: 'carol', rate_limit: 1 })
    expect((await chat(as(key), 'd')).headers.get('x-ratelimit-limit-requests')).toBe('1')
    expect((await sdkError(chat(as(key), 'e'))).status).toBe(429)
  })

  test('models restricted, then `null` takes the setting away again', async () => {
    await start()
    const { key } = (await admin('POST', '', { name: 'carol', max_output_tokens: 30 })).json
    expect((await admin('PATCH', '/carol', { models: ['gpt-4o'] })).json).toMatchObject({ models: ['gpt-4o'], max_output_tokens: 30 })
    expect((await sdkError(chat(as(key), 'hi'))).code).toBe('model_not_found')
    expect((await as(key).models.list()).data.map((m) => m.id)).toEqual(['gpt-4o'])
    const cleared = await admin('PATCH', '/carol', { models: null })
    expect(cleared.status).toBe(200)
    expect(cleared.json.models).toBeUndefined()
    expect(cleared.json.max_output_tokens).toBe(30) // what the PATCH did not name stays
    expect((await admin('GET', '/carol')).json.models).toBeUndefined()
    expect((await chat(as(key), 'hi')).answer).toBe('Echo: hi')
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!.json.max_completion_tokens).toBe(30)
  })

  test('allow, expires and ips changes act on the next request', async () => {
    await start()
    const { key } = (await admin('POST', '', { name: 'carol' })).json
    await admin('PATCH', '/carol', { allow: ['embeddings'] })
    expect((await sdkError(chat(as(key), 'hi'))).code).toBe('endpoint_not_allowed')
    await admin('PATCH', '/carol', { allow: null, ips: ['203.0.113.0/24'] })
    expect((await sdkError(chat(as(key), 'hi'))).code).toBe('ip_not_allowed')
    await admin('PATCH', '/carol', { ips: null, expires: '2020-01-01' })
    expect((await sdkError(chat(as(key), 'hi'))).code).toBe('key_expired')
    await admin('PATCH', '/carol', { expires: null })
    expect((await chat(as(key), 'hi')).answer).toBe('Echo: hi')
  })

  test('bad changes: 400 naming the field, the key unchanged; name and key cannot change', async () => {
    await start()
    await admin('POST', '', { name: 'carol', rate_limit: 4 })
    for (const [body, field] of [[{ rate_limit: 'many' }, 'rate_limit'], [{ cache: 'a b' }, 'cache'], [{ ips: ['x'] }, 'ips'], [{ name: 'dave' }, 'name'], [{ key: GIVEN }, 'key']] as const) {
      const refused = await admin('PATCH', '/carol', body)
      expect(refused.status).toBe(400)
      expect(refused.json.error.param).toBe(field)
    }
    expect((await admin('GET', '/carol')).json).toMatchObject({ name: 'carol', rate_limit: 4 })
    expect((await admin('PATCH', '/nobody', { rate_limit: 1 })).status).toBe(404)
  })

  test('an unknown allow word in a change: 400 naming allow', async () => {
    await start()
    await admin('POST', '', { name: 'carol' })
    const refused = await admin('PATCH', '/carol', { allow: ['nope'] })
    expect(refused.status).toBe(400)
    expect(refused.json.error.param).toBe('allow')
  })

  test('DELETE revokes: the next request is 401; the name is free again', async () => {
    await start()
    const { key } = (await admin('POST', '', { name: 'carol' })).json
    expect((await chat(as(key), 'hi')).answer).toBe('Echo: hi')
    const deleted = await admin('DELETE', '/carol')
    expect(deleted.status).toBe(200)
    expect(deleted.json).toEqual({ name: 'carol', deleted: true })
    const error = await sdkError(chat(as(key), 'hi'))
    expect([error.status, error.code]).toEqual([401, 'invalid_api_key'])
    expect((await admin('GET', '/carol')).status).toBe(404)
    expect((await admin('DELETE', '/carol')).status).toBe(404)
    expect((await admin('POST', '', { name: 'carol' })).status).toBe(201)
  })

  test('file keys are read-only here: PATCH and DELETE → 409, and the key keeps working as written', async () => {
    await start()
    for (const [method, body] of [['PATCH', { rate_limit: 1 }], ['DELETE', undefined]] as const) {
      const refused = await admin(method, '/filed', body)
      expect(refused.status).toBe(409)
      expect(refused.json.error.code).toBe('read_only')
    }
    const served = await chat(as(FILE_KEY), 'hi')
    expect(served.headers.get('x-ratelimit-limit-requests')).toBe('5')
  })
})

describe('the admin API guard', () => {
  test('without ADMIN_KEY: 404 for every method, and nothing is made', async () => {
    proxy = await startProxy({ ...PASS_THROUGH_ONLY, ...keysEnv([{ name: 'filed', key: FILE_KEY }]) }, fake)
    for (const [method, path] of [['GET', ''], ['POST', ''], ['GET', '/filed'], ['PATCH', '/filed'], ['DELETE', '/filed']]) {
      const response = await admin(method!, path!, method === 'POST' || method === 'PATCH' ? { name: 'x' } : undefined, 'anything')
      expect(response.status).toBe(404)
    }
    expect((await chat(as(FILE_KEY), 'hi')).answer).toBe('Echo: hi')
  })

  test('a wrong bearer, a proxy key, or none: 401', async () => {
    await start()
    for (const bearer of ['wrong', FILE_KEY, '']) {
      const response = await admin('GET', '', undefined, bearer)
      expect(response.status).toBe(401)
      expect(response.json.error.code).toBe('invalid_api_key')
      expect((await admin('POST', '', { name: 'mallory' }, bearer)).status).toBe(401)
    }
    expect((await admin('GET', '')).json.data.map((k: any) => k.name)).toEqual(['filed'])
  })
})

describe('keys made here survive a restart on the same DATA_DIR', () => {
  test('the key still works and is still listed, with its settings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-admin-keys-'))
    await start({ DATA_DIR: dir })
    const { key } = (await admin('POST', '', { name: 'carol', rate_limit: 2, cache: 'team' })).json
    await admin('POST', '', { name: 'dave', key: GIVEN })
    await admin('DELETE', '/dave')
    await proxy!.stop()
    proxy = undefined

    await start({ DATA_DIR: dir })
    expect((await chat(as(key), 'after restart')).headers.get('x-ratelimit-limit-requests')).toBe('2')
    expect((await sdkError(chat(as(GIVEN), 'hi'))).code).toBe('invalid_api_key')
    const list = await admin('GET', '')
    expect(list.json.data.map((k: any) => k.name)).toEqual(['filed', 'carol'])
    expect(list.json.data[1]).toMatchObject({ name: 'carol', rate_limit: 2, cache: 'team', source: 'admin' })
    expect(list.text).not.toContain(key)
  })
})
