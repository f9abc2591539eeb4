import type { ClientKey } from '../auth/client-key'
import { badRequest, insufficientQuota, rateLimitExceeded } from '../errors'
import { costOf, type PriceSource } from '../openai/prices'
import type { Tokens } from '../openai/usage'
import type { BudgetStore, RateLimitResult, RateLimitStore, UsageStore } from '../state/types'
import type { TokenEstimate } from './estimate'
import { rateLimitHeaders } from './headers'
import { dayOf, periodOf } from './periods'

// The limits a request must pass before it may spend anything upstream: the key's requests-per-minute
// window and its budget. `admit` checks and counts each in one atomic step of its store, so N concurrent
// requests get exactly as far as the limits let them; `release` hands both back when the cache answered
// after all (hits are free); `settle` turns the budget reservation into what the upstream reported, and
// counts the request in the key's usage.

const WINDOW_MS = 60_000
/** A reservation outlives any request (streams included); one never settled cannot hold a budget forever. */
const RESERVATION_TTL_MS = 15 * 60_000

/**
 * What a request cost: tokens as the upstream reported them (the prompt's cached and cache-written parts
 * too, priced apart), or as received when it reported none.
 */
export interface Spent extends Tokens {
  /** Its cost, for a call not priced by these tokens alone (per image or minute, image or audio input). */
  usd?: number
  /** The name the upstream that answered knows the model by (after its model_map): what prices it. */
  model?: string
}

export interface Admission {
  /** The x-ratelimit-* headers for the answer. */
  headers: Record<string, string>
  /** The request was answered from the cache, or failed before the model did anything: it spends nothing. */
  release(): Promise<void>
  /** The request reached the model and used `spent`: the budget and the usage are settled to it. */
  settle(spent: Spent): Promise<void>
}

export interface GatekeeperOptions {
  rateLimits: RateLimitStore
  budgets: BudgetStore
  usage: UsageStore
  prices: PriceSource
  /**
   * The name prices know a client's model by before an upstream answered (the estimate, a cache hit): the
   * first upstream's that serves it, after its model_map. Without it, the client's name.
   */
  pricedModel?: (model: string) => string
  now?: () => number
}

/** What admit needs to know of the call: the model (for its price) and the most it may cost. */
export interface Call {
  model: string
  estimate: TokenEstimate
  /** Its most cost, for a call not priced by these tokens alone: what a dollar budget reserves. */
  usd?: number
}

export class Gatekeeper {
  private readonly now: () => number

  constructor(private readonly options: GatekeeperOptions) {
    this.now = options.now ?? Date.now
  }

  /** The prices budgets are settled with, for callers that price a call themselves (images, audio): by the client's model name, as its upstream's. */
  get prices(): PriceSource {
    return { of: (model, promptTokens) => this.options.prices.of(this.pricedModel(model), promptTokens) }
  }

  private pricedModel(model: string): string {
    return this.options.pricedModel?.(model) ?? model
  }

  /** The key's window as it stands, counting nothing; undefined when the key has no limit. */
  async peek(key: ClientKey): Promise<RateLimitResult | undefined> {
    if (key.rateLimit <= 0) return undefined
    return this.options.rateLimits.peek(key.id, key.rateLimit, WINDOW_MS)
  }

