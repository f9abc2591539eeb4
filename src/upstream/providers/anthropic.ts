import { clampCoolDown, retryAfterMs } from '../cool-down'
import { classifier, pathBelow } from './shared'
import type { ListedModel, Provider, Speakable, Verdict } from './types'

// Anthropic's Messages API and the endpoints that copy it (DESIGN §1.8): Anthropic itself, DeepSeek's and
// Moonshot's Anthropic-compatible endpoints. base_url holds the version (`https://api.anthropic.com/v1`), so
// the paths below it are `/messages`, `/messages/count_tokens` and `/models`, as for the other providers. The
// key goes in `x-api-key`; every request names an API version, the client's own when it sent one (Claude
// Code and the SDKs do), else the one this adapter was written against. The client's `anthropic-beta`
// reaches the upstream through the ordinary header hygiene (upstream/headers.ts), as its other headers do.
//
// Speaks: `messages` and `models` only. Chat Completions and Responses reach these upstreams translated to
// Messages; the pass-through groups never do.

const SPEAKS: ReadonlySet<Speakable> = new Set<Speakable>(['messages', 'models'])

/** The version every Messages request must name; the one Anthropic's own examples still send. */
export const DEFAULT_VERSION = '2023-06-01'

/**
 * Anthropic's "Your credit balance is too low to access the Anthropic API" comes as a 400
 * `invalid_request_error`, like a malformed request: only its words say the account has no money left.
 */
const NO_CREDIT = /credit balance is too low/i

/** The statuses whose body or status decides the verdict; the rest is the request's own answer, unread. */
const READ = new Set([400, 401, 402, 403, 429])

/**
 * 401 and 403 refuse the key (`authentication_error`, `permission_error`), as do a 402 (DeepSeek's
 * "Insufficient Balance", which its Anthropic endpoint shares with its OpenAI one) and a 400 that says the
 * credit balance is too low. A 429 (`rate_limit_error`) rests the key for the model. 529
 * (`overloaded_error`: Anthropic's capacity, not the account's) and every 5xx send the request to the next
 * upstream.
 */
export const classify = classifier(READ, verdictOf)

function verdictOf(status: number, text: string): Verdict {
  if (status === 429) return 'cool'
  if (status === 400) return NO_CREDIT.test(text) ? 'disable' : 'answer'
  return 'disable'
}

/** The limits Anthropic reports, each with `-limit`, `-remaining` and `-reset` headers. */
const LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens']

/**
 * `retry-after` when the answer has one: it is when a retry may succeed. Without it, the
 * `anthropic-ratelimit-*-reset` timestamps (RFC 3339) of the limits that are spent (`-remaining: 0`), or of all
 * of them when none says so; a reset is when a limit is whole again, later than a retry may succeed, so it is
 * only the fallback. Clamped like every provider's (upstream/cool-down.ts).
 */
export function coolDownMs(headers: Headers, now = Date.now()): number {
  const retry = retryAfterMs(headers.get('retry-after'), now)
  if (retry !== undefined) return clampCoolDown([retry])
  const spent = LIMITS.filter((limit) => headers.get(`anthropic-ratelimit-${limit}-remaining`)?.trim() === '0')
  return clampCoolDown((spent.length > 0 ? spent : LIMITS).map((limit) => resetMs(headers.get(`anthropic-ratelimit-${limit}-reset`), now)))
}

/** An RFC 3339 timestamp as milliseconds from `now`; undefined when absent or unreadable. */
export function resetMs(value: string | null, now: number): number | undefined {
  if (!value || !/^\d{4}-\d\d-\d\dT/.test(value.trim())) return undefined
  const at = Date.parse(value.trim())
  return Number.isNaN(at) ? undefined : at - now
}

/**
 * Anthropic's listing, `{"data": [{"type": "model", "id", "display_name", "created_at"}], "has_more", …}`, in
 * OpenAI's shape, which GET /v1/models answers: `created` in Unix seconds from the RFC 3339 `created_at`.
 */
export function listedModels(json: unknown): ListedModel[] | undefined {
  const data = (json as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) return undefined
  return data
    .filter((m): m is { id: string; created_at?: unknown } => !!m && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string')
    .map((m) => ({ id: m.id, object: 'model', created: createdOf(m.created_at), owned_by: 'anthropic' }))
}

function createdOf(value: unknown): number {
  const at = typeof value === 'string' ? Date.parse(value) : NaN
  return Number.isNaN(at) ? 0 : Math.floor(at / 1000)
}

export const anthropic: Provider = {
  kind: 'anthropic',
  speaks: SPEAKS,
  url: pathBelow,
  authHeaders: (key, client) => ({ 'x-api-key': key, 'anthropic-version': client.get('anthropic-version')?.trim() || DEFAULT_VERSION }),
  classify,
  coolDownMs,
  // Anthropic lists 20 models a page unless asked for more; one page of up to 1000 holds them all.
  modelsPath: '/models?limit=1000',
  listedModels,
}
