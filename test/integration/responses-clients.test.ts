// The Responses API as its clients drive it through the proxy: the real `openai` SDK (create, the stream
// helper and its final response, a tool round trip, a `previous_response_id` chain, the id routes) and the
// AI SDK's default OpenAI provider (it calls /v1/responses since AI SDK 5: generateText, streamText, a tool
// call), against a fake upstream that speaks Responses natively (fake-responses.ts) and streams as a real
// network does: one write per event, events split across writes, an end that lingers after the last event.

import { createOpenAI } from '@ai-sdk/openai'
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, REAL_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream({ name: 'native' })
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0' }, fake)
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})
beforeEach(() => fake.reset())

const MODEL = 'gpt-4o-mini'
const forwarded = () => fake.requests.filter((r) => r.path.startsWith('/v1/responses'))
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city', 'unit'], additionalProperties: false },
  strict: true,
}

describe('the openai SDK', () => {
  test('responses.create: the answer, its usage with cached tokens, the id of the upstream', async () => {
    const response = await proxy.client().responses.create({ model: MODEL, input: 'Say hi to the SDK' })
    expect(response.output_text).toBe('Echo: Say hi to the SDK')
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/)
    expect(response.usage).toMatchObject({ input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6 })
    expect(forwarded()).toHaveLength(1)
    expect(forwarded()[0]!.headers.authorization).toBe(`Bearer ${REAL_KEY}`)
    expect(fake.responseOwner(response.id)).toBe(REAL_KEY)
  })

  test('responses.stream + finalResponse(): every event in order, split across writes, reasoning summary included', async () => {
    fake.fault({ path: '/v1/responses', splitBytes: 37 })
    const stream = proxy.client().responses.stream({ model: MODEL, input: 'Stream this answer please', reasoning: { effort: 'low', summary: 'auto' } })
    const events: any[] = []
    stream.on('event', (event) => void events.push(event))
    const final = await stream.finalResponse()
    expect(final.output_text).toBe('Echo: Stream this answer please')
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message'])
    expect((final.output[0] as any).summary).toEqual([{ type: 'summary_text', text: 'Thinking about: Stream this answer please' }])
    expect(final.usage).toMatchObject({ output_tokens_details: { reasoning_tokens: 8 } })
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    expect(events[0].type).toBe('response.created')
    expect(events.at(-1).type).toBe('response.completed')
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.join('')).toBe(final.output_text)
    expect(events.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta).join('')).toBe('Thinking about: Stream this answer please')
  })

  test('an answer cut by max_output_tokens streams to response.incomplete, which finalResponse() returns', async () => {
    const stream = proxy.client().responses.stream({ model: MODEL, input: 'Please answer at great length', max_output_tokens: 3 })
    const final = await stream.finalResponse()
    expect([final.status, final.incomplete_details?.reason]).toEqual(['incomplete', 'max_output_tokens'])
    expect(final.output_text).toBe('Echo: Please answer ')
    expect(forwarded()[0]!.json.max_output_tokens).toBe(3)
  })

  test('a tool round trip: the function call, then its output sent back with the items it answers', async () => {
    const client = proxy.client()
    const input: any[] = [{ role: 'user', content: 'What is the weather in Paris?' }]
    const first = await client.responses.create({ model: MODEL, input, tools: [weatherTool] })
    const call = first.output.find((item) => item.type === 'function_call')!
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' })
    expect(call.call_id).toMatch(/^call_/)

    const second = await client.responses.create({
      model: MODEL,
      tools: [weatherTool],
      input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' }],
    })
    expect(second.output_text).toBe('The tool said: {"temperature":21}')
    expect(forwarded()[1]!.json.input.at(-1)).toEqual({ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' })
  })

  test('a streamed tool call: its arguments arrive in pieces and add up in the final response', async () => {
    const stream = proxy.client().responses.stream({ model: MODEL, input: 'Tell me the weather in Paris', tools: [weatherTool] })
    const pieces: string[] = []
    stream.on('response.function_call_arguments.delta', (event) => void pieces.push(event.delta))
    const final = await stream.finalResponse()
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe('{"city":"Paris","unit":"celsius"}')
    expect(final.output[0]).toMatchObject({ type: 'function_call', status: 'completed', arguments: pieces.join('') })
  })

  test('a previous_response_id chain: each answer sees the turns before it; the ids can be read, listed and deleted', async () => {
    const client = proxy.client()
    const first = await client.responses.create({ model: MODEL, input: 'My name is Ada.' })
    const second = await client.responses.create({ model: MODEL, previous_response_id: first.id, input: 'I live in London.' })
    const third = await client.responses.create({ model: MODEL, previous_response_id: second.id, input: 'Where do I live?' })
    expect(second.output_text).toBe('Echo: I live in London. (earlier: My name is Ada.)')
    expect(third.output_text).toBe('Echo: Where do I live? (earlier: My name is Ada. | I live in London.)')
    expect(third.usage).toMatchObject({ input_tokens: 30, input_tokens_details: { cached_tokens: 20 } })
    expect(forwarded().map((r) => r.json.previous_response_id)).toEqual([undefined, first.id, second.id])

    expect((await client.responses.retrieve(second.id)).output_text).toBe(second.output_text)
    const items = await client.responses.inputItems.list(third.id)
    expect(items.data.map((item: any) => item.content[0].text)).toEqual(['Where do I live?'])
    expect(await client.responses.delete(first.id)).toMatchObject({ id: first.id, deleted: true })
    const gone = await client.responses.retrieve(first.id).catch((error) => error)
    expect(gone.status).toBe(404)
  })

  test('an id of another upstream account is not found there: OpenAI’s 404 reaches the client', async () => {
    const made = await proxy.client().responses.create({ model: MODEL, input: 'Remember me' })
    const direct = await fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-another-account', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'And now?', previous_response_id: made.id }),
    })
    expect(direct.status).toBe(404)
    expect(await direct.json()).toEqual({
      error: { message: `Previous response with id '${made.id}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' },
    })
    const stored = await fetch(`${fake.url}/v1/responses/${made.id}`, { headers: { authorization: 'Bearer sk-another-account' } })
    expect(stored.status).toBe(404)
  })
})

describe("the AI SDK's default OpenAI provider", () => {
  const provider = () => createOpenAI({ baseURL: proxy.baseURL, apiKey: PROXY_KEY })

  test('generateText goes to /v1/responses and reads the answer and its usage', async () => {
    const result = await generateText({ model: provider()(MODEL), prompt: 'Hello from the AI SDK' })
    expect(result.text).toBe('Echo: Hello from the AI SDK')
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 6 })
    expect(result.response.id).toMatch(/^resp_/)
    expect(forwarded()).toHaveLength(1)
    expect(forwarded()[0]!.json.model).toBe(MODEL)
  })

  test('streamText: the text in pieces, the usage at the end', async () => {
    const result = streamText({ model: provider()(MODEL), prompt: 'Stream to the AI SDK now' })
    const pieces: string[] = []
    for await (const piece of result.textStream) pieces.push(piece)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe('Echo: Stream to the AI SDK now')
    expect(await result.usage).toMatchObject({ inputTokens: 10, outputTokens: 7 })
    expect(forwarded()[0]!.json.stream).toBe(true)
  })

  test('a tool call: the SDK runs the tool and sends its result back for the final text', async () => {
    const result = await generateText({
      model: provider()(MODEL),
      prompt: 'What is the weather in Paris today?',
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string; unit: string }>({ type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city', 'unit'] }),
          execute: async ({ city }) => ({ city, temperature: 21 }),
        }),
      },
      stopWhen: stepCountIs(2),
    })
    expect(result.steps).toHaveLength(2)
    expect(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city: 'Paris', unit: 'celsius' }]])
    expect(result.text).toBe('The tool said: {"city":"Paris","temperature":21}')
    expect(forwarded()).toHaveLength(2)
    expect(forwarded()[1]!.json.input.some((item: any) => item.type === 'function_call_output')).toBe(true)
  })
})