  /**
   * Counts one model request for `key` and reserves what `call` may cost, or throws: 429
   * `rate_limit_exceeded` over the window, 429 `insufficient_quota` over the budget, 400 for a model
   * without a price under a dollar budget (nothing is spent unmetered). Without a call (a pass-through that
   * spends nothing per request) nothing is reserved: there would be nothing to settle it to.
   */
  async admit(key: ClientKey, call?: Call): Promise<Admission> {
    const budget = key.budget
    const amount = budget && call ? this.amountOf(key, call) : 0
    let token: string | undefined
    let headers: Record<string, string> = {}
    if (key.rateLimit > 0) {
      const result = await this.options.rateLimits.hit(key.id, key.rateLimit, WINDOW_MS)
      headers = rateLimitHeaders(result)
      if (!result.success) {
        throw rateLimitExceeded(
          `Rate limit reached for this client: ${result.limit} requests per minute (MODEL_RATE_LIMIT). Please try again in ${headers['retry-after']}s.`,
          headers
        )
      }
      token = result.token
    }
    const releaseWindow = async () => {
      if (token) await this.options.rateLimits.release(key.id, token)
    }

    let reservation: { period: string; id: string } | undefined
    if (budget && call) {
      const period = periodOf(budget.per, this.now())
      const limit = budget.usd ?? budget.tokens!
      const held = await this.options.budgets.reserve(key.account, period.id, amount, limit, RESERVATION_TTL_MS)
      if (!held.ok) {
        await releaseWindow()
        throw this.overBudget(key, held, amount, period.renewsAt)
      }
      reservation = { period: period.id, id: held.id! }
    }

    let done = false
    const model = call?.model ?? ''
    return {
      headers,
      release: async () => {
        if (done) return
        done = true
        await releaseWindow()
        if (reservation) await this.options.budgets.release(key.account, reservation.period, reservation.id)
      },
      settle: async (spent) => {
        if (done) return
        done = true
        const cost = spent.usd ?? costOf(this.options.prices, spent.model ?? this.pricedModel(model), spent)
        if (reservation) {
          const actual = budget!.usd !== undefined ? cost : spent.promptTokens + spent.completionTokens
          await this.options.budgets.settle(key.account, reservation.period, reservation.id, actual)
        }
        await this.options.usage.add({
          key: key.account,
          day: dayOf(this.now()),
          model,
          requests: 1,
          hits: 0,
          promptTokens: spent.promptTokens,
          completionTokens: spent.completionTokens,
          cachedTokens: spent.cachedTokens ?? 0,
          cacheWriteTokens: spent.cacheWriteTokens ?? 0,
          reasoningTokens: spent.reasoningTokens ?? 0,
          costUsd: cost,
          savedUsd: 0,
        })
      },
    }
  }

  /** A cache hit: counted in the key's usage as a request answered for free, with what it saved. */
  async recordHit(key: ClientKey, model: string, saved: Spent | undefined) {
    await this.options.usage.add({
      key: key.account,
      day: dayOf(this.now()),
      model,
      requests: 1,
      hits: 1,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      savedUsd: saved ? costOf(this.options.prices, this.pricedModel(model), saved) : 0,
    })
  }

  /** The most `call` may cost, in the budget's unit. */
  private amountOf(key: ClientKey, { model, estimate, usd }: Call): number {
    const budget = key.budget!
    if (budget.tokens !== undefined) return estimate.promptTokens + estimate.completionTokens
    if (usd !== undefined) return usd
    const priced = this.pricedModel(model)
    const price = this.options.prices.of(priced, estimate.promptTokens)
    if (!price) {
      const upstream = priced === model ? '' : ` (its upstream's '${priced}')`
      throw badRequest(
        `The model '${model}'${upstream} has no price in this proxy, and this key has a dollar budget: ask the operator to add it to MODEL_PRICES.`,
        'model',
        'model_not_priced'
      )
    }
    // The reservation must not fall short of the bill: the whole prompt may be written to the provider's
    // prompt cache, where that costs more than input (Anthropic's).
    const written = (price.cache_write ?? 0) > price.input ? estimate.promptTokens : 0
    return costOf(this.options.prices, priced, { ...estimate, cacheWriteTokens: written })
  }

  /**
   * Says what the request could cost and what is left, not "used up": a request refused at 55% spent was
   * refused for its own size (a long prompt, a large max_tokens), and the person can act on that.
   */
  private overBudget(key: ClientKey, held: { spent: number; reserved: number }, amount: number, renewsAt: number | undefined) {
    const budget = key.budget!
    const amount$ = (n: number) => (budget.usd !== undefined ? formatUsd(n) : `${Math.round(n)} tokens`)
    const limit = budget.usd ?? budget.tokens!
    const per = budget.per === 'total' ? 'in total' : `per ${budget.per}`
    const settled = held.spent
    const left = Math.max(0, limit - held.spent - held.reserved)
    const running = held.reserved > 0 ? `, ${amount$(held.reserved)} held by requests running now` : ''
    const renewal = renewsAt === undefined ? 'It does not renew.' : `It renews at ${new Date(renewsAt).toISOString()}.`
    const advice = settled >= limit ? '' : ' A shorter prompt or a lower max_tokens may fit.'
    return insufficientQuota(
      `This request could cost up to ${amount$(amount)}, more than this key's budget has left: ${amount$(left)} of ${amount$(limit)} ${per} (${amount$(settled)} spent${running}).${advice} ${renewal}`,
      renewsAt === undefined ? undefined : Math.max(1, Math.ceil((renewsAt - this.now()) / 1000))
    )
  }
}

/** Dollars as a person reads them: cents from $1 up, three significant digits below. */
export function formatUsd(n: number): string {
  if (n === 0) return '$0'
  if (n >= 1) return `$${n.toFixed(2)}`
  const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(n))))
  return `$${n.toFixed(digits).replace(/(\.\d{2,}?)0+$/, '$1')}`
}
