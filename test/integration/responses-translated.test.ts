// The Responses API on a chat-only upstream (DESIGN §1.8, issue 21 points 3 and 4): `provider: openai-chat`
// (DeepSeek, Qwen, Ollama…) gets Chat Completions, and the client still speaks Responses — the real
// `openai` SDK (create, the stream helper, a tool round trip, a `previous_response_id` chain, GET by id) and
// the AI SDK's default OpenAI provider — with hosted tools left out and named, what cannot be translated
// refused, translated responses kept for RESPONSES_TTL (none with `store: false`), cached and metered.

import { createOpenAI } from '@ai-sdk/openai'
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { eventually, usageOf } from '../helpers/budget'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { sdkError } from '../helpers/named-keys'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-0123456789'
const ALICE = 'Ty4Hw9Rb2Lk7Qd5Xn1Gc'
const MODEL = 'deepseek-chat'

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream({ speaks: 'chat' })
  const config = `
upstreams:
  - name: deepseek
    base_url: ${fake.url}/v1
    provider: openai-chat
    keys: ["${DEEPSEEK_KEY}"]
keys:
  - name: alice
    key: "${ALICE}"
    budget: { tokens: 1000000, per: day }
    max_output_tokens: 400
`
  proxy = await startProxy({ PROXY_CONFIG: config, PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_SEMANTIC: 'false' }, fake)
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})
beforeEach(() => fake.reset())

const chats = () => fake.requests.filter((r) => r.path === '/v1/chat/completions')
const responsesSeen = () => fake.requests.filter((r) => r.path.startsWith('/v1/responses'))
const question = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
}

