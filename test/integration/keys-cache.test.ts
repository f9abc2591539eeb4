import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type OpenAI from 'openai'
import { fakeSimilarity } from '../helpers/fake-upstream'
import { chat, keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

// Cache scope (DESIGN §1.5): entries carry the cache group of the key that paid for them, and a hit, exact
// or by meaning, needs the same group. private (the default) is the key alone; shared is every shared key
// and PROXY_KEY; any other word a group of its own. Entries made before groups existed are shared.

const THRESHOLD = 0.8
const TALL = 'How tall is the Eiffel Tower?'
const HEIGHT = 'What is the height of the Eiffel Tower'

const KEYS = {
  alice: 'Lq6Wc1Xn8Zb3Pt5Ry0Hm', // private (the default)
  bob: 'Va4Ke9Sd2Gj7Fo1Ui6Nw', // private, said so
  carol: 'Oy3Bh8Tm5Qr0Lx7Ec2Zp', // shared
  dave: 'Nf1Jw6Ca9Vs4Mk8Dg3Yt', // shared
  erin: 'Ip7Ru2Hz5Xe0Bq3Wl9Ko', // team
  frank: 'Ct0Gy4Nm8Ak1Sj6Pv2Fx', // team
  grace: 'Wd5Lh9Oe3Zi7Tc2Qn6Bu', // another group
}
const SETTINGS: Record<keyof typeof KEYS, object> = {
  alice: {},
  bob: { cache: 'private' },
  carol: { cache: 'shared' },
  dave: { cache: 'shared' },
  erin: { cache: 'team' },
  frank: { cache: 'team' },
  grace: { cache: 'other-team' },
}
const env = keysEnv(Object.entries(KEYS).map(([name, key]) => ({ name, key, ...SETTINGS[name as keyof typeof KEYS] })))

let proxy: TestProxy | undefined
let dir: string | undefined
afterEach(async () => {
  await proxy?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  proxy = dir = undefined
})

const start = (extra: Record<string, string> = {}) =>
  startProxy({ MODEL_RATE_LIMIT: '0', CACHE_SIMILARITY_THRESHOLD: String(THRESHOLD), ...env, ...extra }).then((p) => (proxy = p))
const as = (name: keyof typeof KEYS | 'PROXY_KEY') => (name === 'PROXY_KEY' ? proxy!.client() : proxy!.client({ apiKey: KEYS[name] }))
const ask = (client: OpenAI, content: string, system?: string) =>
  chat(client, content, { messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content }] })
/** How each asker fared, as `HIT/exact`, `HIT/semantic` or `MISS`. */
const outcome = (answer: Awaited<ReturnType<typeof chat>>) => (answer.cache === 'HIT' ? `HIT/${answer.match}` : answer.cache)
const chats = () => proxy!.upstream.requests.filter((r) => r.path === '/v1/chat/completions').length

