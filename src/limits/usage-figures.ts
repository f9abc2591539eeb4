// The figures of a key's usage as the API shows them (GET /v1/usage, the admin API): types only, so the
// console's and /me's browser code can take them without pulling in the server's modules.

export interface UsageFigures {
  requests: number
  hits: number
  /** Every input token, the provider-cached ones included (DESIGN §1.9). */
  prompt_tokens: number
  completion_tokens: number
  /** Of prompt_tokens: read from the provider's prompt cache (billed lower). */
  cached_tokens: number
  /** Of prompt_tokens: written to the provider's prompt cache (Anthropic bills them higher). */
  cache_write_tokens: number
  /** Of completion_tokens: reasoning. */
  reasoning_tokens: number
  cost_usd: number
  saved_usd: number
}

/** The usage of one day and model (the console's chart). */
export type DayModelFigures = UsageFigures & { date: string; model: string }
/** The usage of one day, every model together. */
export type DayFigures = UsageFigures & { date: string }
