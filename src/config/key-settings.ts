import { API_GROUPS } from '../openai/endpoints'
import { cidrProblem } from './cidr'
import { globProblem } from './glob'

// The settings of a named proxy key (DESIGN §1.2 `keys:`), checked the same way whether they come from the
// config file or from the admin API: snake_case as written there, every problem named, no key quoted.

export type BudgetPeriod = 'day' | 'week' | 'month' | 'total'
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total']

export interface BudgetSetting {
  usd?: number
  tokens?: number
  per: BudgetPeriod
}

/** A key's settings as written (absent fields take the proxy's defaults). */
export interface KeySettings {
  rate_limit?: number
  max_output_tokens?: number
  budget?: BudgetSetting
  models?: string[]
  allow?: string[]
  cache?: string
  expires?: string
  ips?: string[]
}

export interface KeyConfig {
  name: string
  key: string
  settings: KeySettings
}

export const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/
const CACHE_GROUP = /^[A-Za-z0-9_-]{1,64}$/
/** A key shorter than this is too easy to guess; the admin API makes 43-character ones. */
export const MIN_KEY_LENGTH = 16
export const SETTING_FIELDS = ['rate_limit', 'max_output_tokens', 'budget', 'models', 'allow', 'cache', 'expires', 'ips'] as const

/** The `allow` words: OpenAI's API groups, and `all` (paths outside the API too, for providers with extras). */
export const ALLOW_WORDS: readonly string[] = [...API_GROUPS, 'all']

/**
 * Checks the settings fields of `raw` (other fields are the caller's), pushing problems prefixed by
 * `label`; returns the settings when there were none.
 */
export function readKeySettings(raw: Record<string, unknown>, label: string, problems: string[]): KeySettings | undefined {
  const before = problems.length
  const settings: KeySettings = {}
  const wholeNumber = (field: 'rate_limit' | 'max_output_tokens') => {
    const value = raw[field]
    if (value === undefined || value === null) return
    if (!Number.isInteger(value) || (value as number) < 0) problems.push(`${label}: ${field} must be a whole number, 0 or more (0 = no limit)`)
    else settings[field] = value as number
  }
  wholeNumber('rate_limit')
  wholeNumber('max_output_tokens')

  if (raw.budget !== undefined && raw.budget !== null) {
    const budget = raw.budget as Record<string, unknown>
    const fields = budget && typeof budget === 'object' && !Array.isArray(budget) ? Object.keys(budget) : undefined
    const usd = budget?.usd
    const tokens = budget?.tokens
    if (!fields || fields.some((f) => !['usd', 'tokens', 'per'].includes(f)) || (usd === undefined) === (tokens === undefined)) {
      problems.push(`${label}: budget must be { usd: N, per: … } or { tokens: N, per: … }`)
    } else if (usd !== undefined && !(typeof usd === 'number' && usd > 0 && Number.isFinite(usd))) {
      problems.push(`${label}: budget.usd must be a number above 0`)
    } else if (tokens !== undefined && !(Number.isInteger(tokens) && (tokens as number) > 0)) {
      problems.push(`${label}: budget.tokens must be a whole number above 0`)
    } else if (!BUDGET_PERIODS.includes(budget.per as BudgetPeriod)) {
      problems.push(`${label}: budget.per must be one of ${BUDGET_PERIODS.join(', ')}`)
    } else {
      settings.budget = { ...(usd !== undefined ? { usd: usd as number } : { tokens: tokens as number }), per: budget.per as BudgetPeriod }
    }
  }

  const list = (field: 'models' | 'allow' | 'ips', check: (item: unknown) => string | undefined) => {
    const value = raw[field]
    if (value === undefined || value === null) return
    if (!Array.isArray(value) || value.length === 0) return void problems.push(`${label}: ${field} must be a non-empty list`)
    const found = value.map(check).filter(Boolean)
    if (found.length > 0) for (const problem of found) problems.push(`${label}: ${field}: ${problem}`)
    else settings[field] = value.map((item) => String(item).trim())
  }
  list('models', globProblem)
  list('allow', (word) => (typeof word === 'string' && ALLOW_WORDS.includes(word) ? undefined : `${JSON.stringify(word)} is not one of ${ALLOW_WORDS.join(', ')}`))
  list('ips', cidrProblem)

  if (raw.cache !== undefined && raw.cache !== null) {
    if (typeof raw.cache !== 'string' || !CACHE_GROUP.test(raw.cache)) problems.push(`${label}: cache must be private, shared or a group name (letters, digits, - and _)`)
    else settings.cache = raw.cache
  }

  if (raw.expires !== undefined && raw.expires !== null) {
    const expires = parseExpiry(raw.expires)
    if (expires === undefined) problems.push(`${label}: expires must be a date like 2027-01-01 or a time like 2027-01-01T12:00:00Z (UTC)`)
    else settings.expires = expires
  }
  return problems.length > before ? undefined : settings
}

/**
 * `2027-01-01` is the start of that UTC day; a time without a zone (`2027-01-01T12:00`, or YAML's
 * `2027-01-01 12:00:00`) is UTC whatever the host's zone. A day that does not exist (02-30) is refused
 * rather than rolled over. Returns an ISO string.
 */
export function parseExpiry(value: unknown): string | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined
  const text = value instanceof Date ? value.toISOString() : value.trim()
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match
  const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${zone.toUpperCase()}`)
  if (Number.isNaN(ms)) return undefined
  // Date.parse rolls 2027-02-30 over to March: the calendar day must survive the round trip.
  const utc = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (utc.getUTCFullYear() !== Number(year) || utc.getUTCMonth() + 1 !== Number(month) || utc.getUTCDate() !== Number(day)) return undefined
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined
  return new Date(ms).toISOString()
}
