import { TEXT, type Lang, type TextKey } from './text'

/** A figure as a finite number: anything else counts as 0. */
export const num = (n: unknown): number => (typeof n === 'number' && isFinite(n) ? n : 0)

export type Vars = Record<string, string | number>

/** The page's words and number formats in one language. Made again when the language changes. */
export function words(lang: Lang) {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US'

  function t(key: TextKey, vars?: Vars): string {
    const text = TEXT[lang][key] || TEXT.en[key] || key
    return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : '')) : text
  }

  function int(n: unknown): string {
    const value = num(n)
    if (Math.abs(value) >= 1e6) return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value)
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value)
  }

  const pct = (fraction: unknown) => (num(fraction) * 100).toFixed(1) + '%'

  function usd(amount: unknown): string {
    const value = num(amount)
    if (value === 0) return '$0.00'
    if (value >= 0.01) return '$' + new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)
    // Small sums keep two significant digits instead of rounding to $0.00.
    const digits = Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(value))))
    return value < 0.000001 ? '< $0.000001' : '$' + value.toFixed(digits)
  }

  function ms(value: number | null | undefined): string {
    if (typeof value !== 'number' || !isFinite(value)) return '—'
    if (value >= 1000) return (value / 1000).toFixed(value >= 10000 ? 0 : 1) + ' ' + t('sec')
    return (value < 10 ? value.toFixed(1) : Math.round(value)) + ' ' + t('ms')
  }

  function duration(totalSeconds: unknown): string {
    const seconds = Math.max(0, Math.floor(num(totalSeconds)))
    const d = Math.floor(seconds / 86400)
    const h = Math.floor((seconds % 86400) / 3600)
    const m = Math.floor((seconds % 3600) / 60)
    const s = seconds % 60
    const part = (n: number, unit: TextKey) => n + (lang === 'zh' ? ' ' : '\u202f') + t(unit)
    if (d) return part(d, 'd') + ' ' + part(h, 'h')
    if (h) return part(h, 'h') + ' ' + part(m, 'm')
    if (m) return part(m, 'm') + ' ' + part(s, 's')
    return part(s, 's')
  }

  function date(iso: string): string {
    const when = new Date(iso)
    if (isNaN(when.getTime())) return '—'
    return when.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  }

  const clock = (when: Date) => when.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false })
  const clockSeconds = (when: Date) => when.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })

  return { lang, t, int, pct, usd, ms, duration, date, clock, clockSeconds }
}

export type Words = ReturnType<typeof words>
