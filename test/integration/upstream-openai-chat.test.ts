// An upstream of `provider: openai-chat` (DESIGN §1.8), against a fake that speaks chat only as DeepSeek does:
// chat goes to it as it is (DeepSeek's reasoning_content and cache usage reach the client), and its own
// words for a spent account or a throttle decide what happens to the key: DeepSeek's 402 disables it,
// DashScope's `insufficient_quota` throttle only rests it. Under `provider: openai` a 402 would reach the
// client and the throttle would disable the key.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

const KEY_A = 'sk-deepseek-account-a-7Qm2Lx9Rv4Tn'
const KEY_B = 'sk-deepseek-account-b-3Hc8Wz5Yp1Kd'

let fake: FakeUpstream
let proxy: TestProxy | undefined
beforeAll(async () => {
  fake = await startFakeUpstream({ name: 'deepseek', speaks: 'chat', models: ['deepseek-chat', 'deepseek-reasoner'] })
})
afterAll(() => fake.stop())
// A fresh proxy for each test: what one test does to a key's health is not the next one's start.
beforeEach(async () => {
  const upstreams = [{ name: 'deepseek', base_url: `${fake.url}/v1`, provider: 'openai-chat', keys: [KEY_A, KEY_B], models: ['deepseek-*'] }]
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), MODEL_RATE_LIMIT: '0', CACHE_ALLOWED: 'false' }, fake)
})
afterEach(async () => {
  await proxy?.stop()
  fake.reset()
  for (const key of [KEY_A, KEY_B]) fake.keyFault(key, undefined)
})

const ask = (content: string, model = 'deepseek-chat') => postJson(`${proxy!.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content }] })

describe('provider: openai-chat', () => {
  test('chat goes natively: reasoning_content and the context cache usage reach the client', async () => {
    const answer = await proxy!.client().chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Why?' }] })
    expect(answer.choices[0]!.message).toMatchObject({ content: 'Echo: Why?', reasoning_content: 'Thinking about: Why?' })
    expect(answer.usage).toMatchObject({ prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 10 })
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions'])
  })

  test("DeepSeek's 402 Insufficient Balance disables the key; the request is served by the next key", async () => {
    fake.keyFault(KEY_A, { status: 402, body: { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } } })
    for (const content of ['one', 'two', 'three']) expect((await ask(`Balance question ${content}`)).status).toBe(200)
    expect(fake.keysUsed.filter((key) => key === KEY_A)).toHaveLength(1)
    expect(fake.keysUsed.filter((key) => key === KEY_B)).toHaveLength(3)
    const disabled = proxy!.logs.filter((line) => line.includes('disabled'))
    expect(disabled).toHaveLength(1)
    expect(disabled[0]).toContain('402 Insufficient Balance')
  })

  test("DashScope's throttle in OpenAI's quota words rests the keys for that model only; none is disabled", async () => {
    const throttle = { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }
    for (const key of [KEY_A, KEY_B]) fake.keyFault(key, { status: 429, body: throttle, headers: { 'retry-after': '30' } })
    const throttled = await ask('Throttle question', 'deepseek-reasoner')
    expect(throttled.status).toBe(429)
    expect(((await throttled.json()) as any).error.code).toBe('upstream_keys_exhausted')
    expect(fake.keysUsed.toSorted()).toEqual([KEY_A, KEY_B].toSorted())
    expect(proxy!.logs.filter((line) => line.includes('disabled'))).toEqual([])

    for (const key of [KEY_A, KEY_B]) fake.keyFault(key, undefined)
    expect((await ask('Another model meanwhile', 'deepseek-chat')).status).toBe(200)
    expect((await ask('Throttle question again', 'deepseek-reasoner')).status).toBe(429)
    expect(fake.requests).toHaveLength(3)
  })
})
