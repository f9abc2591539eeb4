import { Database } from 'bun:sqlite'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { eventually, fakeUsage, todayUtc, usageOf } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { chat, keysEnv, uniqueQuestion } from '../helpers/named-keys'
import { spawnProxy, type SpawnedProxy } from '../helpers/spawn-proxy'
import { PASS_THROUGH_ONLY, startProxy, type TestProxy } from '../helpers/start-proxy'

// Usage and spend live in DATA_DIR (DESIGN §1.5, §1.6): per key, model and UTC day. A restart on the same
// DATA_DIR keeps spent and today's figures; so does a kill -9 (at most the last second lost), and no
// reservation of the process that died is left holding the budget.

const ALICE = 'Lr9Gx4Ta1Pw6Zk3Mb8Nv'
const BOB = 'Ey5Sq0Hc7Vn2Df9Ju4Wo'
const MAX = 20
const KEYS = [
  { name: 'alice', key: ALICE, budget: { usd: 1, per: 'month' } },
  { name: 'bob', key: BOB, budget: { tokens: 100_000, per: 'total' } },
]
const ENV = { ...PASS_THROUGH_ONLY, MODEL_RATE_LIMIT: '0', ...keysEnv(KEYS) }

let fake: FakeUpstream
let dir: string
let proxy: TestProxy | undefined
let spawned: SpawnedProxy | undefined
beforeAll(async () => {
  fake = await startFakeUpstream()
})
afterAll(() => fake.stop())
afterEach(async () => {
  await proxy?.stop()
  await spawned?.kill(9)
  proxy = spawned = undefined
  fake.reset()
  rmSync(dir, { recursive: true, force: true })
})
const freshDir = () => (dir = mkdtempSync(join(tmpdir(), 'proxy-gpt-budget-')))
const sdk = (baseURL: string, apiKey: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 10_000 })
const ask = (client: OpenAI, model = 'gpt-4o-mini') => chat(client, uniqueQuestion(), { model, max_tokens: MAX })
/** What /v1/usage says that a restart must keep (not `reserved`, not the rate window). */
const kept = (u: any) => ({ spent: u.spent, period: u.period, today: u.today })

describe('usage in DATA_DIR', () => {
  test('per key, model and day, in keys.sqlite; a restart keeps spent and today', async () => {
    freshDir()
    proxy = await startProxy({ ...ENV, DATA_DIR: dir }, fake)
    await ask(proxy.client({ apiKey: ALICE }))
    await ask(proxy.client({ apiKey: ALICE }))
    await ask(proxy.client({ apiKey: ALICE }), 'gpt-4o')
    await ask(proxy.client({ apiKey: BOB }))
    const alice = await usageOf(proxy.url, ALICE)
    const bob = await usageOf(proxy.url, BOB)
    expect(alice.spent).toBeGreaterThan(0)
    expect(bob.spent).toBe(fakeUsage(uniqueQuestion()).tokens)
    await proxy.stop()
    proxy = undefined

    const db = new Database(join(dir, 'keys.sqlite'), { readonly: true })
    try {
      const rows = db.query<any, []>('SELECT key, day, model, requests, hits, prompt_tokens FROM usage ORDER BY key, model').all()
      expect(rows).toEqual([
        { key: 'alice', day: todayUtc(), model: 'gpt-4o', requests: 1, hits: 0, prompt_tokens: 10 },
        { key: 'alice', day: todayUtc(), model: 'gpt-4o-mini', requests: 2, hits: 0, prompt_tokens: 20 },
        { key: 'bob', day: todayUtc(), model: 'gpt-4o-mini', requests: 1, hits: 0, prompt_tokens: 10 },
      ])
    } finally {
      db.close()
    }

    proxy = await startProxy({ ...ENV, DATA_DIR: dir }, fake)
    expect(kept(await usageOf(proxy.url, ALICE))).toEqual(kept(alice))
    expect(kept(await usageOf(proxy.url, BOB))).toEqual(kept(bob))
    // And it goes on adding to them.
    await ask(proxy.client({ apiKey: BOB }))
    expect((await usageOf(proxy.url, BOB)).spent).toBe(2 * bob.spent)
  })

  test('kill -9: spent and today survive, and no reservation is left after the restart', async () => {
    freshDir()
    const env = { ...ENV, DATA_DIR: dir }
    spawned = await spawnProxy({ upstreamUrl: fake.url, env })
    const client = sdk(`${spawned.url}/v1`, ALICE)
    await ask(client)
    await ask(client)
    const before = await usageOf(spawned.url, ALICE)
    expect(before.today.requests).toBe(2)

    // A stream the upstream holds: its reservation is in flight when the process dies.
    fake.fault({ holdAfterChunks: 2 })
    const held = (async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: uniqueQuestion() }], max_tokens: MAX, stream: true })
      for await (const _ of stream);
    })().catch(() => 'broken')
    await eventually(() => usageOf(spawned!.url, ALICE), (u) => u.reserved > 0)
    // "At most the last second lost": what settled a second ago must be there.
    await Bun.sleep(1100)
    expect(await spawned.kill(9)).not.toBe(0)
    expect(await held).toBe('broken')
    fake.release()

    spawned = await spawnProxy({ upstreamUrl: fake.url, env })
    const after = await usageOf(spawned.url, ALICE)
    expect(kept(after)).toEqual(kept(before))
    expect(after.reserved).toBe(0)
    expect(after.remaining).toBe(before.remaining)
  })
})
