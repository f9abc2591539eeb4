// How long a rate-limited key rests: what the upstream says in `retry-after` (seconds or an HTTP date),
// `retry-after-ms`, or OpenAI's `x-ratelimit-reset-requests|tokens` durations (`6m0s`, `20ms`, `1s`,
// `1h2m3.5s`); the longest of those given, clamped to 1–60 s; 5 s when none says.

const MIN_MS = 1_000
const MAX_MS = 60_000
const DEFAULT_MS = 5_000

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 }

/** OpenAI's Go-style durations; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000 // bare seconds
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0)
}

function retryAfter(value: string, now: number): number | undefined {
  const seconds = Number(value.trim())
  if (value.trim() !== '' && Number.isFinite(seconds)) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : date - now
}

export function coolDownMs(headers: Headers, now = Date.now()): number {
  const candidates: Array<number | undefined> = []
  const after = headers.get('retry-after')
  if (after) candidates.push(retryAfter(after, now))
  const afterMs = headers.get('retry-after-ms')
  if (afterMs && Number.isFinite(Number(afterMs))) candidates.push(Number(afterMs))
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const value = headers.get(name)
    if (value) candidates.push(parseDuration(value))
  }
  const known = candidates.filter((ms): ms is number => ms !== undefined && Number.isFinite(ms))
  if (known.length === 0) return DEFAULT_MS
  return Math.min(MAX_MS, Math.max(MIN_MS, Math.max(...known)))
}
