// Token counts as upstreams report them: chat and completions (`prompt_tokens`, `completion_tokens`), the
// Responses API (`input_tokens`, `output_tokens`), embeddings (prompt only).

export interface Tokens {
  promptTokens: number
  completionTokens: number
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined)

/** The counts of a usage object, or undefined when it holds none. */
export function tokensOf(usage: unknown): Tokens | undefined {
  if (!usage || typeof usage !== 'object') return undefined
  const u = usage as Record<string, unknown>
  const prompt = count(u.prompt_tokens) ?? count(u.input_tokens)
  const completion = count(u.completion_tokens) ?? count(u.output_tokens) ?? 0
  if (prompt === undefined) return undefined
  return { promptTokens: prompt, completionTokens: completion }
}

/** The usage of a whole JSON answer (`usage`, or a Responses object's `response.usage`). */
export function tokensOfAnswer(text: string | undefined): Tokens | undefined {
  if (!text || !text.includes('"usage"')) return undefined
  try {
    const body = JSON.parse(text)
    return tokensOf(body?.usage) ?? tokensOf(body?.response?.usage)
  } catch {
    return undefined
  }
}
