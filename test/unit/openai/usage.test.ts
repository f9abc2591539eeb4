import { describe, expect, test } from 'bun:test'
import { tokensOf, tokensOfAnswer } from '../../../src/openai/usage'

// Token counts as upstreams report them (DESIGN §1.5: budgets settle to the upstream's usage).

describe('tokensOf', () => {
  test('chat and completions: prompt_tokens, completion_tokens', () => {
    expect(tokensOf({ prompt_tokens: 19, completion_tokens: 10, total_tokens: 29, prompt_tokens_details: { cached_tokens: 0 } })).toEqual({ promptTokens: 19, completionTokens: 10 })
  })

  test('the Responses API: input_tokens, output_tokens', () => {
    expect(tokensOf({ input_tokens: 21, output_tokens: 6, total_tokens: 27 })).toEqual({ promptTokens: 21, completionTokens: 6 })
  })

  test('embeddings: prompt only, completion 0', () => {
    expect(tokensOf({ prompt_tokens: 8, total_tokens: 8 })).toEqual({ promptTokens: 8, completionTokens: 0 })
  })

  test('zeros are counts (a provider that reports 0 before the last chunk)', () => {
    expect(tokensOf({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })).toEqual({ promptTokens: 0, completionTokens: 0 })
  })

  test('nothing to read: undefined', () => {
    for (const value of [undefined, null, 0, 'usage', [], {}, { total_tokens: 12 }, { completion_tokens: 5 }]) expect(tokensOf(value)).toBeUndefined()
  })

  test('counts that are not counts are not read', () => {
    expect(tokensOf({ prompt_tokens: '12', completion_tokens: 3 })).toBeUndefined()
    expect(tokensOf({ prompt_tokens: -1, completion_tokens: 3 })).toBeUndefined()
    expect(tokensOf({ prompt_tokens: Number.NaN })).toBeUndefined()
    expect(tokensOf({ prompt_tokens: 4, completion_tokens: -2 })).toEqual({ promptTokens: 4, completionTokens: 0 })
    expect(tokensOf({ prompt_tokens: 4, completion_tokens: 'x' })).toEqual({ promptTokens: 4, completionTokens: 0 })
  })
})

describe('tokensOfAnswer', () => {
  test('a chat completion', () => {
    const body = { id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }
    expect(tokensOfAnswer(JSON.stringify(body))).toEqual({ promptTokens: 10, completionTokens: 2 })
  })

  test('a Responses object (usage at the top), and one wrapped in `response`', () => {
    expect(tokensOfAnswer(JSON.stringify({ object: 'response', status: 'completed', usage: { input_tokens: 3, output_tokens: 4 } }))).toEqual({ promptTokens: 3, completionTokens: 4 })
    expect(tokensOfAnswer(JSON.stringify({ type: 'response.completed', response: { usage: { input_tokens: 5, output_tokens: 6 } } }))).toEqual({ promptTokens: 5, completionTokens: 6 })
  })

  test('an embeddings answer', () => {
    expect(tokensOfAnswer(JSON.stringify({ object: 'list', data: [{ embedding: [0.1] }], usage: { prompt_tokens: 7, total_tokens: 7 } }))).toEqual({ promptTokens: 7, completionTokens: 0 })
  })

  test('no usage, null usage, bad JSON or nothing: undefined (the caller settles to its estimate)', () => {
    for (const text of [undefined, '', '{"object":"response","output":[]}', '{"usage":null}', '{"usage": {"prompt_tokens": 1', 'not json "usage"', '[]']) {
      expect(tokensOfAnswer(text)).toBeUndefined()
    }
  })

  test('a usage word inside the text is not usage', () => {
    expect(tokensOfAnswer(JSON.stringify({ choices: [{ message: { content: 'the "usage" of words' } }] }))).toBeUndefined()
  })
})
