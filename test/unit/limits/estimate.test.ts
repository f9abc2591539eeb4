import { describe, expect, test } from 'bun:test'
import { estimateTokens, tokensOfText, UNCAPPED_OUTPUT_TOKENS } from '../../../src/limits/estimate'

// The reservation a request makes before it is sent (DESIGN §1.5): prompt size plus capped output × the
// answers asked for. It must err high: a reservation too small is how a key overspends its budget.

const user = (content: string) => ({ role: 'user', content })
/** What the estimate counts: a string's own UTF-8 bytes, anything else as its JSON. */
const bytes = (value: unknown) => Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value))

describe('chat', () => {
  test('prompt: half the bytes of the messages plus 8 per message; output: the cap', () => {
    const messages = [{ role: 'system', content: 'Be brief.' }, user('hello')]
    expect(estimateTokens('chat', { model: 'm', messages, max_tokens: 100 })).toEqual({ promptTokens: Math.ceil(bytes(messages) / 2) + 16, completionTokens: 100 })
  })

  test('max_completion_tokens wins over max_tokens (the proxy sets it when absent)', () => {
    expect(estimateTokens('chat', { messages: [user('x')], max_completion_tokens: 30, max_tokens: 500 }).completionTokens).toBe(30)
  })

  test('tools and response_format count in the prompt', () => {
    const base = { messages: [user('x')], max_tokens: 10 }
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
    const format = { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } }
    expect(estimateTokens('chat', { ...base, tools }).promptTokens).toBe(Math.ceil((bytes(base.messages) + bytes(tools)) / 2) + 8)
    expect(estimateTokens('chat', { ...base, response_format: format }).promptTokens).toBe(Math.ceil((bytes(base.messages) + bytes(format)) / 2) + 8)
  })

  test('n multiplies the output, not the prompt', () => {
    const one = estimateTokens('chat', { messages: [user('hi')], max_tokens: 100 })
    const three = estimateTokens('chat', { messages: [user('hi')], max_tokens: 100, n: 3 })
    expect(three).toEqual({ promptTokens: one.promptTokens, completionTokens: 300 })
  })

  test(`uncapped (no max_tokens at all): ${UNCAPPED_OUTPUT_TOKENS} per answer`, () => {
    expect(UNCAPPED_OUTPUT_TOKENS).toBe(4096)
    expect(estimateTokens('chat', { messages: [user('hi')] }).completionTokens).toBe(4096)
    expect(estimateTokens('chat', { messages: [user('hi')], n: 2 }).completionTokens).toBe(8192)
    // A nonsense cap is no cap.
    expect(estimateTokens('chat', { messages: [user('hi')], max_tokens: 0 }).completionTokens).toBe(4096)
  })
})

describe('completions', () => {
  test('a string prompt: its bytes / 2 + 8; output: max_tokens', () => {
    expect(estimateTokens('completions', { prompt: 'Say this is a test', max_tokens: 16 })).toEqual({ promptTokens: Math.ceil(bytes('Say this is a test') / 2) + 8, completionTokens: 16 })
  })

  test('best_of and n: the larger of the two multiplies the output', () => {
    expect(estimateTokens('completions', { prompt: 'x', max_tokens: 10, best_of: 4, n: 2 }).completionTokens).toBe(40)
    expect(estimateTokens('completions', { prompt: 'x', max_tokens: 10, n: 3 }).completionTokens).toBe(30)
  })

  test('an array of prompts: one answer (or n, best_of) per prompt', () => {
    expect(estimateTokens('completions', { prompt: ['a', 'b', 'c'], max_tokens: 10 }).completionTokens).toBe(30)
    expect(estimateTokens('completions', { prompt: ['a', 'b', 'c'], max_tokens: 10, n: 2 }).completionTokens).toBe(60)
    // Token arrays: a flat array of integers is one prompt, an array of arrays is one per array.
    expect(estimateTokens('completions', { prompt: [1, 2, 3, 4], max_tokens: 10 }).completionTokens).toBe(10)
    expect(estimateTokens('completions', { prompt: [[1, 2], [3, 4]], max_tokens: 10 }).completionTokens).toBe(20)
  })

  test('uncapped: 4096 per answer', () => {
    expect(estimateTokens('completions', { prompt: ['a', 'b'] }).completionTokens).toBe(2 * 4096)
  })
})

describe('embeddings', () => {
  test('the input only; no output', () => {
    expect(estimateTokens('embeddings', { input: 'hello world', max_tokens: 100, n: 5 })).toEqual({ promptTokens: Math.ceil(bytes('hello world') / 2) + 8, completionTokens: 0 })
    const many = ['one', 'two', 'three']
    expect(estimateTokens('embeddings', { input: many }).promptTokens).toBe(Math.ceil(bytes(many) / 2) + 8)
  })
})

describe('responses', () => {
  test('input, instructions and tools in the prompt; max_output_tokens as the output', () => {
    const body = { input: 'Write a haiku', instructions: 'Rhyme.', max_output_tokens: 50 }
    expect(estimateTokens('responses', body)).toEqual({ promptTokens: Math.ceil((bytes('Write a haiku') + bytes('Rhyme.')) / 2) + 8, completionTokens: 50 })
    expect(estimateTokens('responses', { input: 'x' }).completionTokens).toBe(4096)
  })
})

describe('errs high against real token counts', () => {
  // Rough real counts: OpenAI's tokenizers make about 4 characters (¾ of a word) of English a token, and
  // one CJK character 1 to 1.5 tokens (cl100k; o200k needs fewer); chat framing is ~4 tokens a message plus
  // 3 for the reply. The references below are upper bounds of those rules of thumb.
  const english =
    'The quick brown fox jumps over the lazy dog. Caching answers saves money when many people ask the same ' +
    'questions, but a budget must still hold when they ask new ones at the same time, so the proxy reserves first.'
  const chinese = '我喜欢在周末和朋友一起去公园散步，然后找一家安静的咖啡馆坐下来聊天。预算用完以后，代理应该拒绝新的请求。'

  const roughEnglish = (text: string) => Math.ceil(Math.max(text.length / 4, (text.split(/\s+/).length * 4) / 3))
  const roughChinese = (text: string) => Math.ceil([...text].length * 1.5)

  test('English: the estimate is above the rough count', () => {
    const estimate = estimateTokens('chat', { messages: [user(english)], max_tokens: 1 }).promptTokens
    const real = roughEnglish(english) + 4 + 3
    expect(estimate).toBeGreaterThanOrEqual(real)
    // …and not absurdly so (a reservation far too big refuses requests a budget could pay for).
    expect(estimate).toBeLessThan(real * 3)
  })

  test('Chinese: the estimate is above 1.5 tokens a character', () => {
    const estimate = estimateTokens('chat', { messages: [user(chinese)], max_tokens: 1 }).promptTokens
    expect(estimate).toBeGreaterThanOrEqual(roughChinese(chinese) + 4 + 3)
    expect(estimateTokens('completions', { prompt: chinese, max_tokens: 1 }).promptTokens).toBeGreaterThanOrEqual(roughChinese(chinese))
    expect(estimateTokens('embeddings', { input: chinese }).promptTokens).toBeGreaterThanOrEqual(roughChinese(chinese))
  })

  test('tokensOfText: half the bytes, rounded up', () => {
    expect(tokensOfText(0)).toBe(0)
    expect(tokensOfText(1)).toBe(1)
    expect(tokensOfText(7)).toBe(4)
    // 3 bytes a CJK character → 1.5 tokens a character.
    expect(tokensOfText(Buffer.byteLength('你好世界'))).toBe(6)
  })
})
