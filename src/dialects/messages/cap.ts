import type { JsonObject } from '../../openai/validate'
import { MIN_THINKING_BUDGET } from './validate'

// Thinking and the output cap (DESIGN §1.8). Anthropic counts thinking inside `max_tokens` and refuses a
// budget that is not below it, so a cap that lowers `max_tokens` to the budget or under would turn a valid
// request into a refused one. The budget is lowered to `max_tokens − 1` instead; where that is under
// Anthropic's minimum, thinking is turned off (`{type: 'disabled'}`, which every upstream and translation
// reads as no thinking). Claude Code asks for 32,000 tokens with a 31,999 budget: any cap under 32,000
// meets this.

/**
 * Run after the cap lowered `max_tokens`: makes `thinking` agree with it. A note for `x-output-cap` when it
 * changed anything: `thinking-budget=<n>` or `thinking=off`.
 */
export function thinkingUnderCap(body: JsonObject): string | undefined {
  const thinking = body.thinking as JsonObject | undefined
  const max = body.max_tokens
  if (thinking?.type !== 'enabled' || typeof max !== 'number' || typeof thinking.budget_tokens !== 'number') return undefined
  if (thinking.budget_tokens < max) return undefined
  const budget = max - 1
  if (budget < MIN_THINKING_BUDGET) {
    body.thinking = { type: 'disabled' }
    return 'thinking=off'
  }
  body.thinking = { ...thinking, budget_tokens: budget }
  return `thinking-budget=${budget}`
}
