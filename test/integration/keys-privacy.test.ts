import { Validator } from '@seriousme/openapi-schema-validator'
import { afterEach, describe, expect, test } from 'bun:test'
import { chat, keysEnv, sdkError, uniqueQuestion } from '../helpers/named-keys'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

// What the public pages show of named keys (DESIGN §1.3): /stats and the status page have totals and
// upstream health, never a proxy key's name (per-key figures are admin-only). And the OpenAPI document
// describes /admin/keys behind the adminKey scheme.

// Names no page would show by chance.
const ZEBRA = { name: 'zebra-crossing-7', key: 'Ym2Qa7Wf4Ks9Ex1Rb6Tn' }
const QUOKKA = { name: 'quokka_smiles', key: 'Bv8Lh3Pc6Ju1Zd5Mo0Gi' }
const EXPIRED = { name: 'walrus-retired', key: 'Ix4Nt9Es2Wa7Fk3Cy8Hq', expires: '2020-01-01' }
const ADMIN_KEY = 'admin-Rj5Ub0Vo3Lg8Sx1Dm'

let proxy: TestProxy | undefined
afterEach(async () => {
  await proxy?.stop()
  proxy = undefined
})

describe('public figures after traffic from named keys', () => {
  test('/stats and the status page contain no key names (nor keys)', async () => {
    proxy = await startProxy({
      ADMIN_KEY,
      MODEL_RATE_LIMIT: '0',
      ...keysEnv([{ ...ZEBRA, rate_limit: 1 }, { ...QUOKKA, allow: ['chat'], models: ['gpt-4o-mini'] }, EXPIRED]),
    })
    const zebra = proxy.client({ apiKey: ZEBRA.key })
    const quokka = proxy.client({ apiKey: QUOKKA.key })
    const question = uniqueQuestion()
    await chat(zebra, question)
    await sdkError(chat(zebra, uniqueQuestion())) // over its limit
    await chat(quokka, question)
    await chat(quokka, question) // a hit in its own group
    await sdkError(quokka.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })) // not allowed
    await sdkError(chat(quokka, 'x', { model: 'gpt-4o' })) // not its model
    await sdkError(chat(proxy.client({ apiKey: EXPIRED.key }), 'x'))
    // One made through the admin API, too.
    const made = (await (await fetch(`${proxy.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ name: 'narwhal-admin-made' }) })).json()) as any
    await chat(proxy.client({ apiKey: made.key }), uniqueQuestion())

    const stats = await fetch(`${proxy.url}/stats`)
    expect(stats.status).toBe(200)
    const figures = await stats.text()
    // The traffic was counted (so the check below looks at figures that saw it).
    expect(((JSON.parse(figures) as any).requests.total as number) >= 4).toBe(true)
    const page = await fetch(`${proxy.url}/`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<html')

    for (const text of [figures, html]) {
      for (const name of [ZEBRA.name, QUOKKA.name, EXPIRED.name, 'narwhal-admin-made', 'zebra', 'quokka', 'walrus', 'narwhal']) expect(text).not.toContain(name)
      for (const key of [ZEBRA.key, QUOKKA.key, EXPIRED.key, made.key, PROXY_KEY, REAL_KEY, ADMIN_KEY]) expect(text).not.toContain(key)
    }
  })
})

describe('the OpenAPI document', () => {
  test('has the /admin/keys operations behind the adminKey scheme, and is valid OpenAPI', async () => {
    proxy = await startProxy({ ADMIN_KEY, ...keysEnv([ZEBRA]) })
    const response = await fetch(`${proxy.url}/swagger/json`)
    expect(response.status).toBe(200)
    const text = await response.text()
    const doc = JSON.parse(text) as any

    expect(doc.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' })
    const operations = [
      ['/admin/keys', 'post'],
      ['/admin/keys', 'get'],
      ['/admin/keys/{name}', 'get'],
      ['/admin/keys/{name}', 'patch'],
      ['/admin/keys/{name}', 'delete'],
    ] as const
    for (const [path, method] of operations) {
      const operation = doc.paths[path]?.[method]
      expect(operation).toBeDefined()
      expect(operation.security).toEqual([{ adminKey: [] }])
      expect(operation.tags).toContain('Admin')
      expect(Object.keys(operation.responses ?? {})).toEqual(expect.arrayContaining(['401', '404']))
    }
    expect(Object.keys(doc.paths['/admin/keys'].post.responses)).toContain('201')
    expect(Object.keys(doc.paths['/admin/keys'].post.responses)).toContain('409')
    expect(doc.paths['/admin/keys'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('name')
    expect(doc.paths['/admin/keys/{name}'].patch.requestBody).toBeDefined()
    // The path parameter is declared where it is used.
    for (const method of ['get', 'patch', 'delete']) {
      const params = [...(doc.paths['/admin/keys/{name}'].parameters ?? []), ...(doc.paths['/admin/keys/{name}'][method].parameters ?? [])]
      expect(params.some((p: any) => p.name === 'name' && p.in === 'path')).toBe(true)
    }

    const result = await new Validator().validate(doc as Record<string, unknown>)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)

    for (const secret of [ZEBRA.key, ADMIN_KEY, PROXY_KEY, REAL_KEY]) expect(text).not.toContain(secret)
    expect(text).not.toContain(ZEBRA.name)
  })
})
