import type { ApiGroup } from '../../../../openai/endpoints'

// The key form's state and the admin API's key settings (DESIGN §1.2), both ways: what a form asks the API
// to make, and which fields an edit changes (null: back to the proxy's default). The form never checks a
// value itself: whatever the owner typed goes to the API, whose refusal names the field and is shown as it
// is, so the console cannot drift from what the proxy accepts. Pure, with the clock passed in.

export type BudgetUnit = 'usd' | 'tokens'
export type BudgetPeriod = 'day' | 'week' | 'month' | 'total'
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total']
export type AllowWord = ApiGroup | 'all'
export type CacheChoice = 'private' | 'shared' | 'group'
export type ExpiryChoice = 'never' | '1d' | '7d' | '30d' | '90d' | 'date'

/**
 * A key as GET /admin/keys lists it. Mirrors config/key-settings.ts and limits/usage-report.ts, which
 * browser code cannot import (they pull in node:net); test/unit/pages checks that the two still agree.
 */
export interface KeySettingsView {
  rate_limit?: number
  max_output_tokens?: number
  budget?: { usd?: number; tokens?: number; per: BudgetPeriod }
  models?: string[]
  allow?: string[]
  cache?: string
  expires?: string
  ips?: string[]
}

export interface UsageFiguresView {
  requests: number
  hits: number
  prompt_tokens: number
  completion_tokens: number
  cost_usd: number
  saved_usd: number
}

export interface KeyUsageView {
  budget: { usd?: number; tokens?: number; per: BudgetPeriod } | null
  period: { id: string; start: string; renews_at: string | null } | null
  spent: number
  reserved: number
  remaining: number | null
  last_used: string | null
  today: UsageFiguresView
  this_month: UsageFiguresView
}

export interface KeyView extends KeySettingsView {
  name: string
  source: 'file' | 'admin'
  read_only: boolean
  usage: KeyUsageView
}

/**
 * Every `allow` word the proxy accepts (the Record makes the compiler insist on each ApiGroup), named for
 * people. No name holds "models": the "Models" field must stay the one control a label finds by that word.
 */
export const ALLOW_GROUPS: Readonly<Record<AllowWord, readonly [en: string, zh: string]>> = {
  chat: ['Chat', '对话'],
  completions: ['Completions (legacy)', '文本补全（旧版）'],
  embeddings: ['Embeddings', '向量嵌入'],
  models: ['Model list', '型号列表'],
  responses: ['Responses', 'Responses 接口'],
  messages: ['Messages (Anthropic)', 'Messages（Anthropic）'],
  files: ['Files', '文件'],
  uploads: ['Uploads', '上传'],
  batches: ['Batches', '批处理'],
  images: ['Images', '图像'],
  audio: ['Audio', '音频'],
  videos: ['Videos', '视频'],
  moderations: ['Moderations', '内容审核'],
  fine_tuning: ['Fine-tuning', '微调'],
  evals: ['Evals', '评测'],
  vector_stores: ['Vector stores', '向量库'],
  assistants: ['Assistants', '助手'],
  threads: ['Threads', '会话线程'],
  containers: ['Containers', '容器'],
  realtime: ['Realtime', '实时'],
  all: ['Any path, even outside the API (all)', '任意路径，包括 API 之外（all）'],
}
export const ALLOW_WORDS = Object.keys(ALLOW_GROUPS) as AllowWord[]
/** A key without `allow` may use the model groups (auth/key-ring.ts). */
export const DEFAULT_ALLOW: readonly AllowWord[] = ['chat', 'completions', 'embeddings', 'models', 'responses', 'messages']

export const EXPIRY_CHOICES: ReadonlyArray<readonly [ExpiryChoice, en: string, zh: string]> = [
  ['never', 'never', '永不过期'],
  ['1d', 'in 1 day', '1 天后'],
  ['7d', 'in 7 days', '7 天后'],
  ['30d', 'in 30 days', '30 天后'],
  ['90d', 'in 90 days', '90 天后'],
  ['date', 'on a date…', '指定日期…'],
]

/** Everything the key form holds, as typed: text stays text until it goes to the API. */
export interface KeyForm {
  name: string
  /** The owner's own key value; empty: the proxy makes one. Only when making a key. */
  key: string
  rateLimit: string
  maxOutputTokens: string
  budgetAmount: string
  budgetUnit: BudgetUnit
  budgetPer: BudgetPeriod
  models: string
  allow: AllowWord[]
  cache: CacheChoice
  cacheGroup: string
  expires: ExpiryChoice
  /** YYYY-MM-DD (UTC) when `expires` is 'date'. */
  expiresOn: string
  ips: string
}

