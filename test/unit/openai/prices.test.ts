import { describe, expect, test } from 'bun:test'
import { CATALOGUE } from '../../../src/openai/price-catalogue'
import { CATALOGUE_PRICES, costOf, Prices, type TokenPrice } from '../../../src/openai/prices'
import { tokensOf } from '../../../src/openai/usage'

// Prices (DESIGN §1.9): the catalogue (@pydantic/genai-prices, bundled) found by the names upstreams use —
// bare, provider-prefixed, dated — with MODEL_PRICES over it, an entry there replacing the catalogue's whole;
// and the cost of a usage whose prompt was partly read from or written to the provider's prompt cache.

const of = (model: string, promptTokens = 1000) => CATALOGUE_PRICES.of(model, promptTokens)

describe('the catalogue, by the upstream’s model name', () => {
  test('ships in the package: its version and a model count in the thousands, no fetch needed', () => {
    expect(CATALOGUE.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(CATALOGUE.size).toBeGreaterThan(1000)
  })

  test.each([
    ['OpenAI', 'gpt-4o-mini'],
    ['OpenAI embeddings (no output price)', 'text-embedding-3-small'],
    ['Anthropic', 'claude-sonnet-4-5'],
    ['DeepSeek', 'deepseek-chat'],
    ['Gemini', 'gemini-2.5-flash'],
    ['Moonshot', 'kimi-k2-0905-preview'],
    ['Qwen (listed only as qwen/qwen-plus)', 'qwen-plus'],
  ])('%s: %s has an input price', (_, model) => {
    const price = of(model)
    expect(price?.input).toBeGreaterThan(0)
    expect(price?.output).toBeGreaterThanOrEqual(0)
  })

  test('cache prices where the provider has them: Anthropic’s read below and write above the input price; OpenAI’s and DeepSeek’s read', () => {
    const claude = of('claude-sonnet-4-5')!
    expect(claude.cached_input!).toBeLessThan(claude.input)
    expect(claude.cache_write!).toBeGreaterThan(claude.input)
    for (const model of ['gpt-4o-mini', 'deepseek-chat']) expect(of(model)!.cached_input!).toBeLessThan(of(model)!.input)
  })

  test('a provider-prefixed name finds the bare entry, and a bare name the prefixed one', () => {
    expect(of('anthropic/claude-sonnet-4-5')).toEqual(of('claude-sonnet-4-5')!)
    expect(CATALOGUE.find('qwen-plus', 0, new Date())?.id).toBe('qwen/qwen-plus')
    expect(of('qwen-plus')).toEqual(of('qwen/qwen-plus')!)
  })

  test('a dated name finds its base', () => {
    expect(of('gpt-4o-mini-2024-07-18')).toEqual(of('gpt-4o-mini')!)
    expect(of('claude-sonnet-4-5-20250929')).toEqual(of('claude-sonnet-4-5')!)
    expect(of('text-embedding-3-small-2099-01-01')).toEqual(of('text-embedding-3-small')!)
  })

  test('names the catalogue has no token price for are unpriced, case aside', () => {
    for (const model of ['no-such-model', 'constructor', '__proto__', '', 'whisper-1']) expect(of(model)).toBeUndefined()
    expect(of('GPT-4o-mini')).toEqual(of('gpt-4o-mini')!)
  })

  test('a tiered price is taken at the tier the prompt reaches (Anthropic’s long context)', () => {
    const short = of('claude-sonnet-4-5', 1000)!
    const long = of('claude-sonnet-4-5', 300_000)!
    expect(long.input).toBeGreaterThan(short.input)
    expect(long.output).toBeGreaterThan(short.output)
  })
})

describe('MODEL_PRICES over the catalogue', () => {
  const OWN: TokenPrice = { input: 1, output: 2 }

  test('an entry replaces the catalogue’s whole: no cached or cache-write price of the catalogue survives it', () => {
    const prices = new Prices({ 'claude-sonnet-4-5': OWN })
    expect(prices.of('claude-sonnet-4-5')).toEqual(OWN)
    // By the names the catalogue counts as the same model, and by its dated names.
    expect(prices.of('claude-sonnet-4-5-20250929')).toEqual(OWN)
    expect(prices.of('anthropic/claude-sonnet-4-5')).toEqual(OWN)
    // A missing cached_input and cache_write are the input price.
    expect(costOf(prices, 'claude-sonnet-4-5', { promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 400_000, cacheWriteTokens: 100_000 })).toBeCloseTo(1, 12)
  })

  test('an entry for a family does not price a more specific model the catalogue lists', () => {
    const prices = new Prices({ 'gpt-4o': OWN })
    expect(prices.of('gpt-4o-2024-08-06')).toEqual(OWN)
    expect(prices.of('gpt-4o-mini')).toEqual(CATALOGUE_PRICES.of('gpt-4o-mini')!)
  })

  test('an entry adds a model the catalogue lacks, with its dated names; the rest stay the catalogue’s', () => {
    const prices = new Prices({ 'my-model': OWN })
    expect(prices.of('my-model')).toEqual(OWN)
    expect(prices.of('my-model-2026-01-01')).toEqual(OWN)
    expect(prices.of('deepseek-chat')).toEqual(CATALOGUE_PRICES.of('deepseek-chat')!)
  })
})

describe('costOf: the uncached prompt, the cache reads, the cache writes and the output, each at its price', () => {
  // Round numbers per million tokens, so each case's dollars can be worked out by hand.
  const prices = new Prices({ model: { input: 2, cached_input: 0.5, cache_write: 2.5, output: 8 } })
  const cost = (usage: unknown, shape?: 'anthropic' | 'openai') => costOf(prices, 'model', tokensOf(usage, shape)!)

  test.each([
    ['chat without cache', { prompt_tokens: 1_000_000, completion_tokens: 100_000 }, undefined, 2 + 0.8],
    [
      'OpenAI chat: cached_tokens are part of prompt_tokens',
      { prompt_tokens: 1_000_000, completion_tokens: 100_000, prompt_tokens_details: { cached_tokens: 600_000 } },
      undefined,
      0.4 * 2 + 0.6 * 0.5 + 0.8,
    ],
    [
      'Responses: input_tokens_details.cached_tokens, reasoning is output',
      { input_tokens: 1_000_000, output_tokens: 100_000, input_tokens_details: { cached_tokens: 600_000 }, output_tokens_details: { reasoning_tokens: 50_000 } },
      'openai',
      0.4 * 2 + 0.6 * 0.5 + 0.8,
    ],
    [
      'DeepSeek: prompt_cache_hit_tokens of prompt_tokens',
      { prompt_tokens: 1_000_000, completion_tokens: 100_000, prompt_cache_hit_tokens: 750_000, prompt_cache_miss_tokens: 250_000 },
      undefined,
      0.25 * 2 + 0.75 * 0.5 + 0.8,
    ],
    [
      'Anthropic: cache reads and writes beside input_tokens',
      { input_tokens: 200_000, cache_read_input_tokens: 600_000, cache_creation_input_tokens: 200_000, output_tokens: 100_000 },
      'anthropic',
      0.2 * 2 + 0.6 * 0.5 + 0.2 * 2.5 + 0.8,
    ],
  ] as const)('%s', (_, usage, shape, usd) => {
    expect(cost(usage, shape)).toBeCloseTo(usd, 12)
  })

  test('a model without a price costs nothing; cache counts beyond the prompt cannot make it negative', () => {
    expect(costOf(prices, 'unpriced-model', { promptTokens: 1000, completionTokens: 1000 })).toBe(0)
    expect(costOf(prices, 'model', { promptTokens: 1_000_000, completionTokens: 0, cachedTokens: 800_000, cacheWriteTokens: 800_000 })).toBeCloseTo(0.8 * 0.5 + 0.2 * 2.5, 12)
  })

  test('with the catalogue: DeepSeek’s cached tokens and Claude’s cache writes are priced apart', () => {
    const deepseek = of('deepseek-chat', 10_000)!
    expect(costOf(CATALOGUE_PRICES, 'deepseek-chat', { promptTokens: 10_000, completionTokens: 1000, cachedTokens: 8000 })).toBeCloseTo(
      (2000 * deepseek.input + 8000 * deepseek.cached_input! + 1000 * deepseek.output) / 1e6,
      12
    )
    const claude = of('claude-sonnet-4-5', 10_000)!
    expect(costOf(CATALOGUE_PRICES, 'claude-sonnet-4-5', { promptTokens: 10_000, completionTokens: 1000, cachedTokens: 6000, cacheWriteTokens: 3000 })).toBeCloseTo(
      (1000 * claude.input + 6000 * claude.cached_input! + 3000 * claude.cache_write! + 1000 * claude.output) / 1e6,
      12
    )
  })
})
