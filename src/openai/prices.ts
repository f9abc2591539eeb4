import { CATALOGUE, type PriceCatalogue, type TokenPrice } from './price-catalogue'
import type { Tokens } from './usage'

// USD per million tokens, for key budgets and the "money saved" estimate (DESIGN §1.9): the maintained
// price catalogue (@pydantic/genai-prices: why that one, in price-catalogue.ts) with the operator's
// MODEL_PRICES over it. An entry there replaces the catalogue's entry for that model whole (a missing
// `cached_input` or `cache_write` is the input price, not the catalogue's), for its own name, the names the
// catalogue counts as the same model, and its dated names. The per-image, per-minute and per-character
// prices of DALL·E, Whisper and TTS, which no token price describes, are in media-prices.ts.

export type { TokenPrice } from './price-catalogue'

export type PriceTable = Record<string, TokenPrice>

/** Where a model's price comes from: the upstream's name for it, and the prompt's size (long prompts cost more). */
export interface PriceSource {
  of(model: string, promptTokens?: number): TokenPrice | undefined
}

export class Prices implements PriceSource {
  constructor(
    /** MODEL_PRICES. */
    readonly overrides: PriceTable = {},
    readonly catalogue: PriceCatalogue = CATALOGUE,
    private readonly now: () => number = Date.now
  ) {}

  of(model: string, promptTokens = 0): TokenPrice | undefined {
    const { overrides } = this
    if (Object.hasOwn(overrides, model)) return overrides[model]
    const listed = this.catalogue.find(model, promptTokens, new Date(this.now()))
    if (listed && Object.hasOwn(overrides, listed.id)) return overrides[listed.id]
    // An override's dated names, unless the catalogue knows the name as a model more specific than it
    // (an override for gpt-4o does not price gpt-4o-mini).
    const family = longestPrefix(overrides, model)
    if (family !== undefined && (!listed || family.length >= listed.id.slice(listed.id.lastIndexOf('/') + 1).length)) return overrides[family]
    return listed?.price
  }
}

/** The catalogue with no MODEL_PRICES over it. */
export const CATALOGUE_PRICES = new Prices()

/** The entry of `model` in a table by model name: its own, or the longest listed name it starts with. */
export function priceOf<T>(table: Record<string, T>, model: string): T | undefined {
  // Own properties only: a client's model name ('constructor') must not find what every object has.
  if (Object.hasOwn(table, model)) return table[model]
  const best = longestPrefix(table, model)
  return best === undefined ? undefined : table[best]
}

function longestPrefix(table: Record<string, unknown>, model: string): string | undefined {
  let best: string | undefined
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (!best || name.length > best.length)) best = name
  }
  return best
}

/**
 * What `tokens` cost on `model` (0 without a price): the prompt's uncached part at the input price, its part
 * read from the provider's cache at the cached-input price and its part written to it at the cache-write
 * price (each the input price where none is set), and the completion (reasoning included) at the output price.
 */
export function costOf(prices: PriceSource, model: string, tokens: Tokens): number {
  const price = prices.of(model, tokens.promptTokens)
  if (!price) return 0
  const cached = Math.min(tokens.cachedTokens ?? 0, tokens.promptTokens)
  const written = Math.min(tokens.cacheWriteTokens ?? 0, tokens.promptTokens - cached)
  const uncached = tokens.promptTokens - cached - written
  return (uncached * price.input + cached * (price.cached_input ?? price.input) + written * (price.cache_write ?? price.input) + tokens.completionTokens * price.output) / 1_000_000
}
