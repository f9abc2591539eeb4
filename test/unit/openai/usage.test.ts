import { describe, expect, test } from 'bun:test'
import { tokensOf, tokensOfAnswer, type Tokens } from '../../../src/openai/usage'

// Token counts as upstreams report them (DESIGN §1.5: budgets settle to the upstream's usage; §1.9: in every shape).

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

// Every shape a usage comes in (DESIGN §1.9): the prompt is all input, the cached and cache-written parts
// inside it, reasoning inside the completion. Each row: what the upstream sent, what is read.
const SHAPES: Array<[string, unknown, Tokens]> = [
  [
    'OpenAI chat: cached_tokens and reasoning_tokens in the details',
    { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } },
    { promptTokens: 2006, completionTokens: 300, cachedTokens: 1920, reasoningTokens: 192 },
  ],
  ['OpenAI chat, nothing cached: no parts', { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } }, { promptTokens: 19, completionTokens: 10 }],
  ['completions: as chat', { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 }, { promptTokens: 5, completionTokens: 7 }],
  [
    'DeepSeek: prompt_cache_hit_tokens / prompt_cache_miss_tokens, reasoning in the details',
    { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160, prompt_cache_hit_tokens: 100, prompt_cache_miss_tokens: 20, completion_tokens_details: { reasoning_tokens: 25 } },
    { promptTokens: 120, completionTokens: 40, cachedTokens: 100, reasoningTokens: 25 },
  ],
  ['DeepSeek without prompt_tokens: hit + miss', { completion_tokens: 3, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 6 }, { promptTokens: 70, completionTokens: 3, cachedTokens: 64 }],
  ['Moonshot: cached_tokens at the top', { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55, cached_tokens: 32 }, { promptTokens: 50, completionTokens: 5, cachedTokens: 32 }],
  [
    'OpenRouter (and the proxy translating Anthropic to chat): cache_write_tokens in the details',
    { prompt_tokens: 3000, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 1800 } },
    { promptTokens: 3000, completionTokens: 9, cachedTokens: 1000, cacheWriteTokens: 1800 },
  ],
  [
    "LiteLLM's chat for Claude: Anthropic's fields beside prompt_tokens are parts of it",
    { prompt_tokens: 2100, completion_tokens: 8, cache_read_input_tokens: 2048, cache_creation_input_tokens: 0 },
    { promptTokens: 2100, completionTokens: 8, cachedTokens: 2048 },
  ],
  [
    'Responses: input_tokens_details.cached_tokens, output_tokens_details.reasoning_tokens',
    { input_tokens: 1500, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 80, output_tokens_details: { reasoning_tokens: 64 }, total_tokens: 1580 },
    { promptTokens: 1500, completionTokens: 80, cachedTokens: 1024, reasoningTokens: 64 },
  ],
  [
    'Anthropic: input_tokens + cache reads + cache writes is the prompt',
    { input_tokens: 472, cache_creation_input_tokens: 1500, cache_read_input_tokens: 2048, output_tokens: 89, service_tier: 'standard' },
    { promptTokens: 472 + 1500 + 2048, completionTokens: 89, cachedTokens: 2048, cacheWriteTokens: 1500 },
  ],
  ['Anthropic, nothing cached', { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 }, { promptTokens: 12, completionTokens: 4 }],
  ['Anthropic, a null cache field', { input_tokens: 10, cache_creation_input_tokens: 1500, cache_read_input_tokens: null, output_tokens: 3 }, { promptTokens: 1510, completionTokens: 3, cacheWriteTokens: 1500 }],
  ['a cached count above the prompt is held to it', { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 64, cache_write_tokens: 5 } }, { promptTokens: 10, completionTokens: 1, cachedTokens: 10 }],
]

describe('tokensOf: every shape', () => {
  for (const [name, usage, expected] of SHAPES) {
    test(name, () => {
      expect(tokensOf(usage)).toEqual(expected)
    })
  }

  test("Anthropic's message_delta alone (output only) holds no prompt: undefined", () => {
    expect(tokensOf({ output_tokens: 15 })).toBeUndefined()
    expect(tokensOf({ cache_read_input_tokens: 5, output_tokens: 15 })).toBeUndefined()
  })

  test('the shape, where the caller knows it, decides what input_tokens means', () => {
    const usage = { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 }
    expect(tokensOf(usage, 'anthropic')).toEqual({ promptTokens: 15, completionTokens: 1, cachedTokens: 5 })
    expect(tokensOf(usage, 'openai')).toEqual({ promptTokens: 10, completionTokens: 1, cachedTokens: 5 })
    expect(tokensOf({ input_tokens: 7, output_tokens: 2 }, 'anthropic')).toEqual({ promptTokens: 7, completionTokens: 2 })
  })
})

describe('tokensOfAnswer', () => {
  test('an Anthropic message (type: message): its cache reads and writes in the prompt', () => {
    const message = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', usage: { input_tokens: 4, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 2 } }
    expect(tokensOfAnswer(JSON.stringify(message))).toEqual({ promptTokens: 124, completionTokens: 2, cachedTokens: 100, cacheWriteTokens: 20 })
  })

  test('a chat completion with cached tokens, and a Responses object with its cached input', () => {
    const chat = { object: 'chat.completion', choices: [], usage: { prompt_tokens: 40, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 32 } } }
    expect(tokensOfAnswer(JSON.stringify(chat))).toEqual({ promptTokens: 40, completionTokens: 2, cachedTokens: 32 })
    const response = { object: 'response', status: 'completed', usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 20 }, output_tokens: 4 } }
    expect(tokensOfAnswer(JSON.stringify(response))).toEqual({ promptTokens: 30, completionTokens: 4, cachedTokens: 20 })
  })

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