describe('the openai SDK against a chat-only upstream', () => {
  test('responses.create: translated to chat and back, with its usage; the upstream never sees /responses', async () => {
    const input = question('Say hi to DeepSeek')
    const response = await proxy.client().responses.create({ model: MODEL, input, instructions: 'Be brief.' })
    expect(response.object).toBe('response')
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe(`Echo: ${input}`)
    expect(response.id).toMatch(/^resp_/)
    expect(response.usage?.input_tokens).toBeGreaterThan(0)
    expect(responsesSeen()).toEqual([])
    const sent = chats()[0]!.json
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: input },
    ])
    expect(sent.model).toBe(MODEL)
  })

  test('responses.stream + finalResponse(): a valid Responses stream, ending in response.completed', async () => {
    const input = question('Stream through chat')
    fake.fault({ path: '/v1/chat/completions', splitBytes: 23 })
    const stream = proxy.client().responses.stream({ model: MODEL, input })
    const types: string[] = []
    stream.on('event', (event) => void types.push(event.type))
    const final = await stream.finalResponse()
    expect(final.output_text).toBe(`Echo: ${input}`)
    expect(types[0]).toBe('response.created')
    expect(types.at(-1)).toBe('response.completed')
    expect(types).toContain('response.output_text.delta')
    expect(chats()[0]!.json.stream_options).toEqual({ include_usage: true })
  })

  test('a tool round trip: the chat tool call comes back as a function_call, its output goes back as a tool message', async () => {
    const client = proxy.client()
    const input: any[] = [{ role: 'user', content: question('What is the weather in Paris?') }]
    const first = await client.responses.create({ model: MODEL, input, tools: [weatherTool] })
    const call = first.output.find((item) => item.type === 'function_call') as any
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' })
    const second = await client.responses.create({
      model: MODEL,
      tools: [weatherTool],
      input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 24 °C' }],
    })
    expect(second.output_text).toContain('Sunny, 24 °C')
    const messages = chats().at(-1)!.json.messages
    expect(messages.at(-2).tool_calls[0].id).toBe(call.call_id)
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call.call_id, content: 'Sunny, 24 °C' })
  })

  test('previous_response_id continues a translated response: the history is the one the proxy kept', async () => {
    const client = proxy.client()
    const first = await client.responses.create({ model: MODEL, input: question('My name is Ada') })
    const second = await client.responses.create({ model: MODEL, input: 'What is my name?', previous_response_id: first.id })
    expect(second.output_text).toContain('What is my name?')
    const messages = chats().at(-1)!.json.messages
    expect(messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(messages[1].content).toBe(first.output_text)
    // GET by id, and its input items, from what the proxy kept; DELETE removes it.
    const got = await client.responses.retrieve(second.id)
    expect(got.output_text).toBe(second.output_text)
    const items = await client.responses.inputItems.list(second.id)
    expect(items.data.length).toBe(3)
    await client.responses.delete(second.id)
    expect((await sdkError(client.responses.retrieve(second.id))).status).toBe(404)
  })

  test('store: false keeps nothing: the response cannot be read back or continued', async () => {
    const client = proxy.client()
    const response = await client.responses.create({ model: MODEL, input: question('Forget me'), store: false })
    expect((await sdkError(client.responses.retrieve(response.id))).status).toBe(404)
  })

  test('hosted tools are left out and named in x-dropped-tools; a tool_choice that requires one is refused', async () => {
    const input = question('Search the web for news')
    const { data, response } = await proxy
      .client()
      .responses.create({ model: MODEL, input, tools: [{ type: 'web_search' } as any, weatherTool] })
      .withResponse()
    expect(data.status).toBe('completed')
    expect(response.headers.get('x-dropped-tools')).toBe('web_search')
    expect(chats()[0]!.json.tools.map((t: any) => t.function.name)).toEqual(['get_weather'])
    const refused = await sdkError(proxy.client().responses.create({ model: MODEL, input, tools: [{ type: 'web_search' } as any], tool_choice: { type: 'web_search' } as any }))
    expect(refused.status).toBe(400)
    expect(refused.code).toBe('unsupported_by_upstream')
    expect(refused.message).toContain('deepseek')
  })

  test('a repeated question is a cache hit with the same id, and a metered key is charged for the call', async () => {
    const client = proxy.client({ apiKey: ALICE })
    const before = await usageOf(proxy.url, ALICE)
    const input = question('Cache this translated answer')
    const miss = await client.responses.create({ model: MODEL, input }).withResponse()
    expect(miss.response.headers.get('x-cache')).toBe('MISS')
    const after = await eventually(() => usageOf(proxy.url, ALICE), (u) => u.reserved === 0 && u.today.requests > before.today.requests)
    expect(after.spent).toBeGreaterThan(before.spent)
    const hit = await client.responses.create({ model: MODEL, input }).withResponse()
    expect(hit.response.headers.get('x-cache')).toBe('HIT')
    expect(hit.data.id).toBe(miss.data.id)
    expect(hit.data.output_text).toBe(miss.data.output_text)
    expect(chats()).toHaveLength(1)
  })
})

describe("the AI SDK's default OpenAI provider against a chat-only upstream", () => {
  const provider = () => createOpenAI({ baseURL: proxy.baseURL, apiKey: PROXY_KEY })

  test('generateText and streamText', async () => {
    const prompt = question('Hello from the AI SDK')
    const generated = await generateText({ model: provider()(MODEL), prompt })
    expect(generated.text).toBe(`Echo: ${prompt}`)
    const streamed = streamText({ model: provider()(MODEL), prompt: question('Stream from the AI SDK') })
    expect(await streamed.text).toMatch(/^Echo: Stream from the AI SDK/)
    expect(responsesSeen()).toEqual([])
  })

  test('a tool call and its result, in two steps', async () => {
    const result = await generateText({
      model: provider()(MODEL),
      prompt: question('What is the weather in Paris?'),
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async ({ city }) => `Sunny in ${city}`,
        }),
      },
      stopWhen: stepCountIs(2),
    })
    expect(result.steps[0]!.toolCalls[0]!.toolName).toBe('get_weather')
    expect(result.text).toContain('Sunny in')
  })
})
