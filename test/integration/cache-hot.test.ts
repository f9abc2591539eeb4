// The answers kept hot (src/cache/hot-answers.ts): a request seen before, byte for byte, is answered from
// memory without reading the store. It must answer exactly what the store would, and never what the store
// no longer holds, nor what the calling key may no longer have.

import { afterEach, describe, expect, test } from 'bun:test'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'
import { keysEnv, uniqueQuestion } from '../helpers/named-keys'

const ADMIN_KEY = 'admin-key-for-hot-tests-0123'
let proxy: TestProxy
afterEach(() => proxy?.stop())

async function start(env: Record<string, string> = {}) {
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0', ADMIN_KEY, ...env })
  return proxy
}

/** Counts the store's reads by key, which a hot answer skips. */
function storeReads(p: TestProxy) {
  const entries = p.cache!.entries
  const read = entries.getByKey.bind(entries)
  let count = 0
  entries.getByKey = (key: string) => (count++, read(key))
  return () => count
}

const post = (path: string, body: unknown, headers: Record<string, string> = auth()) => postJson(`${proxy.baseURL}${path}`, body, headers)
const upstreamCalls = (path = '/v1/chat/completions') => proxy.upstream.requests.filter((r) => r.path === path).length
const normalise = (text: string) => text.replace(/"(chatcmpl|cmpl)-[A-Za-z0-9]{29}"/g, '"ID"').replace(/"created":\d+/g, '"created":0')
const headersOf = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => !['date', 'x-request-id', 'content-length'].includes(name)))

const chat = (content: string, extra: object = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra })

