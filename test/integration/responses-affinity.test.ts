// Responses ids live in the account of the key that made them (DESIGN §1.8, issue 21 point 2). With two
// upstream keys, least-recently-used rotation would send every other follow-up to the key that does not
// know the id; the proxy remembers where each id was made and sends `previous_response_id`, `conversation`
// and the id routes there — also from another replica (through Redis). The fake upstream answers 404 to a
// key that did not make the id, as OpenAI does across accounts.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const KEY_A = 'sk-account-a-0123456789abcdefghij'
const KEY_B = 'sk-account-b-0123456789abcdefghij'
const MODEL = 'gpt-4o-mini'

let fake: FakeUpstream
beforeAll(async () => {
  fake = await startFakeUpstream()
})
afterAll(() => fake.stop())

const config = () => `
upstreams:
  - name: openai
    base_url: ${fake.url}/v1
    keys: ["${KEY_A}", "${KEY_B}"]
`
const start = (env: Record<string, string> = {}) =>
  startProxy({ PROXY_CONFIG: config(), PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_ALLOWED: 'false', ...env }, fake)
const turn = (n: number) => `Turn ${n} of ${crypto.randomUUID().slice(0, 8)}`

describe('one proxy, two upstream keys', () => {
  let proxy: TestProxy
  beforeAll(async () => {
    proxy = await start()
  })
  afterAll(() => proxy.stop())

  test('a previous_response_id chain always reaches the key that made the previous response', async () => {
    const client = proxy.client()
    let previous = await client.responses.create({ model: MODEL, input: turn(0) })
    const owner = fake.responseOwner(previous.id)
    expect([KEY_A, KEY_B]).toContain(owner!)
    for (let n = 1; n <= 4; n++) {
      const next = await client.responses.create({ model: MODEL, input: turn(n), previous_response_id: previous.id })
      expect(next.status).toBe('completed')
      expect(fake.responseOwner(next.id)).toBe(owner)
      previous = next
    }
    // Requests naming no id are not held to it: new conversations go by their own prompt prefix, to both keys.
    const owners = new Set<string | undefined>()
    for (let n = 0; n < 8; n++) owners.add(fake.responseOwner((await client.responses.create({ model: MODEL, input: `Fresh conversation ${n}` })).id))
    expect([...owners].sort()).toEqual([KEY_A, KEY_B])
  })

  test('a streamed answer is remembered by the id of its first event', async () => {
    const client = proxy.client()
    const first = await client.responses.stream({ model: MODEL, input: turn(0) }).finalResponse()
    for (let n = 1; n <= 3; n++) {
      const next = await client.responses.create({ model: MODEL, input: turn(n), previous_response_id: first.id })
      expect(fake.responseOwner(next.id)).toBe(fake.responseOwner(first.id))
    }
  })

  test('GET, input_items and DELETE by id go to the key that made it', async () => {
    const client = proxy.client()
    const made = await client.responses.create({ model: MODEL, input: turn(0) })
    for (let n = 0; n < 3; n++) {
      expect((await client.responses.retrieve(made.id)).id).toBe(made.id)
      expect((await client.responses.inputItems.list(made.id)).data.length).toBeGreaterThan(0)
    }
    await client.responses.delete(made.id)
  })

  test('a conversation made through the proxy is continued on its own key', async () => {
    const client = proxy.client()
    const conversation = await client.conversations.create({})
    for (let n = 0; n < 3; n++) {
      const answer = await client.responses.create({ model: MODEL, input: turn(n), conversation: conversation.id })
      expect(answer.status).toBe('completed')
    }
    expect((await client.conversations.retrieve(conversation.id)).id).toBe(conversation.id)
  })
})

describe.skipIf(!!redisSkipReason)('two replicas on one Redis', () => {
  let redis: TestRedis
  let a: TestProxy
  let b: TestProxy
  beforeAll(async () => {
    redis = await startRedis()
    a = await start({ REDIS_URL: redis.url })
    b = await start({ REDIS_URL: redis.url })
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    await redis?.stop()
  })

  test('a response made through one replica is continued through the other, on the same key', async () => {
    const first = await a.client().responses.create({ model: MODEL, input: turn(0) })
    // Both replicas rotate on their own: B's next key may well be the other account.
    for (let n = 1; n <= 4; n++) {
      const next = await b.client().responses.create({ model: MODEL, input: turn(n), previous_response_id: first.id })
      expect(fake.responseOwner(next.id)).toBe(fake.responseOwner(first.id))
    }
    expect((await b.client().responses.retrieve(first.id)).id).toBe(first.id)
  })
})
