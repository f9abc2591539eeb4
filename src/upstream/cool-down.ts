// How long a rate-limited key rests, whatever its provider (DESIGN §1.4): the longest wait the answer's
// headers name, clamped to 1–60 s, and 5 s when none says. Which headers name a wait, and in what form, is the
// provider's to know (upstream/providers/); `retry-after` is HTTP's own, so every provider reads it here.

const MIN_MS = 1_000
const MAX_MS = 60_000
const DEFAULT_MS = 5_000

/** A `retry-after` value (seconds or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined
  const seconds = Number(value.trim())
  if (value.trim() !== '' && Number.isFinite(seconds)) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : date - now
}

/** The longest of the waits the headers named (undefined: a header that was absent or unreadable), clamped. */
export function clampCoolDown(waits: ReadonlyArray<number | undefined>): number {
  const known = waits.filter((ms): ms is number => ms !== undefined && Number.isFinite(ms))
  if (known.length === 0) return DEFAULT_MS
  return Math.min(MAX_MS, Math.max(MIN_MS, Math.max(...known)))
}