describe('hot answers', () => {
  const kinds: Array<[string, string, (q: string) => object]> = [
    ['chat', '/chat/completions', (q) => chat(q)],
    ['chat, streamed', '/chat/completions', (q) => chat(q, { stream: true })],
    ['chat, streamed with usage', '/chat/completions', (q) => chat(q, { stream: true, stream_options: { include_usage: true } })],
    ['completions', '/completions', (q) => ({ model: 'gpt-4o-mini', prompt: q })],
    ['embeddings', '/embeddings', (q) => ({ model: 'text-embedding-3-small', input: q })],
    ['embeddings in base64', '/embeddings', (q) => ({ model: 'text-embedding-3-small', input: q, encoding_format: 'base64' })],
  ]
  for (const [name, path, body] of kinds) {
    test(`${name}: from the third request on, the same bytes and headers as a hit read from the store, without reading it`, async () => {
      await start()
      const reads = storeReads(proxy)
      const request = body(uniqueQuestion())
      const first = await post(path, request)
      expect(first.headers.get('x-cache')).toBe('MISS')
      await first.text()
      const second = await post(path, request)
      const secondText = await second.text()
      const readsAfterSecond = reads()
      const third = await post(path, request)
      const thirdText = await third.text()
      expect(third.status).toBe(200)
      expect(third.headers.get('x-cache')).toBe('HIT')
      expect(third.headers.get('x-cache-match')).toBe('exact')
      expect(reads()).toBe(readsAfterSecond)
      expect(normalise(thirdText)).toBe(normalise(secondText))
      expect(headersOf(third)).toEqual(headersOf(second))
      if (!path.startsWith('/embeddings')) expect(thirdText).not.toBe(secondText) // a fresh id each time
      expect(upstreamCalls(`/v1${path}`)).toBe(1)
      expect(proxy.logs.filter((l) => l.includes('cache=HIT/exact'))).toHaveLength(2)
    })
  }

  test('an entry deleted or purged through the admin API is never served again from memory', async () => {
    await start()
    const request = chat(uniqueQuestion())
    for (let i = 0; i < 3; i++) await (await post('/chat/completions', request)).text()
    const list: any = await (await fetch(`${proxy.url}/admin/cache/entries`, { headers: auth(ADMIN_KEY) })).json()
    const id = list.data[0].id
    expect((await fetch(`${proxy.url}/admin/cache/entries/${id}`, { method: 'DELETE', headers: auth(ADMIN_KEY) })).status).toBe(200)
    const after = await post('/chat/completions', request)
    expect(after.headers.get('x-cache')).toBe('MISS')
    await after.text()
    expect(upstreamCalls()).toBe(2)

    for (let i = 0; i < 2; i++) await (await post('/chat/completions', request)).text()
    await fetch(`${proxy.url}/admin/cache/entries?all=true`, { method: 'DELETE', headers: auth(ADMIN_KEY) })
    const purged = await post('/chat/completions', request)
    expect(purged.headers.get('x-cache')).toBe('MISS')
    await purged.text()
    expect(upstreamCalls()).toBe(3)
  })

  test('a refresh (skip word or Cache-Control: no-cache) replaces the answer: the next plain request gets the new one', async () => {
    await start()
    const question = uniqueQuestion()
    for (let i = 0; i < 3; i++) await (await post('/chat/completions', chat(question))).text()
    const fresh = (content: string) => ({
      status: 200,
      body: { id: 'chatcmpl-x', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
    })
    proxy.upstream.fault(fresh('refreshed by the skip word'))
    const refreshed = await post('/chat/completions', chat(`/skip_cache ${question}`))
    expect(refreshed.headers.get('x-cache')).toBe('BYPASS')
    await refreshed.text()
    const plain: any = await (await post('/chat/completions', chat(question))).json()
    expect(plain.choices[0].message.content).toBe('refreshed by the skip word')

    proxy.upstream.fault(fresh('refreshed by no-cache'))
    const noCache = await post('/chat/completions', chat(question), { ...auth(), 'cache-control': 'no-cache' })
    expect(noCache.headers.get('x-cache')).toBe('BYPASS')
    await noCache.text()
    const again: any = await (await post('/chat/completions', chat(question))).json()
    expect(again.choices[0].message.content).toBe('refreshed by no-cache')
  })

  test('not past the TTL', async () => {
    await start({ CACHE_TTL_SECONDS: '1' })
    const request = chat(uniqueQuestion())
    for (let i = 0; i < 3; i++) await (await post('/chat/completions', request)).text()
    await Bun.sleep(1_100)
    const late = await post('/chat/completions', request)
    expect(late.headers.get('x-cache')).toBe('MISS')
    await late.text()
    expect(upstreamCalls()).toBe(2)
  })

  test('per key: a private cache stays private, a model taken away is refused, and hits count in the key’s usage', async () => {
    const keys = [
      { name: 'alice', key: 'sk-alice-hot-0123456789', cache: 'private' },
      { name: 'bob', key: 'sk-bob-hot-0123456789', cache: 'private' },
    ]
    await start(keysEnv(keys))
    const request = chat(uniqueQuestion())
    for (let i = 0; i < 3; i++) expect((await post('/chat/completions', request, auth(keys[0]!.key))).status).toBe(200)
    const bob = await post('/chat/completions', request, auth(keys[1]!.key))
    expect(bob.headers.get('x-cache')).toBe('MISS')
    await bob.text()
    const usage: any = await (await fetch(`${proxy.baseURL}/usage`, { headers: auth(keys[0]!.key) })).json()
    expect(usage.today.hits).toBe(2)

    // An admin-made key whose models are then restricted: its hot request is refused like any other.
    const made = await fetch(`${proxy.url}/admin/keys`, { method: 'POST', headers: { ...auth(ADMIN_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'carol' }) })
    const carol = ((await made.json()) as any).key
    for (let i = 0; i < 3; i++) expect((await post('/chat/completions', request, auth(carol))).status).toBe(200)
    const patched = await fetch(`${proxy.url}/admin/keys/carol`, { method: 'PATCH', headers: { ...auth(ADMIN_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ models: ['gpt-4o'] }) })
    expect(patched.status).toBe(200)
    const refused = await post('/chat/completions', request, auth(carol))
    expect(refused.status).toBe(404)
    expect(((await refused.json()) as any).error.code).toBe('model_not_found')
  })
})
