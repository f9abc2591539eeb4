// Anthropic's Messages API through the proxy (DESIGN §1.8 "Messages", issue 22): the real
// `@anthropic-ai/sdk` and the AI SDK's anthropic provider against an `anthropic` upstream, with the same
// proxy keys (x-api-key or Bearer), the key's output cap (thinking budget following it), the cache (exact
// hits replayed as JSON or Anthropic's SSE), count_tokens, budgets, and every error in Anthropic's envelope,
// read by the SDK as its own error classes; and a chat-completions client using the anthropic upstream.

import Anthropic from '@anthropic-ai/sdk'
import { createAnthropic } from '@ai-sdk/anthropic'
import { generateText, streamText } from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { eventually, usageOf } from '../helpers/budget'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const CLAUDE_KEY = 'sk-ant-api03-upstream-key-Hq3Jm8Wn2Zt5Lv9'
const ALICE = 'Xk2Pm7Qr4Ws9Tz1Bv6Nc'
const BROKE = 'Lm5Nb8Vc1Xz4Qw7Er2Ty'
const MODEL = 'claude-sonnet-4-5'

let claude: FakeAnthropic
let proxy: TestProxy
beforeAll(async () => {
  claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
  const config = {
    upstreams: [{ name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*'] }],
    keys: [
      { name: 'alice', key: ALICE, max_output_tokens: 300, budget: { tokens: 1_000_000, per: 'day' } },
      { name: 'broke', key: BROKE, budget: { tokens: 10, per: 'day' } },
    ],
  }
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify(config), PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_SEMANTIC: 'false' }, undefined)
})
afterAll(async () => {
  await proxy.stop()
  await claude.stop()
})
beforeEach(() => claude.reset())

const anthropic = (apiKey = PROXY_KEY, extra: Record<string, unknown> = {}) => new Anthropic({ apiKey, baseURL: proxy.url, maxRetries: 0, ...extra })
const sent = () => claude.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'))
const fresh = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`

describe('the Anthropic SDK against an anthropic upstream', () => {
  test('messages.create: the upstream gets the real key and anthropic-version, never the proxy key', async () => {
    const content = fresh('Hello Claude')
    const message = await anthropic().messages.create({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content }] })
    expect(message.content[0]).toMatchObject({ type: 'text', text: `Echo: ${content}` })
    const request = sent()[0]!
    expect(request.headers['x-api-key']).toBe(CLAUDE_KEY)
    expect(request.headers['anthropic-version']).toBeTruthy()
    expect(JSON.stringify(request.headers)).not.toContain(PROXY_KEY)
  })

  test('messages.stream + finalMessage(), then the same question is an exact hit replayed as the same message', async () => {
    const content = fresh('Stream to Claude')
    const first = await anthropic().messages.stream({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content }] }).finalMessage()
    expect(first.content[0]).toMatchObject({ type: 'text', text: `Echo: ${content}` })
    const replay = await anthropic().messages.stream({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content }] }).finalMessage()
    expect(replay.content).toEqual(first.content)
    expect(replay.stop_reason).toBe(first.stop_reason)
    const json = await anthropic().messages.create({ model: MODEL, max_tokens: 200, messages: [{ role: 'user', content }] }).withResponse()
    expect(json.response.headers.get('x-cache')).toBe('HIT')
    expect(json.data.content).toEqual(first.content)
    expect(sent()).toHaveLength(1)
  })

  test('a tool round trip: tool_use with its input, then the tool_result answered', async () => {
    const client = anthropic()
    const tools = [{ name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } }]
    const question = { role: 'user' as const, content: fresh('What is the weather in Paris?') }
    const first = await client.messages.stream({ model: MODEL, max_tokens: 200, tools, messages: [question] }).finalMessage()
    const use = first.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock
    expect(use.name).toBe('get_weather')
    expect(first.stop_reason).toBe('tool_use')
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools,
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny' }] }],
    })
    expect(second.content[0]).toMatchObject({ type: 'text', text: 'The tool said: Sunny' })
  })

  test('countTokens goes to the anthropic upstream, uncounted and uncached', async () => {
    const counted = await anthropic().messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'Count me' }] })
    expect(counted.input_tokens).toBeGreaterThan(0)
    expect(claude.requests.some((r) => r.path.startsWith('/v1/messages/count_tokens'))).toBe(true)
  })

  test("Claude Code's request: ?beta=true, a Bearer key, 32000 output tokens with a thinking budget under a 300-token cap", async () => {
    const response = await fetch(`${proxy.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 32000,
        thinking: { type: 'enabled', budget_tokens: 31999 },
        system: [{ type: 'text', text: 'You are Claude Code.' }],
        messages: [{ role: 'user', content: fresh('Fix the bug') }, { role: 'system', content: 'Reminder from the harness' }],
      }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-output-cap')).toBe('300; thinking=off')
    const request = sent().at(-1)!
    expect(request.path).toBe('/v1/messages?beta=true')
    expect(request.json.max_tokens).toBe(300)
    expect(request.json.thinking?.type ?? 'disabled').toBe('disabled')
    expect(request.headers['anthropic-beta']).toContain('claude-code-20250219')
  })

  test('a metered key is charged for its call; an exact hit is free', async () => {
    const before = await usageOf(proxy.url, ALICE)
    const content = fresh('Meter this')
    await anthropic(ALICE).messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content }] })
    const after = await eventually(() => usageOf(proxy.url, ALICE), (u) => u.reserved === 0 && u.today.requests > before.today.requests)
    expect(after.spent).toBeGreaterThan(before.spent)
    await anthropic(ALICE).messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content }] })
    const hit = await eventually(() => usageOf(proxy.url, ALICE), (u) => u.today.hits > after.today.hits)
    expect(hit.spent).toBe(after.spent)
  })
})

