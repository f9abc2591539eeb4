// The Responses API cached like chat (DESIGN §1.8, issue 21 point 1), through its real clients: a miss is
// stored, a repeat is an exact hit with the stored response's id, replayed as JSON or as the full event
// sequence that the openai SDK's stream helper and the AI SDK read; a paraphrase is a semantic hit; a
// follow-up that names a previous response or a conversation is never answered by meaning; background
// requests are never cached.

import { createOpenAI } from '@ai-sdk/openai'
import { generateText, streamText } from 'ai'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const MODEL = 'gpt-4o-mini'
let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream()
  proxy = await startProxy({ MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0' }, fake)
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})
beforeEach(() => fake.reset())

const responsesCalls = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/responses')
const fresh = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`

describe('the openai SDK', () => {
  test('create: a miss, then an exact hit with the same id and output, one upstream call', async () => {
    const input = fresh('Name three colours')
    const miss = await proxy.client().responses.create({ model: MODEL, input }).withResponse()
    expect(miss.response.headers.get('x-cache')).toBe('MISS')
    const hit = await proxy.client().responses.create({ model: MODEL, input }).withResponse()
    expect(hit.response.headers.get('x-cache')).toBe('HIT')
    expect(hit.response.headers.get('x-cache-entry')).toBe(miss.response.headers.get('x-cache-entry'))
    expect(hit.data.id).toBe(miss.data.id)
    expect(hit.data.output_text).toBe(miss.data.output_text)
    expect(hit.data.usage).toEqual(miss.data.usage)
    expect(responsesCalls()).toHaveLength(1)
  })

  test('a streamed miss is stored; the repeat is replayed event by event and finalResponse() equals it', async () => {
    const input = fresh('Stream and store this')
    fake.fault({ path: '/v1/responses', splitBytes: 19 })
    const first = await proxy.client().responses.stream({ model: MODEL, input, reasoning: { effort: 'low', summary: 'auto' } }).finalResponse()
    const events: any[] = []
    const replay = proxy.client().responses.stream({ model: MODEL, input, reasoning: { effort: 'low', summary: 'auto' } })
    replay.on('event', (event) => void events.push(event))
    const second = await replay.finalResponse()
    expect(responsesCalls()).toHaveLength(1)
    expect(second.id).toBe(first.id)
    expect(second.output_text).toBe(first.output_text)
    expect(second.output.map((item) => item.type)).toEqual(first.output.map((item) => item.type))
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    expect(events.at(-1).type).toBe('response.completed')
    // Stored once, it answers the JSON form too.
    const json = await proxy.client().responses.create({ model: MODEL, input, reasoning: { effort: 'low', summary: 'auto' } })
    expect(json.output_text).toBe(first.output_text)
    expect(responsesCalls()).toHaveLength(1)
  })

  test('a tool call is stored and replayed with its call id, name and arguments', async () => {
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }]
    const input = fresh('What is the weather in Paris?')
    const first = await proxy.client().responses.create({ model: MODEL, input, tools })
    const replay = await proxy.client().responses.stream({ model: MODEL, input, tools }).finalResponse()
    expect(replay.output.find((i) => i.type === 'function_call')).toMatchObject(first.output.find((i) => i.type === 'function_call')!)
    expect(responsesCalls()).toHaveLength(1)
  })

  test('a paraphrase is a semantic hit; a follow-up with previous_response_id is not looked up by meaning', async () => {
    await proxy.client().responses.create({ model: MODEL, input: 'How tall is the Eiffel Tower?' })
    const paraphrase = await proxy.client().responses.create({ model: MODEL, input: 'What is the height of the Eiffel Tower' }).withResponse()
    expect(paraphrase.response.headers.get('x-cache-match')).toBe('semantic')
    const base = await proxy.client().responses.create({ model: MODEL, input: fresh('Remember this') })
    const follow = await proxy.client().responses.create({ model: MODEL, input: 'How tall is the Eiffel Tower?', previous_response_id: base.id }).withResponse()
    expect(follow.response.headers.get('x-cache')).toBe('MISS')
  })

  test('background requests are never cached', async () => {
    const input = fresh('Work on this in the background')
    for (let i = 0; i < 2; i++) {
      const { response } = await proxy.client().responses.create({ model: MODEL, input, background: true }).withResponse()
      expect(response.headers.get('x-cache')).toBe('BYPASS')
    }
    expect(responsesCalls()).toHaveLength(2)
  })
})

describe("the AI SDK's default OpenAI provider", () => {
  const provider = () => createOpenAI({ baseURL: proxy.baseURL, apiKey: PROXY_KEY })

  test('generateText misses then hits; streamText reads the replayed event sequence', async () => {
    const prompt = fresh('Hello from the AI SDK')
    const first = await generateText({ model: provider()(MODEL), prompt })
    const second = await generateText({ model: provider()(MODEL), prompt })
    expect(second.text).toBe(first.text)
    const streamed = streamText({ model: provider()(MODEL), prompt })
    expect(await streamed.text).toBe(first.text)
    expect(responsesCalls()).toHaveLength(1)
  })
})
