// The fake Anthropic upstream behaves as Anthropic's API does for its own SDK: what `messages.create`,
// `messages.stream()` + `finalMessage()`, `countTokens` and `models.list` accept, Anthropic's checks and error
// classes, and the stream faults the proxy's tests inject.

import { createAnthropic } from '@ai-sdk/anthropic'
import Anthropic from '@anthropic-ai/sdk'
import { generateText, streamText } from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { FAKE_CLAUDE_MODELS, MESSAGES_END_LAG_MS, fakeInputTokens, startFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic'
import { SseReader } from '../../helpers/sse'

let fake: FakeAnthropic
beforeAll(async () => void (fake = await startFakeAnthropic({ keys: ['sk-ant-good', 'sk-ant-other'] })))
afterAll(() => fake.stop())
beforeEach(() => fake.reset())

const client = (apiKey = 'sk-ant-good') => new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 })
const MODEL = 'claude-sonnet-4-5'
const weatherTool = { name: 'get_weather', description: 'The weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } }
const post = (path: string, body: object, headers: Record<string, string> = { 'x-api-key': 'sk-ant-good', 'anthropic-version': '2023-06-01' }) =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

describe('the fake Anthropic upstream, read by the Anthropic SDK', () => {
  test('create: the echo as one text block, end_turn, usage; the request recorded with its key and version', async () => {
    const message = await client().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Hello there' }] })
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Echo: Hello there' }])
    expect([message.type, message.role, message.model, message.stop_reason]).toEqual(['message', 'assistant', MODEL, 'end_turn'])
    expect(message.usage).toMatchObject({ input_tokens: 2, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })
    // The SDK's 1.x majors send API version 2026-10-21 and the key as a Bearer token; Anthropic takes both.
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages' })
    expect(fake.requests[0]!.headers).toMatchObject({ 'anthropic-version': '2026-10-21', authorization: 'Bearer sk-ant-good' })
    expect(fake.keysUsed).toEqual(['sk-ant-good'])
  })

  test('API versions: 2026-10-21 refuses temperature, top_p and top_k; 2023-06-01 takes them; the key in x-api-key too', async () => {
    const body = { model: MODEL, max_tokens: 10, temperature: 0.2, messages: [{ role: 'user' as const, content: 'hi' }] }
    const refused = await client().messages.create(body).catch((e) => e)
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError)
    expect(refused.error.error.message).toStartWith('temperature: ')
    const old = await post('/v1/messages', body)
    expect(old.status).toBe(200)
    expect(fake.requests.at(-1)!.headers).toMatchObject({ 'x-api-key': 'sk-ant-good', 'anthropic-version': '2023-06-01' })
    expect(fake.keysUsed).toEqual(['sk-ant-good', 'sk-ant-good'])
  })

  test('stream + finalMessage: the SDK rebuilds the same message from the events, which come in Anthropic\'s order', async () => {
    const stream = client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Stream this please' }] })
    const types: string[] = []
    stream.on('streamEvent', (event) => void types.push(event.type))
    const final = await stream.finalMessage()
    expect(final.content as unknown).toEqual([{ type: 'text', text: 'Echo: Stream this please' }])
    expect([final.stop_reason, final.usage.output_tokens, final.usage.input_tokens]).toEqual(['end_turn', 4, 3])
    expect(types[0]).toBe('message_start')
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop'])
    expect(types.filter((t) => t === 'content_block_delta').length).toBe(4)
  })

  test('a tool round trip: a weather question calls the first tool (input split mid-token), the result is answered', async () => {
    const stream = client().messages.stream({ model: MODEL, max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: "What's the weather in Paris?" }] })
    const partials: string[] = []
    stream.on('inputJson', (partial) => void partials.push(partial))
    const called = await stream.finalMessage()
    expect(called.stop_reason).toBe('tool_use')
    const use = called.content[0] as Anthropic.ToolUseBlock
    expect([use.type, use.name, use.input]).toEqual(['tool_use', 'get_weather', { city: 'Paris', unit: 'celsius' }])
    expect(partials.length).toBeGreaterThan(2)
    expect(partials).toContain('{"city"')

    const answered = await client().messages.create({
      model: MODEL,
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: "What's the weather in Paris?" },
        { role: 'assistant', content: called.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18°C and sunny' }] },
      ],
    })
    expect(answered.content as unknown).toEqual([{ type: 'text', text: 'The tool said: 18°C and sunny' }])
  })

  test('thinking, when enabled: a thinking block with its signature before the answer, in JSON and streamed', async () => {
    const params = { model: MODEL, max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, messages: [{ role: 'user' as const, content: 'Two plus two' }] }
    const json = await client().messages.create(params)
    const streamed = await client().messages.stream(params).finalMessage()
    for (const message of [json, streamed]) {
      expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text'])
      expect((message.content[0] as Anthropic.ThinkingBlock).thinking).toBe('Thinking about: Two plus two')
      expect((message.content[0] as Anthropic.ThinkingBlock).signature).toStartWith('sig_')
    }
    expect(streamed.content as unknown).toEqual(json.content)
  })

  test('Anthropic\'s checks: the thinking budget, max_tokens, roles and where a system message may stand; unknown paths', async () => {
    const bad = async (body: object) => (await post('/v1/messages', body)).json() as Promise<any>
    const user = [{ role: 'user', content: 'hi' }]
    expect((await bad({ model: MODEL, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 512 }, messages: user })).error.message).toContain('greater than or equal to 1024')
    expect((await bad({ model: MODEL, max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: user })).error.message).toStartWith('`max_tokens` must be greater than `thinking.budget_tokens`')
    expect((await bad({ model: MODEL, messages: user })).error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: Field required' })
    expect((await bad({ model: MODEL, max_tokens: 10, messages: [{ role: 'system', content: 'be brief' }, ...user] })).error.message).toBe('messages.0.role: a system message must follow a user message')
    expect((await bad({ model: MODEL, max_tokens: 10, messages: [...user, { role: 'tool', content: 'x' }] })).error.message).toBe("messages.1.role: Input should be 'user', 'assistant' or 'system'")
    // After a user turn, as Claude Code sends it, a system message is taken; the answer is to the user's text.
    expect((await bad({ model: MODEL, max_tokens: 10, messages: [...user, { role: 'system', content: 'be brief' }] })).content).toEqual([{ type: 'text', text: 'Echo: hi' }])
    const unknown = await post('/v1/chat/completions', { model: MODEL })
    expect([unknown.status, ((await unknown.json()) as any).error.type]).toEqual([404, 'not_found_error'])
  })

  test('stop_sequences and max_tokens cut the answer, with the stop reason Anthropic gives', async () => {
    const stopped = await client().messages.create({ model: MODEL, max_tokens: 100, stop_sequences: ['STOP'], messages: [{ role: 'user', content: 'one two STOP three' }] })
    expect([stopped.content as unknown, stopped.stop_reason, stopped.stop_sequence]).toEqual([[{ type: 'text', text: 'Echo: one two ' }], 'stop_sequence', 'STOP'])
    const cut = await client().messages.stream({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'one two three four' }] }).finalMessage()
    expect([cut.content as unknown, cut.stop_reason, cut.usage.output_tokens]).toEqual([[{ type: 'text', text: 'Echo: one ' }], 'max_tokens', 2])
  })

  test('count_tokens counts what the message usage adds up to; the prompt cache is written once, then read', async () => {
    const params = {
      model: MODEL,
      system: [{ type: 'text' as const, text: 'You are a terse assistant for the tests', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'What is cached here' }],
    }
    const counted = await client().messages.countTokens(params)
    expect(counted.input_tokens).toBe(fakeInputTokens(params))
    expect(counted.input_tokens).toBe(12)
    expect(fake.requests[0]!.path).toBe('/v1/messages/count_tokens')
    const first = await client().messages.create({ ...params, max_tokens: 50 })
    const second = await client().messages.create({ ...params, max_tokens: 50 })
    expect(first.usage).toMatchObject({ input_tokens: 4, cache_creation_input_tokens: 8, cache_read_input_tokens: 0 })
    expect(second.usage).toMatchObject({ input_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 8 })
  })

  test('models.list: Anthropic\'s listing shape, newest first, a page of `limit`', async () => {
    const page = await client().models.list()
    expect(page.data.map((m) => m.id)).toEqual(FAKE_CLAUDE_MODELS)
    expect(page.data[0] as unknown).toEqual({ type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude sonnet 4 5', created_at: '2025-09-29T00:00:00Z' })
    const raw: any = await (await fetch(`${fake.url}/v1/models?limit=2`, { headers: { 'x-api-key': 'sk-ant-good', 'anthropic-version': '2023-06-01' } })).json()
    expect([raw.data.length, raw.has_more, raw.first_id, raw.last_id]).toEqual([2, true, 'claude-sonnet-4-5', 'claude-haiku-4-5'])
  })

  test('the key and the version are checked first: the SDK reads 401 and 400 as its own error classes', async () => {
    const wrong = await client('sk-ant-wrong').messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError)
    expect(wrong.error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })
    const noVersion = await post('/v1/messages', { model: MODEL, max_tokens: 10, messages: [] }, { 'x-api-key': 'sk-ant-good' })
    expect([noVersion.status, ((await noVersion.json()) as any).error.message]).toEqual([400, 'anthropic-version: header is required'])
    expect((await post('/v1/messages', {}, { 'anthropic-version': '2023-06-01' })).status).toBe(401)
  })

  test('injected statuses in Anthropic\'s envelope: 529 overloaded, 429 with its headers; a fault waits for POST /v1/messages', async () => {
    fake.fault({ status: 529 })
    fake.fault({ status: 429, headers: { 'retry-after': '3', 'anthropic-ratelimit-requests-remaining': '0' } })
    // count_tokens and the listing do not take faults meant for the model call.
    expect((await client().messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).input_tokens).toBe(1)
    const overloaded = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError)
    expect(overloaded.error.error).toEqual({ type: 'overloaded_error', message: 'injected 529' })
    const limited = await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError)
    expect(limited.headers.get('retry-after')).toBe('3')
    fake.fault({ status: 404, path: '/v1/models' })
    expect(await client().models.list().catch((e) => e)).toBeInstanceOf(Anthropic.NotFoundError)
  })

  test('a key fault answers every request of that key; other keys are served', async () => {
    fake.keyFault('sk-ant-other', { status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'revoked' } } })
    expect(await client('sk-ant-other').messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e)).toBeInstanceOf(Anthropic.PermissionDeniedError)
    expect((await client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).content).toHaveLength(1)
    fake.keyFault('sk-ant-other', undefined)
    expect(fake.keysUsed).toEqual(['sk-ant-other', 'sk-ant-good'])
  })

  test('stream faults: split mid-event and slowed, it still parses; a mid-stream error fails the SDK stream; a cut breaks it', async () => {
    fake.fault({ splitBytes: 7, chunkDelayMs: 1 })
    const split = await client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'bits and pieces' }] }).finalMessage()
    expect(split.content as unknown).toEqual([{ type: 'text', text: 'Echo: bits and pieces' }])

    fake.fault({ errorAfterEvents: 4 })
    const failed = await client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'fail midway' }] }).finalMessage().catch((e) => e)
    expect(failed).toBeInstanceOf(Anthropic.APIError)
    expect(String(failed.message)).toContain('overloaded_error')

    fake.fault({ cutAfterChunks: 3 })
    const cut = await client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'cut short' }] }).finalMessage().catch((e) => e)
    expect(cut).toBeInstanceOf(Error)
  })

  test('the raw stream: named events, anthropic-beta recorded, ?beta=true kept in the path, the body ends a little after message_stop', async () => {
    const started = Date.now()
    const response = await post('/v1/messages?beta=true', { model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'raw' }] }, {
      'x-api-key': 'sk-ant-good',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219, interleaved-thinking-2025-05-14',
    })
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const text = await response.text()
    expect(Date.now() - started).toBeGreaterThanOrEqual(MESSAGES_END_LAG_MS - 5)
    expect(text).toStartWith('event: message_start\ndata: {"type":"message_start"')
    expect(text).toContain('}\n\nevent: ping\ndata: {"type":"ping"}\n\nevent: content_block_start\n')
    expect(text).toEndWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')
    expect(fake.requests[0]).toMatchObject({ path: '/v1/messages?beta=true', betas: ['claude-code-20250219', 'interleaved-thinking-2025-05-14'] })

    fake.fault({ events: [{ type: 'message_start', message: { id: 'msg_x', type: 'message', role: 'assistant', content: [], model: MODEL, stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }, { type: 'message_stop' }] })
    const custom = new SseReader(await post('/v1/messages', { model: MODEL, max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }))
    expect((await custom.rest()).map((data) => JSON.parse(data).type)).toEqual(['message_start', 'message_stop'])
  })
})

describe('the fake Anthropic upstream, read by the AI SDK\'s anthropic provider', () => {
  // Its base URL holds the version, as a proxy upstream's base_url does; it sends x-api-key and 2023-06-01.
  const anthropic = () => createAnthropic({ baseURL: fake.baseUrl, apiKey: 'sk-ant-good' })

  test('generateText and streamText with thinking: the text, the reasoning and the usage come through', async () => {
    const generated = await generateText({ model: anthropic()('claude-haiku-4-5'), prompt: 'hello ai sdk' })
    expect([generated.text, generated.finishReason, generated.usage.inputTokens]).toEqual(['Echo: hello ai sdk', 'stop', 3])
    const streamed = streamText({ model: anthropic()('claude-haiku-4-5'), prompt: 'think then answer', providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } })
    expect([await streamed.text, await streamed.reasoningText, await streamed.finishReason]).toEqual(['Echo: think then answer', 'Thinking about: think then answer', 'stop'])
    expect(fake.requests.map((r) => [r.path, r.headers['x-api-key'], r.headers['anthropic-version']])).toEqual([
      ['/v1/messages', 'sk-ant-good', '2023-06-01'],
      ['/v1/messages', 'sk-ant-good', '2023-06-01'],
    ])
  })
})