describe("errors in Anthropic's envelope, read by the SDK as its own classes", () => {
  test('a wrong key: AuthenticationError', async () => {
    const error = await anthropic('not-a-key').messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError)
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } })
  })

  test('a model no upstream serves: NotFoundError', async () => {
    const error = await anthropic().messages.create({ model: 'gpt-unknown', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.NotFoundError)
    expect(error.error.error.type).toBe('not_found_error')
  })

  test('over budget: RateLimitError, with retry-after and x-should-retry: false', async () => {
    const error = await anthropic(BROKE).messages.create({ model: MODEL, max_tokens: 500, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
    expect(error.error.error.type).toBe('rate_limit_error')
    expect(error.headers.get('x-should-retry')).toBe('false')
  })

  test('a missing max_tokens and a body too large: invalid_request_error and request_too_large', async () => {
    const missing = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': PROXY_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as any).error.type).toBe('invalid_request_error')
    const large = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': PROXY_KEY, 'content-type': 'application/json' }, body: 'x'.repeat(proxy.config.maxBodySize + 1) })
    expect(large.status).toBe(413)
    expect(((await large.json()) as any)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } })
  })

  test('an upstream overloaded (529) everywhere: the SDK reads its own error', async () => {
    claude.fault({ status: 529 })
    claude.fault({ status: 529 })
    claude.fault({ status: 529 })
    const error = await anthropic().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: fresh('hi') }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect(error.status).toBeGreaterThanOrEqual(500)
  })
})

describe("the AI SDK's anthropic provider", () => {
  test('generateText and streamText', async () => {
    const provider = createAnthropic({ baseURL: `${proxy.url}/v1`, apiKey: PROXY_KEY })
    const prompt = fresh('Hello from the AI SDK')
    expect((await generateText({ model: provider(MODEL), prompt })).text).toBe(`Echo: ${prompt}`)
    const streamed = streamText({ model: provider(MODEL), prompt: fresh('Stream from the AI SDK') })
    expect(await streamed.text).toMatch(/^Echo: Stream from the AI SDK/)
  })
})

describe('a chat-completions client on the anthropic upstream', () => {
  test('create, stream and a tool call, translated to Messages and back', async () => {
    const client = proxy.client()
    const content = fresh('Hello via chat')
    const answer = await client.chat.completions.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }] })
    expect(answer.choices[0]!.message.content).toBe(`Echo: ${content}`)
    const request = sent().at(-1)!.json
    expect(JSON.stringify(request.system)).toContain('Be brief.')
    expect(request.messages.map((m: any) => m.role)).toEqual(['user'])
    expect(JSON.stringify(request.messages[0].content)).toContain(content)

    const stream = await client.chat.completions.create({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: fresh('Stream via chat') }] })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toMatch(/^Echo: Stream via chat/)

    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
    const call = await client.chat.completions.create({ model: MODEL, max_tokens: 100, tools, messages: [{ role: 'user', content: fresh('What is the weather in Paris?') }] })
    expect(call.choices[0]!.finish_reason).toBe('tool_calls')
    expect(call.choices[0]!.message.tool_calls![0]!.type === 'function' && call.choices[0]!.message.tool_calls![0]!.function.name).toBe('get_weather')
  })
})
