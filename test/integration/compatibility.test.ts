// A DATA_DIR written by the round-1 release (test/fixtures/data-round1) is read by this one: its answers hit
// exactly and by meaning, its semantic index loads without a rebuild, and its statistics carry on.

import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

let proxy: TestProxy | undefined
let dir: string | undefined
afterEach(async () => {
  await proxy?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  proxy = dir = undefined
})

const chat = (content: string, extra: object = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }],
  ...extra,
})

describe('a DATA_DIR of the round-1 release', () => {
  test('every stored answer is an exact hit, a paraphrase a semantic one, without rebuilding the index', async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-compat-'))
    cpSync(join(import.meta.dir, '../fixtures/data-round1'), dir, { recursive: true })
    proxy = await startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: '0.8', DATA_DIR: dir })
    expect(proxy.logs.some((l) => l.includes('4 answers') && l.includes('3 in the semantic index'))).toBe(true)
    expect(proxy.logs.some((l) => l.includes('rebuilding'))).toBe(false)

    const hits = [
      await postJson(`${proxy.baseURL}/chat/completions`, chat('How tall is the Eiffel Tower?')),
      await postJson(`${proxy.baseURL}/chat/completions`, chat('Who painted the Mona Lisa?')),
      await postJson(`${proxy.baseURL}/chat/completions`, chat('Who painted the Mona Lisa?', { stream: true })),
      await postJson(`${proxy.baseURL}/completions`, { model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test' }),
      await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: 'The food was delicious.' }),
    ]
    for (const hit of hits) {
      expect(hit.headers.get('x-cache-match')).toBe('exact')
      await hit.text()
    }
    const paraphrase = await postJson(`${proxy.baseURL}/chat/completions`, chat('What is the height of the Eiffel Tower'))
    expect(paraphrase.headers.get('x-cache-match')).toBe('semantic')
    expect(((await paraphrase.json()) as any).choices[0].message.content).toBe('Echo: How tall is the Eiffel Tower?')
    expect(proxy.upstream.requests.filter((r) => r.path !== '/v1/embeddings')).toEqual([])

    const stats: any = await (await fetch(`${proxy.url}/stats`)).json()
    expect(stats.requests.total).toBe(4 + 6)
    expect(stats.since).toBe('2026-12-01T09:59:43.014Z') // carried over from the fixture, not reset
  })
})