type SettingField = keyof KeySettingsView
const SETTING_FIELDS: readonly SettingField[] = ['rate_limit', 'max_output_tokens', 'budget', 'models', 'allow', 'cache', 'expires', 'ips']

export function emptyForm(): KeyForm {
  return {
    name: '',
    key: '',
    rateLimit: '',
    maxOutputTokens: '',
    budgetAmount: '',
    budgetUnit: 'usd',
    budgetPer: 'month',
    models: '',
    allow: [...DEFAULT_ALLOW],
    cache: 'private',
    cacheGroup: '',
    expires: 'never',
    expiresOn: '',
    ips: '',
  }
}

/** The form of an existing key, for its Edit. */
export function formOf(key: KeySettingsView & { name: string }): KeyForm {
  const form = emptyForm()
  const cache = key.cache ?? 'private'
  return {
    ...form,
    name: key.name,
    rateLimit: key.rate_limit === undefined ? '' : String(key.rate_limit),
    maxOutputTokens: key.max_output_tokens === undefined ? '' : String(key.max_output_tokens),
    budgetAmount: key.budget ? String(key.budget.usd ?? key.budget.tokens ?? '') : '',
    budgetUnit: key.budget?.tokens !== undefined ? 'tokens' : 'usd',
    budgetPer: key.budget?.per ?? form.budgetPer,
    models: (key.models ?? []).join(', '),
    allow: key.allow ? ALLOW_WORDS.filter((word) => key.allow!.includes(word)) : form.allow,
    cache: cache === 'private' || cache === 'shared' ? cache : 'group',
    cacheGroup: cache === 'private' || cache === 'shared' ? '' : cache,
    expires: key.expires ? 'date' : 'never',
    expiresOn: key.expires ? key.expires.slice(0, 10) : '',
    ips: (key.ips ?? []).join(', '),
  }
}

/** A number when the text is one; other text as it is, for the API to refuse naming the field. */
function numberOf(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const n = Number(trimmed)
  return Number.isFinite(n) ? n : trimmed
}

/** Patterns or ranges separated by commas or new lines (IP ranges: spaces too). */
function listOf(text: string, separators: RegExp): string[] | undefined {
  const items = text.split(separators).map((item) => item.trim()).filter(Boolean)
  return items.length ? items : undefined
}

const sameWords = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((word) => b.includes(word))

/** When a key made now with this choice stops working: an ISO time, a UTC day, or undefined for never. */
export function expiryOf(choice: ExpiryChoice, on: string, now: number): string | undefined {
  if (choice === 'never') return undefined
  // A chosen date left empty goes to the API as it is: refused with a reason, rather than read as "never".
  if (choice === 'date') return on.trim()
  return new Date(now + Number.parseInt(choice, 10) * 86_400_000).toISOString()
}

/** Each setting the form sets (undefined: the proxy's default). */
export function settingsOf(form: KeyForm, now: number): { [F in SettingField]: unknown } {
  const amount = numberOf(form.budgetAmount)
  return {
    rate_limit: numberOf(form.rateLimit),
    max_output_tokens: numberOf(form.maxOutputTokens),
    budget: amount === undefined ? undefined : { [form.budgetUnit]: amount, per: form.budgetPer },
    models: listOf(form.models, /[,\n]+/),
    // The default groups are left unset, so a key keeps following the proxy's default.
    allow: sameWords(form.allow, DEFAULT_ALLOW) ? undefined : ALLOW_WORDS.filter((word) => form.allow.includes(word)),
    cache: form.cache === 'private' ? undefined : form.cache === 'shared' ? 'shared' : form.cacheGroup.trim(),
    expires: expiryOf(form.expires, form.expiresOn, now),
    ips: listOf(form.ips, /[,\s]+/),
  }
}

/** The body of POST /admin/keys: the name, the own key when given, and the settings that are set. */
export function createBody(form: KeyForm, now: number): Record<string, unknown> {
  const body: Record<string, unknown> = { name: form.name.trim() }
  if (form.key.trim()) body.key = form.key.trim()
  for (const [field, value] of Object.entries(settingsOf(form, now))) if (value !== undefined) body[field] = value
  return body
}

/**
 * The body of PATCH /admin/keys/{name}: only the settings whose value the edit changed, null for one
 * cleared. A field left alone is not sent, so what the form cannot show exactly (an expiry at 12:00) stays.
 */
export function changesOf(before: KeyForm, after: KeyForm, now: number): Record<string, unknown> {
  const old = settingsOf(before, now)
  const next = settingsOf(after, now)
  const changes: Record<string, unknown> = {}
  for (const field of SETTING_FIELDS) {
    if (JSON.stringify(old[field]) !== JSON.stringify(next[field])) changes[field] = next[field] ?? null
  }
  return changes
}
