import { describe, expect, test } from 'bun:test'
import { StreamRecorder } from '../../../../src/dialects/chat/recorder'
import {
  bytes, decode, byteByByte, chunked, record, sse, CREATED, head, chatChunk, delta, USAGE, TEXT_STREAM, WEATHER_ARGS, TIME_ARGS,
  TOOL_STREAM, TWO_CHOICES_STREAM, completionHead, completionChunk, COMPLETION_STREAM
} from '../../../helpers/sse-fixtures'

describe('StreamRecorder (chat)', () => {
  test('a complete text stream becomes a chat.completion', () => {
    const recorder = record('chat', TEXT_STREAM)
    expect(recorder.sawUsage).toBe(true)
    expect(recorder.finish()).toEqual({
      endpoint: 'chat',
      body: {
        id: head.id,
        object: 'chat.completion',
        created: CREATED,
        model: head.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour! Ça va 😀?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: USAGE,
        service_tier: 'default',
        system_fingerprint: 'fp_0aa8d3e20b',
      },
    })
  })

  test('byte-by-byte pushes give the same answer', () => {
    expect(record('chat', byteByByte(TEXT_STREAM)).finish()).toEqual(record('chat', TEXT_STREAM).finish()!)
    expect(record('chat', chunked(TOOL_STREAM, 7)).finish()).toEqual(record('chat', TOOL_STREAM).finish()!)
  })

  test('tool calls: merged by index, arguments concatenated, content null', () => {
    const answer = record('chat', TOOL_STREAM).finish()!
    const choice = answer.body.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_weather1', type: 'function', function: { name: 'get_weather', arguments: WEATHER_ARGS } },
      { id: 'call_time2', type: 'function', function: { name: 'get_time', arguments: TIME_ARGS } },
    ])
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ location: 'Paris, France', unit: 'celsius' })
    expect(answer.body.usage.completion_tokens).toBe(40)
  })

  test('tool calls without an index (some compatible providers) still merge', () => {
    const stream = sse([
      chatChunk([delta({ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] })]),
      chatChunk([delta({ tool_calls: [{ function: { arguments: ':1}' } }] })]),
      chatChunk([delta({ tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }] })]),
      chatChunk([delta({}, 'tool_calls')]),
      '[DONE]',
    ])
    expect(record('chat', stream).finish()!.body.choices[0].message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
    ])
  })

  test('n=2: interleaved choices are kept apart, each with its own finish_reason', () => {
    const answer = record('chat', TWO_CHOICES_STREAM).finish()!
    expect(answer.body.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Red rose', 'length'],
      [1, 'Blue apple', 'stop'],
    ])
    expect(answer.body.usage).toBeUndefined()
  })

  test('refusal and legacy function_call', () => {
    const refusal = sse([
      chatChunk([delta({ role: 'assistant', refusal: '' })]),
      chatChunk([delta({ refusal: "I'm sorry, " })]),
      chatChunk([delta({ refusal: "I can't help." })]),
      chatChunk([delta({}, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', refusal).finish()!.body.choices[0].message).toEqual({ role: 'assistant', content: null, refusal: "I'm sorry, I can't help." })

    const fn = sse([
      chatChunk([delta({ role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '' } })]),
      chatChunk([delta({ function_call: { arguments: '{"q":' } })]),
      chatChunk([delta({ function_call: { arguments: '"x"}' } })]),
      chatChunk([delta({}, 'function_call')]),
      '[DONE]',
    ])
    expect(record('chat', fn).finish()!.body.choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      function_call: { name: 'lookup', arguments: '{"q":"x"}' },
    })
  })

  test('an empty text answer keeps content ""', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', content: '' })]), chatChunk([delta({}, 'stop')]), '[DONE]'])
    expect(record('chat', stream).finish()!.body.choices[0].message.content).toBe('')
  })

  test('incomplete: no [DONE] (cut stream)', () => {
    const cut = TEXT_STREAM.subarray(0, decode(TEXT_STREAM).lastIndexOf('data: [DONE]'))
    expect(record('chat', cut).finish()).toBeUndefined()
    expect(record('chat', TEXT_STREAM.subarray(0, 200)).finish()).toBeUndefined()
  })

  test('incomplete: an error event, as data or as `event: error`', () => {
    const errorData = sse([
      chatChunk([delta({ role: 'assistant', content: 'Hi' })]),
      { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } },
      chatChunk([delta({}, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', errorData).finish()).toBeUndefined()

    const errorEvent = bytes(
      decode(sse([chatChunk([delta({ role: 'assistant', content: 'Hi' }, 'stop')])])) + 'event: error\ndata: {"message":"overloaded"}\n\ndata: [DONE]\n\n'
    )
    expect(record('chat', errorEvent).finish()).toBeUndefined()
  })

  test('incomplete: a choice without finish_reason', () => {
    const stream = sse([chatChunk([delta({ role: 'assistant', content: 'Hi' })]), '[DONE]'])
    expect(record('chat', stream).finish()).toBeUndefined()
    // n=2 with only one choice finished
    const half = sse([chatChunk([delta({ content: 'a' }, 'stop', 0)]), chatChunk([delta({ content: 'b' }, null, 1)]), '[DONE]'])
    expect(record('chat', half).finish()).toBeUndefined()
  })

  test('incomplete: garbage JSON, without push ever throwing', () => {
    const stream = bytes(decode(TEXT_STREAM).replace('data: [DONE]', 'data: {"choices": [oops\n\ndata: [DONE]'))
    const recorder = new StreamRecorder('chat')
    expect(() => recorder.push(stream)).not.toThrow()
    expect(recorder.finish()).toBeUndefined()
    for (const junk of ['"a string"', '42', 'null', '[1,2]', '{"choices":"nope"}', '{"choices":[{"index":-1}]}']) {
      expect(record('chat', sse([chatChunk([delta({ content: 'x' }, 'stop')]), junk, '[DONE]'])).finish()).toBeUndefined()
    }
  })

  test('incomplete: no choices at all', () => {
    expect(record('chat', sse(['[DONE]'])).finish()).toBeUndefined()
    expect(record('chat', sse([{ ...head, choices: [], usage: USAGE }, '[DONE]'])).finish()).toBeUndefined()
  })

  test('sawUsage: only a real usage object counts, not the usage: null of every chunk', () => {
    const recorder = new StreamRecorder('chat')
    expect(recorder.sawUsage).toBe(false)
    recorder.push(sse([chatChunk([delta({ role: 'assistant', content: 'x' })])]))
    expect(recorder.sawUsage).toBe(false)
    recorder.push(sse([{ ...head, choices: [], usage: USAGE }]))
    expect(recorder.sawUsage).toBe(true)
    expect(record('chat', TWO_CHOICES_STREAM).sawUsage).toBe(false)
  })

  test("Azure's empty first chunk does not blank the id or model; events after [DONE] are ignored", () => {
    const stream = sse([
      { id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
      chatChunk([delta({ role: 'assistant', content: 'ok' }, 'stop')]),
      '[DONE]',
      { error: { message: 'late' } },
    ])
    const body = record('chat', stream).finish()!.body
    expect(body.id).toBe(head.id)
    expect(body.model).toBe(head.model)
    expect(body.choices[0].message.content).toBe('ok')
  })

  test('provider string extras (reasoning_content) are kept; an object delta field (audio) makes it unstorable', () => {
    const reasoning = sse([
      chatChunk([delta({ role: 'assistant', content: '', reasoning_content: 'Two plus ' })]),
      chatChunk([delta({ reasoning_content: 'two.' })]),
      chatChunk([delta({ content: 'Four.' }, 'stop')]),
      '[DONE]',
    ])
    expect(record('chat', reasoning).finish()!.body.choices[0].message).toEqual({ role: 'assistant', content: 'Four.', refusal: null, reasoning_content: 'Two plus two.' })

    const audio = sse([chatChunk([delta({ role: 'assistant', audio: { id: 'audio_1', data: 'AAAA' } })]), chatChunk([delta({}, 'stop')]), '[DONE]'])
    expect(record('chat', audio).finish()).toBeUndefined()
  })

  test('finish() can be called again and gives the same answer', () => {
    const recorder = record('chat', TEXT_STREAM)
    expect(recorder.finish()).toEqual(recorder.finish()!)
  })
})

describe('StreamRecorder (completions)', () => {
  test('text_completion chunks are concatenated per choice', () => {
    const recorder = record('completions', byteByByte(COMPLETION_STREAM))
    expect(recorder.sawUsage).toBe(true)
    expect(recorder.finish()).toEqual({
      endpoint: 'completions',
      body: {
        id: completionHead.id,
        object: 'text_completion',
        created: CREATED,
        model: 'gpt-3.5-turbo-instruct',
        choices: [{ index: 0, text: '\n\nThis is a test.', logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      },
    })
  })

  test('n=2 and incomplete streams', () => {
    const two = sse([completionChunk('a', null, 0), completionChunk('b', null, 1), completionChunk('c', 'stop', 1), completionChunk('', 'length', 0), '[DONE]'])
    expect(record('completions', two).finish()!.body.choices.map((c: any) => c.text)).toEqual(['a', 'bc'])
    expect(record('completions', sse([completionChunk('a')])).finish()).toBeUndefined()
    expect(record('completions', sse([completionChunk('a'), '[DONE]'])).finish()).toBeUndefined()
  })

  test('logprobs arrive a few tokens at a time and are concatenated', () => {
    const lp = (tokens: string[]) => ({ tokens, token_logprobs: tokens.map(() => -0.5), top_logprobs: null, text_offset: tokens.map((_, i) => i) })
    const stream = sse([
      { ...completionHead, choices: [{ text: 'Hi', index: 0, logprobs: lp(['Hi']), finish_reason: null }] },
      { ...completionHead, choices: [{ text: ' there', index: 0, logprobs: lp([' there']), finish_reason: 'stop' }] },
      '[DONE]',
    ])
    expect(record('completions', stream).finish()!.body.choices[0].logprobs).toEqual({ tokens: ['Hi', ' there'], token_logprobs: [-0.5, -0.5], top_logprobs: null, text_offset: [0, 0] })
  })
})
