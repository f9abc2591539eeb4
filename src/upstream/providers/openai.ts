import { API_GROUPS } from '../../openai/endpoints'
import { clampCoolDown, retryAfterMs } from '../cool-down'
import { bearerKey, classifier, pathBelow } from './shared'
import type { ListedModel, Provider } from './types'

// OpenAI, and every upstream that serves OpenAI's whole API (DESIGN §1.8): paths below base_url as they are,
// the key as a Bearer token. A 429 rests the key for as long as `retry-after`, `retry-after-ms` or
// `x-ratelimit-reset-requests|tokens` say; a 401, a 403 or a 429 `insufficient_quota` (no money left) refuse
// the key itself; a 5xx is the upstream's trouble, not the key's.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 }

/** OpenAI's Go-style durations (`6m0s`, `20ms`, `1s`, `1h2m3.5s`); undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000 // bare seconds
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0)
}

export function coolDownMs(headers: Headers, now = Date.now()): number {
  const waits = [retryAfterMs(headers.get('retry-after'), now)]
  const afterMs = headers.get('retry-after-ms')
  if (afterMs && Number.isFinite(Number(afterMs))) waits.push(Number(afterMs))
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const value = headers.get(name)
    if (value) waits.push(parseDuration(value))
  }
  return clampCoolDown(waits)
}

/** A 401, a 403 or a 429 `insufficient_quota` (no money left) refuses the key; any other 429 rests it. */
export const classify = classifier(new Set([401, 403, 429]), (status, text) => (status === 429 && !/"insufficient_quota"/.test(text) ? 'cool' : 'disable'))

/** `{"object": "list", "data": [{"id": …, "created": …, "owned_by": …}]}`: the entries that have an id. */
export function listedModels(json: unknown): ListedModel[] | undefined {
  const data = (json as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) return undefined
  return data.filter((m): m is ListedModel => !!m && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string')
}

export const openai: Provider = {
  kind: 'openai',
  // Every group of OpenAI's API; `messages` is in that list as a group a key may `allow`, but it is Anthropic's.
  speaks: new Set(API_GROUPS.filter((group) => group !== 'messages')),
  url: pathBelow,
  authHeaders: bearerKey,
  classify,
  coolDownMs,
  modelsPath: '/models',
  listedModels,
}