describe('cache scope', () => {
  test('the fake embedding puts the two Eiffel Tower questions near each other', () => {
    expect(fakeSimilarity(TALL, HEIGHT)).toBeGreaterThanOrEqual(THRESHOLD)
  })

  test('private keys do not see each other’s answers, exact or by meaning; each sees its own', async () => {
    await start()
    expect(outcome(await ask(as('alice'), TALL))).toBe('MISS')
    expect(outcome(await ask(as('bob'), HEIGHT))).toBe('MISS') // not alice's answer by meaning
    expect(outcome(await ask(as('alice'), HEIGHT))).toBe('HIT/semantic') // her own is
    const question = uniqueQuestion()
    expect(outcome(await ask(as('alice'), question))).toBe('MISS')
    expect(outcome(await ask(as('bob'), question))).toBe('MISS') // not alice's answer exactly
    expect(outcome(await ask(as('alice'), question))).toBe('HIT/exact')
    expect(outcome(await ask(as('bob'), question))).toBe('HIT/exact')
    expect(chats()).toBe(4)
  })

  test('a private key’s answers are not the shared group’s, nor the other way round', async () => {
    await start()
    const question = uniqueQuestion()
    expect(outcome(await ask(as('PROXY_KEY'), question))).toBe('MISS')
    expect(outcome(await ask(as('alice'), question))).toBe('MISS')
    const mine = uniqueQuestion()
    expect(outcome(await ask(as('alice'), mine))).toBe('MISS')
    expect(outcome(await ask(as('carol'), mine))).toBe('MISS')
    expect(outcome(await ask(as('PROXY_KEY'), mine))).toBe('HIT/exact') // carol's, shared
  })

  test('two `cache: shared` keys and the PROXY_KEY share, exactly and by meaning', async () => {
    await start()
    const question = uniqueQuestion()
    expect(outcome(await ask(as('carol'), question))).toBe('MISS')
    expect(outcome(await ask(as('dave'), question))).toBe('HIT/exact')
    expect(outcome(await ask(as('PROXY_KEY'), question))).toBe('HIT/exact')
    expect(outcome(await ask(as('PROXY_KEY'), TALL))).toBe('MISS')
    expect(outcome(await ask(as('carol'), HEIGHT))).toBe('HIT/semantic')
    expect(outcome(await ask(as('dave'), TALL))).toBe('HIT/exact')
    expect(chats()).toBe(2)
  })

  test('two `cache: team` keys share with each other, not with shared keys nor another group', async () => {
    await start()
    expect(outcome(await ask(as('erin'), TALL))).toBe('MISS')
    expect(outcome(await ask(as('frank'), HEIGHT))).toBe('HIT/semantic')
    expect(outcome(await ask(as('frank'), TALL))).toBe('HIT/exact')
    // Neither the shared group nor another group sees the team's answers...
    expect(outcome(await ask(as('carol'), HEIGHT))).toBe('MISS')
    expect(outcome(await ask(as('grace'), TALL))).toBe('MISS')
    expect(outcome(await ask(as('alice'), TALL))).toBe('MISS')
    // ...and the team does not see theirs.
    const shared = uniqueQuestion()
    expect(outcome(await ask(as('PROXY_KEY'), shared))).toBe('MISS')
    expect(outcome(await ask(as('erin'), shared))).toBe('MISS')
    expect(outcome(await ask(as('frank'), shared))).toBe('HIT/exact') // erin's
  })

  test('streams obey the groups too: a private key’s stream is no hit for another key', async () => {
    await start()
    const question = uniqueQuestion()
    const stream = await as('alice').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], stream: true })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toBe(`Echo: ${question}`)
    // A stream is stored once it completed (just after the SDK saw [DONE]): wait for the entry.
    for (let i = 0; i < 100 && (await proxy!.cache!.count()) === 0; i++) await Bun.sleep(10)
    expect(outcome(await ask(as('bob'), question))).toBe('MISS')
    expect(outcome(await ask(as('alice'), question))).toBe('HIT/exact')
    expect(chats()).toBe(2)
  })
})

describe('entries made before groups existed (a round-1 DATA_DIR)', () => {
  const startOnFixture = async () => {
    dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-keys-compat-'))
    cpSync(join(import.meta.dir, '../fixtures/data-round1'), dir, { recursive: true })
    await start({ DATA_DIR: dir })
  }

  test("belong to shared: a `cache: shared` key gets the fixture's answers as hits, exactly and by meaning", async () => {
    await startOnFixture()
    const exact = await ask(as('carol'), TALL, 'Be brief.')
    expect(outcome(exact)).toBe('HIT/exact')
    expect(exact.answer).toBe(`Echo: ${TALL}`)
    const semantic = await ask(as('dave'), HEIGHT, 'Be brief.')
    expect(outcome(semantic)).toBe('HIT/semantic')
    expect(semantic.answer).toBe(`Echo: ${TALL}`)
    expect(outcome(await ask(as('carol'), 'Who painted the Mona Lisa?', 'Be brief.'))).toBe('HIT/exact')
    expect(chats()).toBe(0)
  })

  test('a private key, or a named group, does not get them', async () => {
    await startOnFixture()
    expect(outcome(await ask(as('alice'), TALL, 'Be brief.'))).toBe('MISS')
    expect(outcome(await ask(as('bob'), HEIGHT, 'Be brief.'))).toBe('MISS')
    expect(outcome(await ask(as('erin'), 'Who painted the Mona Lisa?', 'Be brief.'))).toBe('MISS')
    expect(chats()).toBe(3)
    // The fixture's entries are still there for the shared group.
    expect(outcome(await ask(as('PROXY_KEY'), TALL, 'Be brief.'))).toBe('HIT/exact')
  })
})
