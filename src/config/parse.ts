// The value parsers of the settings table. Each is pure: one variable's text in, a value or a problem sentence out.
// Sentences may quote what was set; keys are read with `text` and `list`, which never fail, so none quotes a key.

export type Parsed<T> = { value: T } | { problem: string }

export interface Parser<T> {
  /** `raw` is the text as set (never blank); `name` is the variable that held it, for the problem sentence. */
  parse(raw: string, name: string): Parsed<T>
  /** How `--help` writes a value; `String(value)` when absent. */
  show?(value: T): string
}

export type ModelPrices = Record<
  string,
  { input: number; output: number; cached_input?: number; cache_write?: number; image_input?: number; audio_input?: number; image_output?: number }
>

/** The prices an entry of MODEL_PRICES may set besides `input` and `output`. */
const OPTIONAL_PRICES = ['cached_input', 'cache_write', 'image_input', 'audio_input', 'image_output'] as const

const ok = <T>(value: T): Parsed<T> => ({ value })
const problem = (sentence: string): Parsed<never> => ({ problem: sentence })

export const text: Parser<string> = { parse: (raw) => ok(raw.trim()) }

/** Taken as written, spaces included; shown quoted so a trailing space stays visible. */
export const verbatim: Parser<string> = { parse: (raw) => ok(raw), show: (value) => JSON.stringify(value) }

export function int(min = 0, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return {
    parse(raw, name) {
      const value = Number(raw.trim())
      if (Number.isInteger(value) && value >= min && value <= max) return ok(value)
      return problem(`${name}="${raw}" must be a whole number from ${min} to ${max}`)
    },
  }
}

/** A number above 0 and at most 1, such as a cosine similarity. */
export const fraction: Parser<number> = {
  parse(raw, name) {
    const value = Number(raw.trim())
    if (Number.isFinite(value) && value > 0 && value <= 1) return ok(value)
    return problem(`${name}="${raw}" must be a number above 0 and at most 1`)
  },
}

/** A probability strictly between 0 and 1, such as an error bound. */
export const probability: Parser<number> = {
  parse(raw, name) {
    const value = Number(raw.trim())
    if (Number.isFinite(value) && value > 0 && value < 1) return ok(value)
    return problem(`${name}="${raw}" must be a number above 0 and below 1, e.g. 0.02`)
  },
}

export const bool: Parser<boolean> = {
  parse(raw, name) {
    const value = raw.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(value)) return ok(true)
    if (['false', '0', 'no', 'off'].includes(value)) return ok(false)
    return problem(`${name}="${raw}" must be true or false`)
  },
}

/** Case-insensitive; the value comes back in the lower case the list is written in. */
export function oneOf<const V extends string>(values: readonly V[]): Parser<V> {
  const choices = values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)}` : String(values[0])
  return {
    parse(raw, name) {
      const value = raw.trim().toLowerCase()
      const found = values.find((choice) => choice === value)
      return found === undefined ? problem(`${name}="${value}" must be ${choices}`) : ok(found)
    },
  }
}

/** An http(s) URL without its trailing slashes, so paths can be appended to it. */
export const httpUrl: Parser<string> = {
  parse(raw, name) {
    const trimmed = raw.trim()
    try {
      const parsed = new URL(trimmed)
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return ok(trimmed.replace(/\/+$/, ''))
    } catch {}
    return problem(`${name}="${trimmed}" must be an http(s) URL, like https://api.openai.com/v1`)
  },
}

/** redis:// or rediss://, with an optional password and database index; a bad one is never quoted (it may hold a password). */
export const redisUrl: Parser<string> = {
  parse(raw, name) {
    const trimmed = raw.trim()
    try {
      const parsed = new URL(trimmed)
      const db = parsed.pathname.replace(/^\//, '')
      if ((parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname && (db === '' || /^\d+$/.test(db))) return ok(trimmed)
    } catch {}
    return problem(`${name} must be a URL like redis://:password@host:6379/0 or rediss://… (the value is not shown: it may hold a password)`)
  },
  show: () => 'set',
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 }

/** Bytes, or a number with k/kb, m/mb or g/gb (powers of 1024). */
export function parseSize(raw: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? '']
  if (!match || unit === undefined) return undefined
  return Math.floor(Number(match[1]) * unit)
}

export function showSize(bytes: number): string {
  for (const [unit, factor] of [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`
  }
  return String(bytes)
}

export function size(min: number): Parser<number> {
  return {
    parse(raw, name) {
      const bytes = parseSize(raw)
      if (bytes !== undefined && bytes >= min) return ok(bytes)
      return problem(`${name}="${raw}" must be a size of at least ${showSize(min)}, like 16mb or 16777216`)
    },
    show: showSize,
  }
}

const DURATION_UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A lifetime as `30d`, `12h`, `90m`, `3600s` or a bare number of seconds; the value is in milliseconds. */
export function duration(minMs: number): Parser<number> {
  return {
    parse(raw, name) {
      const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(raw)
      const ms = match ? Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]! : NaN
      if (Number.isSafeInteger(ms) && ms >= minMs) return ok(ms)
      return problem(`${name}="${raw}" must be a duration of at least ${showDuration(minMs)}, like 30d, 12h, 90m, 3600s or 3600 (seconds)`)
    },
    show: showDuration,
  }
}

/** The largest unit that writes `ms` exactly: 30d, 36h, 90m, 45s. */
export function showDuration(ms: number): string {
  for (const [unit, factor] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (ms % factor === 0) return `${ms / factor}${unit}`
  return `${ms / 1000}s`
}

const items = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

/** Comma-separated, each item trimmed, empty items dropped. */
export const list: Parser<string[]> = { parse: (raw) => ok(items(raw)), show: (values) => values.join(',') }

/** A list of origins, or `'*'` for any: `*` anywhere in the list, or a list with nothing in it. */
export const origins: Parser<'*' | string[]> = {
  parse(raw) {
    const values = items(raw)
    return ok(values.length === 0 || values.includes('*') ? '*' : values)
  },
  show: (value) => (value === '*' ? value : value.join(',')),
}

/**
 * JSON `{"model":{"input":USD,"output":USD}}`, USD per million tokens; `cached_input`, `cache_write`,
 * `image_input`, `audio_input`, `image_output` optional. Any other field is refused: a misspelt
 * `cached_input` would otherwise price cached tokens at the input price without a word.
 */
export const prices: Parser<ModelPrices> = {
  parse(raw, name) {
    try {
      const parsed = JSON.parse(raw)
      const valid =
        parsed &&
        typeof parsed === 'object' &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every(
          (p: any) =>
            p &&
            typeof p === 'object' &&
            [p.input, p.output].every((usd) => typeof usd === 'number' && usd >= 0) &&
            OPTIONAL_PRICES.every((field) => p[field] === undefined || (typeof p[field] === 'number' && p[field] >= 0)) &&
            Object.keys(p).every((field) => field === 'input' || field === 'output' || (OPTIONAL_PRICES as readonly string[]).includes(field))
        )
      if (valid) return ok(parsed as ModelPrices)
    } catch {}
    return problem(
      `${name} must be JSON like {"gpt-4o-mini":{"input":0.15,"cached_input":0.075,"output":0.6}} (USD per million tokens; cached_input, cache_write, image_input, audio_input, image_output optional)`
    )
  },
}
