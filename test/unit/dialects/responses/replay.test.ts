import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createOpenAI } from '@ai-sdk/openai'
import { generateText, streamText } from 'ai'
import OpenAI from 'openai'
import { responsesDialect } from '../../../../src/dialects/responses'
import { replayJson, replaySse } from '../../../../src/dialects/responses/replay'
import { ResponsesRecorder } from '../../../../src/dialects/responses/recorder'
import type { StoredAnswer } from '../../../../src/openai/answer'
import { SseParser } from '../../../../src/openai/sse/parser'
import { ARGS, CALL_ID, MESSAGE_ITEM, RESPONSE_ID, STORED, SUMMARY, TEXT, TEXT_ONLY, USAGE } from './fixtures'

/** The replayed stream's events, parsed, with their `event:` names. */
function events(sse: string): Array<{ name?: string; data: any }> {
  return new SseParser().pushEvents(sse).map((event) => ({ name: event.event, data: JSON.parse(event.data) }))
}

const REFUSAL: StoredAnswer = {
  endpoint: 'responses',
  body: {
    ...TEXT_ONLY.body,
    id: 'resp_refusal01',
    output: [{ id: 'msg_refusal01', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: "I'm sorry, I can't help with that." }] }],
  },
}
const CITED: StoredAnswer = {
  endpoint: 'responses',
  body: {
    ...TEXT_ONLY.body,
    id: 'resp_cited01',
    output: [
      { id: 'ws_cited01', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'paris weather' } },
      {
        ...MESSAGE_ITEM,
        id: 'msg_cited01',
        content: [
          { type: 'output_text', annotations: [{ type: 'url_citation', start_index: 0, end_index: 5, title: 'Météo', url: 'https://example.org/paris' }], logprobs: [], text: TEXT },
          { type: 'output_text', annotations: [], logprobs: [], text: '' },
        ],
      },
    ],
  },
}
/** As a compatible server might store it: no item ids, no `object`. */
const NO_IDS: StoredAnswer = {
  endpoint: 'responses',
  body: { id: 'resp_noids', created_at: 1, status: 'completed', model: 'm', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Echo: hi' }] }] },
}
const ANSWERS = { STORED, TEXT_ONLY, REFUSAL, CITED, NO_IDS }

describe('replay as JSON', () => {
  test('the stored response, its id and created_at kept', () => {
    const body = replayJson(STORED)
    expect(body).toEqual(STORED.body)
    expect(body.id).toBe(RESPONSE_ID)
  })

  test('the asking request echoes its own metadata, user, safety_identifier and prompt_cache_key', () => {
    const body = replayJson(STORED, { metadata: { team: 'beta' }, safety_identifier: 'user-beta' })
    expect(body).toMatchObject({ metadata: { team: 'beta' }, safety_identifier: 'user-beta', prompt_cache_key: null, user: null })
    expect(body.output).toEqual(STORED.body.output)
    expect(STORED.body.metadata).toEqual({ team: 'alpha' }) // the stored answer is untouched
    // A field the stored response lacks is only added when the request has it.
    expect('metadata' in replayJson(NO_IDS, {})).toBe(false)
    expect(replayJson(NO_IDS, { user: 'u' }).user).toBe('u')
  })

  test("the dialect's template renders the same bytes each time, no slot to fill", () => {
    const form = responsesDialect.replayForm({ model: 'm', input: 'hi', metadata: { team: 'alpha' }, safety_identifier: 'user-alpha', prompt_cache_key: 'alpha-cache' })
    const template = responsesDialect.template(STORED, form)
    expect(template.contentHeaders['content-type']).toBe('application/json')
    expect(JSON.parse(template.render())).toEqual(STORED.body)
    expect(template.render()).toBe(template.render())
  })
})

describe('replay as SSE', () => {
  test('the full event sequence, numbered from 0, named as their type', () => {
    const list = events(replaySse(STORED))
    expect(list.map((e) => e.data.sequence_number)).toEqual(list.map((_, i) => i))
    for (const e of list) expect(e.name).toBe(e.data.type)
    const types = list.map((e) => e.data.type)
    const squeeze = types.filter((t, i) => t !== types[i - 1]) // runs of deltas as one
    expect(squeeze).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...SUMMARY.flatMap(() => ['response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done']),
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(list[0]!.data.response).toMatchObject({ id: RESPONSE_ID, status: 'in_progress', output: [], usage: null, completed_at: null, model: STORED.body.model })
    expect(list.at(-1)!.data.response).toEqual(STORED.body)
    const text = list.filter((e) => e.data.type === 'response.output_text.delta')
    expect(text.length).toBeGreaterThan(2)
    expect(text.map((e) => e.data.delta).join('')).toBe(TEXT)
    const args = list.filter((e) => e.data.type === 'response.function_call_arguments.delta')
    expect(args.length).toBeGreaterThan(1)
    expect(args.map((e) => e.data.delta).join('')).toBe(ARGS)
    expect(list.filter((e) => e.data.type === 'response.output_item.done').map((e) => e.data.item)).toEqual(STORED.body.output)
  })

  test('the template renders it with SSE headers', () => {
    const template = responsesDialect.template(STORED, responsesDialect.replayForm({ model: 'm', input: 'hi', stream: true }))
    expect(template.contentHeaders).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
    expect(events(template.render()).at(-1)!.data.response).toMatchObject({ id: RESPONSE_ID, metadata: {}, safety_identifier: null, prompt_cache_key: null })
  })

  test('refusals, annotations and hosted-tool items are streamed too', () => {
    const refusal = events(replaySse(REFUSAL)).filter((e) => e.data.type === 'response.refusal.delta')
    expect(refusal.map((e) => e.data.delta).join('')).toBe(REFUSAL.body.output[0].content[0].refusal)
    const cited = events(replaySse(CITED)).map((e) => e.data)
    expect(cited.filter((e) => e.type === 'response.output_text.annotation.added').map((e) => e.annotation)).toEqual(CITED.body.output[1].content[0].annotations)
    expect(cited.filter((e) => e.type === 'response.content_part.added').map((e) => e.content_index)).toEqual([0, 1])
    expect(cited.find((e) => e.type === 'response.output_item.added')!.item).toMatchObject({ type: 'web_search_call', status: 'in_progress' })
  })

  test('items stored without an id get one for the stream', () => {
    const list = events(replaySse(NO_IDS)).map((e) => e.data)
    const id = list.find((e) => e.type === 'response.output_item.added')!.item.id
    expect(id).toMatch(/^msg_[0-9a-f]{48}$/)
    expect(list.at(-1)!.response.output[0].id).toBe(id)
  })

  test('recording a replay gives the stored answer back, split anywhere', () => {
    for (const answer of Object.values(ANSWERS)) {
      const bytes = new TextEncoder().encode(replaySse(answer))
      for (const size of [1, 7, 64, bytes.length]) {
        const recorder = new ResponsesRecorder()
        for (let i = 0; i < bytes.length; i += size) recorder.push(bytes.subarray(i, i + size))
        const recorded = recorder.finish()!
        if (answer === NO_IDS) expect(recorded.body.output[0]).toMatchObject(NO_IDS.body.output[0])
        else expect(recorded).toEqual(answer)
      }
    }
  })
})

describe("the openai SDK's responses.stream() helper reads a replay", () => {
  let server: ReturnType<typeof Bun.serve>
  let answering: string
  let asked: any

  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      async fetch(request) {
        asked = await request.json()
        const type = answering.startsWith('{') ? 'application/json' : 'text/event-stream; charset=utf-8'
        return new Response(answering, { headers: { 'content-type': type } })
      },
    })
  })
  afterAll(() => server.stop(true))

  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0 })

  test.each(Object.keys(ANSWERS))('%s: finalResponse() is the stored response', async (name) => {
    const answer = ANSWERS[name as keyof typeof ANSWERS]
    answering = replaySse(answer)
    const stream = client().responses.stream({ model: 'gpt-5-mini', input: 'Weather in Paris?', tools: STORED.body.tools })
    const deltas: string[] = []
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta))
    const final = await stream.finalResponse()
    expect(asked.stream).toBe(true)
    const { output_text: _t, output_parsed: _p, ...rest } = final as any
    const output = rest.output.map(({ parsed_arguments: _a, ...item }: any) =>
      item.type === 'message' ? { ...item, content: item.content.map(({ parsed: _x, ...part }: any) => part) } : item
    )
    const expected = events(answering).at(-1)!.data.response // with the ids a NO_IDS replay made up
    expect({ ...rest, output }).toEqual(expected)
    if (answer !== NO_IDS) expect(expected).toEqual(answer.body)
    expect(deltas.join('')).toBe(answer.body.output.filter((i: any) => i.type === 'message').flatMap((i: any) => i.content.filter((c: any) => c.type === 'output_text').map((c: any) => c.text)).join(''))
  })

  test('text, function call and reasoning summary as the SDK sees them', async () => {
    answering = replaySse(STORED)
    const final = await client().responses.stream({ model: 'gpt-5-mini', input: 'Weather in Paris?' }).finalResponse()
    expect(final.output_text).toBe(TEXT)
    expect(final.output.find((i) => i.type === 'function_call')).toMatchObject({ call_id: CALL_ID, name: 'get_weather', arguments: ARGS })
    expect((final.output.find((i) => i.type === 'reasoning') as any).summary.map((s: any) => s.text)).toEqual(SUMMARY)
    expect(final.usage).toEqual(USAGE as any)
    expect(final.id).toBe(RESPONSE_ID)
  })

  test("the AI SDK's OpenAI provider reads a replay: text, tool call, reasoning, usage; and the JSON form", async () => {
    const model = createOpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: 'sk-test' }).responses('gpt-5-mini')
    answering = replaySse(STORED)
    const result = streamText({ model, prompt: 'Weather in Paris?' })
    const parts: any[] = []
    for await (const part of result.fullStream) parts.push(part)
    expect(parts.find((p) => p.type === 'error')).toBeUndefined()
    expect(await result.text).toBe(TEXT)
    expect((await result.toolCalls).map((call) => [call.toolCallId, call.toolName, call.input])).toEqual([[CALL_ID, 'get_weather', JSON.parse(ARGS)]])
    expect(await result.reasoningText).toBe(SUMMARY.join('')) // the AI SDK joins summary parts as they come
    expect(await result.usage).toMatchObject({ inputTokens: USAGE.input_tokens, outputTokens: USAGE.output_tokens })
    expect((await result.response).id).toBe(RESPONSE_ID)

    answering = JSON.stringify(replayJson(TEXT_ONLY))
    const json = await generateText({ model, prompt: 'hi' })
    expect(json.text).toBe(TEXT)
    expect(json.response.id).toBe(TEXT_ONLY.body.id)
  })

  test('responses.create({ stream: true }) iterates a replay', async () => {
    answering = replaySse(TEXT_ONLY)
    const stream = await client().responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true })
    let text = ''
    let last: any
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta
      last = event
    }
    expect(text).toBe(TEXT)
    expect(last.type).toBe('response.completed')
  })
})
