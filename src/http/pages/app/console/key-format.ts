import type { KeyUsageView, KeyView } from './key-settings'

// What the key list says about a key, in words: its limits in one line, its budget as spent / limit with what
// is left and when it renews. Pure (the language's translate function is passed in), so it is unit-tested.

export type Translate = (en: string, zh: string) => string

/** Dollars with the precision small amounts need: a chat request costs fractions of a cent. */
export function usd(n: number): string {
  if (n === 0) return '$0'
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`
  if (Math.abs(n) >= 0.01) return `$${n.toFixed(4).replace(/0+$/, '')}`
  return `$${Number(n.toPrecision(2))}`
}

export const count = (n: number) => n.toLocaleString('en-US')

/** A UTC time as `2027-01-01` (midnight) or `2027-01-01 12:30 UTC`. */
export function utcTime(iso: string): string {
  const time = iso.slice(11, 16)
  return !time || time === '00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time} UTC`
}

const PERIODS = { day: ['per day', '每天'], week: ['per week', '每周'], month: ['per month', '每月'], total: ['in total', '总计'] } as const

export interface BudgetLine {
  /** "$0.0012 of $5.00 per month" */
  text: string
  /** Spent of the limit, 0 to 1, for the bar. */
  share: number
  /** "$4.99 left · renews 2025-08-01" */
  detail: string
}

/** The budget in words; null for a key without one. */
export function budgetLine(usage: KeyUsageView, t: Translate): BudgetLine | null {
  const budget = usage.budget
  if (!budget) return null
  const inUsd = budget.usd !== undefined
  const limit = budget.usd ?? budget.tokens ?? 0
  const amount = (n: number) => (inUsd ? usd(n) : `${count(n)} ${t('tokens', 'token')}`)
  const [en, zh] = PERIODS[budget.per]
  const renews = usage.period?.renews_at ? t(`renews ${utcTime(usage.period.renews_at)}`, `${utcTime(usage.period.renews_at)} 重置`) : t('never renews', '不会重置')
  const parts = [t(`${amount(usage.remaining ?? 0)} left`, `剩余 ${amount(usage.remaining ?? 0)}`)]
  if (usage.reserved > 0) parts.push(t(`${amount(usage.reserved)} reserved`, `预留 ${amount(usage.reserved)}`))
  parts.push(renews)
  return {
    text: t(`${amount(usage.spent)} of ${amount(limit)} ${en}`, `已用 ${amount(usage.spent)} / ${amount(limit)}（${zh}）`),
    share: limit > 0 ? Math.min(1, Math.max(0, usage.spent / limit)) : 1,
    detail: parts.join(' · '),
  }
}

/** The key's limits in short phrases; a setting left to the proxy's default is not mentioned. */
export function limitsOf(key: KeyView, t: Translate): string[] {
  const out: string[] = []
  if (key.rate_limit !== undefined) out.push(key.rate_limit === 0 ? t('no rate limit', '不限速率') : t(`${key.rate_limit} requests/min`, `每分钟 ${key.rate_limit} 次`))
  if (key.max_output_tokens !== undefined) {
    out.push(key.max_output_tokens === 0 ? t('no output cap', '不限输出') : t(`≤ ${count(key.max_output_tokens)} output tokens`, `输出 ≤ ${count(key.max_output_tokens)} token`))
  }
  if (key.models) out.push(t(`models: ${key.models.join(', ')}`, `模型：${key.models.join(', ')}`))
  if (key.allow) out.push(t(`endpoints: ${key.allow.join(', ')}`, `接口：${key.allow.join(', ')}`))
  if (key.cache && key.cache !== 'private') out.push(t(`cache: ${key.cache}`, `缓存：${key.cache}`))
  if (key.expires) out.push(t(`expires ${utcTime(key.expires)}`, `${utcTime(key.expires)} 过期`))
  if (key.ips) out.push(t(`IPs: ${key.ips.join(', ')}`, `IP：${key.ips.join(', ')}`))
  return out
}

/** "3 requests · $0.0012" */
export function figuresText(figures: { requests: number; cost_usd: number }, t: Translate): string {
  return `${t(`${count(figures.requests)} ${figures.requests === 1 ? 'request' : 'requests'}`, `${count(figures.requests)} 次请求`)} · ${usd(figures.cost_usd)}`
}
