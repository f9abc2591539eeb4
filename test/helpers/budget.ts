// For the budget and usage tests (DESIGN §1.3, §1.5): what a key's usage says, what a chat request is
// estimated at (the reservation it makes), and polling for what settles after a stream has ended.

import { estimateTokens } from '../../src/limits/estimate'
import { CATALOGUE_PRICES, costOf } from '../../src/openai/prices'

/** GET /v1/usage for `key`: the budget, period, spent, reserved, remaining and today. */
export async function usageOf(url: string, key: string): Promise<any> {
  const response = await fetch(`${url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })
  if (response.status !== 200) throw new Error(`GET /v1/usage answered ${response.status}: ${await response.text()}`)
  return response.json()
}

/** What one user message with this output cap reserves: the proxy's own estimate of it. */
export function chatEstimate(content: string, maxTokens: number) {
  const estimate = estimateTokens('chat', { messages: [{ role: 'user', content }], max_tokens: maxTokens })
  return { ...estimate, tokens: estimate.promptTokens + estimate.completionTokens }
}

/** What the catalogue (no MODEL_PRICES) says these tokens cost on `model`. */
export const usdOf = (model: string, promptTokens: number, completionTokens: number) => costOf(CATALOGUE_PRICES, model, { promptTokens, completionTokens })

/** What the fake upstream reports for a chat answer to `content`: 10 prompt tokens, one per answer word. */
export function fakeUsage(content: string) {
  const completion = `Echo: ${content}`.split(' ').length
  return { promptTokens: 10, completionTokens: completion, tokens: 10 + completion }
}

/** Reads until `ok` holds (settlement of a stream follows its end by a moment), or fails with the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`still not as expected after ${timeoutMs} ms: ${JSON.stringify(value)}`)
    await Bun.sleep(20)
  }
}

/** Seconds from now to the next UTC midnight / first of the month, as retry-after should say. */
export function secondsToNextDay(now = Date.now()) {
  const d = new Date(now)
  return Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now) / 1000)
}
export function secondsToNextMonth(now = Date.now()) {
  const d = new Date(now)
  return Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now) / 1000)
}

export const todayUtc = () => new Date().toISOString().slice(0, 10)
