// The fake upstream's two modes behave as the providers they stand for: OpenAI's Responses API (ids kept per
// key, `store`, streams written event by event with a late end) and a chat-only provider as DeepSeek is (an
// empty 404 on /v1/responses, `reasoning_content`, the context cache's tokens in usage).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RESPONSES_END_LAG_MS, startFakeUpstream, type FakeUpstream } from '../../helpers/fake-upstream'
import { SseReader } from '../../helpers/sse'

let native: FakeUpstream
let chatOnly: FakeUpstream
beforeAll(async () => {
  native = await startFakeUpstream()
  chatOnly = await startFakeUpstream({ speaks: 'chat' })
})
afterAll(async () => {
  await native.stop()
  await chatOnly.stop()
})

const post = (fake: FakeUpstream, path: string, body: object, key = 'sk-a') =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
const get = (fake: FakeUpstream, path: string, key = 'sk-a') => fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${key}` } })

describe('the Responses API of the fake', () => {
  test('store: false keeps nothing: neither GET nor previous_response_id finds it', async () => {
    const made: any = await (await post(native, '/v1/responses', { model: 'm', input: 'forget me', store: false })).json()
    expect(made.store).toBe(false)
    expect(native.responseOwner(made.id)).toBeUndefined()
    expect((await get(native, `/v1/responses/${made.id}`)).status).toBe(404)
    expect((await post(native, '/v1/responses', { model: 'm', input: 'x', previous_response_id: made.id })).status).toBe(404)
  })

  test('every id route answers 404 to a key that did not make the id, and serves the one that did', async () => {
    const made: any = await (await post(native, '/v1/responses', { model: 'm', input: 'mine', background: true }, 'sk-a')).json()
    expect(made.status).toBe('queued')
    expect(native.responseOwner(made.id)).toBe('sk-a')
    for (const [method, path] of [['GET', ''], ['GET', '/input_items'], ['POST', '/cancel'], ['DELETE', '']] as const) {
      const other = await fetch(`${native.url}/v1/responses/${made.id}${path}`, { method, headers: { authorization: 'Bearer sk-b' } })
      expect([method, path, other.status]).toEqual([method, path, 404])
      expect(((await other.json()) as any).error.message).toBe(`Response with id '${made.id}' not found.`)
    }
    expect(((await (await get(native, `/v1/responses/${made.id}`)).json()) as any).status).toBe('completed')
    expect(((await (await post(native, `/v1/responses/${made.id}/cancel`, {})).json()) as any).status).toBe('cancelled')
    expect((await fetch(`${native.url}/v1/responses/${made.id}`, { method: 'DELETE', headers: { authorization: 'Bearer sk-a' } })).status).toBe(200)
    expect(native.responseOwner(made.id)).toBeUndefined()
  })

  test('conversations belong to the key that made them', async () => {
    const conv: any = await (await post(native, '/v1/conversations', { items: [{ role: 'user', content: 'hello' }] }, 'sk-a')).json()
    expect(conv.id).toMatch(/^conv_/)
    const other = await post(native, '/v1/responses', { model: 'm', input: 'x', conversation: conv.id }, 'sk-b')
    expect([other.status, ((await other.json()) as any).error.code]).toEqual([404, 'conversation_not_found'])
    const mine: any = await (await post(native, '/v1/responses', { model: 'm', input: 'again', conversation: conv.id }, 'sk-a')).json()
    expect(mine.output[0].content[0].text).toBe('Echo: again (earlier: hello)')
  })

  test('a stream: whole events in each write, then the body ends a little after response.completed', async () => {
    native.fault({ path: '/v1/responses', chunkDelayMs: 2 })
    const response = await post(native, '/v1/responses', { model: 'm', input: 'one two three', stream: true })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.getReader()
    const reads: string[] = []
    let completedAt = 0
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      reads.push(new TextDecoder().decode(chunk.value))
      if (reads.at(-1)!.includes('event: response.completed')) completedAt = performance.now()
    }
    expect(performance.now() - completedAt).toBeGreaterThanOrEqual(RESPONSES_END_LAG_MS - 5)
    // Paced writes arrive apart; none cuts an event (a read may still hold two, should the socket join them).
    expect(reads.length).toBeGreaterThan(1)
    for (const read of reads) {
      expect(read.endsWith('\n\n')).toBe(true)
      for (const block of read.slice(0, -2).split('\n\n')) expect(block).toMatch(/^event: response\.[a-z_.]+\ndata: \{.*\}$/)
    }
    const events = reads.join('').split('\n\n').filter(Boolean).map((block) => JSON.parse(block.split('\ndata: ')[1]!))
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
  })
})

describe('the chat-only fake (DeepSeek)', () => {
  test('/v1/responses and the id routes: an empty 404', async () => {
    for (const response of [await post(chatOnly, '/v1/responses', { model: 'deepseek-chat', input: 'hi' }), await get(chatOnly, '/v1/responses/resp_1'), await post(chatOnly, '/v1/conversations', {})]) {
      expect([response.status, await response.text()]).toEqual([404, ''])
    }
  })

  test('deepseek-reasoner answers with reasoning_content; usage has the context cache hit and miss tokens', async () => {
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why is the sky blue?' }]
    const reasoner: any = await (await post(chatOnly, '/v1/chat/completions', { model: 'deepseek-reasoner', messages })).json()
    expect(reasoner.choices[0].message).toMatchObject({ content: 'Echo: Why is the sky blue?', reasoning_content: 'Thinking about: Why is the sky blue?' })
    expect(reasoner.usage).toMatchObject({ prompt_tokens: 20, prompt_cache_hit_tokens: 10, prompt_cache_miss_tokens: 10, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 7 } })
    const plain: any = await (await post(chatOnly, '/v1/chat/completions', { model: 'deepseek-chat', messages: messages.slice(1) })).json()
    expect(plain.choices[0].message.reasoning_content).toBeUndefined()
    expect(plain.usage).toMatchObject({ prompt_tokens: 10, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 10 })

    const openai: any = await (await post(native, '/v1/chat/completions', { model: 'deepseek-reasoner', messages })).json()
    expect(openai.choices[0].message.reasoning_content).toBeUndefined()
    expect(openai.usage.prompt_cache_hit_tokens).toBeUndefined()
  })

  test('a deepseek-reasoner stream: the thinking in reasoning_content first, then the answer, then the usage', async () => {
    const response = await post(chatOnly, '/v1/chat/completions', { model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Count to two' }], stream: true, stream_options: { include_usage: true } })
    const events = await new SseReader(response).rest()
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data))
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice: any) => choice.delta))
    const thinking = deltas.map((d) => d.reasoning_content ?? '').join('')
    const answer = deltas.map((d) => d.content ?? '').join('')
    expect([thinking, answer]).toEqual(['Thinking about: Count to two', 'Echo: Count to two'])
    expect(deltas.findLastIndex((d) => d.reasoning_content)).toBeLessThan(deltas.findIndex((d) => d.content))
    expect(chunks.at(-1).usage).toMatchObject({ prompt_cache_hit_tokens: 0, completion_tokens_details: { reasoning_tokens: 5 } })
  })
})
