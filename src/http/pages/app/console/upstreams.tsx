import { useEffect, useState } from 'preact/hooks'
import { useLang, type Translate } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { fetchStats, type StatsSnapshot } from './public-stats'

// The console's Upstreams section (DESIGN §1.10): each upstream with its provider, model patterns and start-up
// check, its keys by fingerprint (never a character of a key) with their health — cooling per model (providers
// limit per model, so the key still serves the others), disabled and why — and the upstream's own prompt cache
// hit rate per model. All of it is GET /stats, the status page's figures.

type Upstream = StatsSnapshot['upstreams'][number]
type Key = Upstream['keys'][number]
type ProviderCacheRow = StatsSnapshot['providerCache'][number]

const clock = (iso: string, locale: string) => new Date(iso).toLocaleTimeString(locale, { hour12: false })

function checkText(t: Translate, check: NonNullable<Upstream['check']>): string {
  if (check.result === 'ok') return t(`start-up check: ok (${check.detail})`, `启动检查：正常（${check.detail}）`)
  if (check.result === 'key_refused') return t(`start-up check: key refused — ${check.detail}`, `启动检查：密钥被拒绝 — ${check.detail}`)
  if (check.result === 'unreachable') return t(`start-up check: unreachable — ${check.detail}`, `启动检查：无法连接 — ${check.detail}`)
  return t(`start-up check: ${check.detail}`, `启动检查：${check.detail}`)
}

function KeyState({ item, locale }: { item: Key; locale: string }) {
  const { t } = useLang()
  if (item.disabled) {
    const at = clock(item.disabled.recheckAt, locale)
    return <span class="badge bad">{t(`disabled: ${item.disabled.reason} (recheck ${at})`, `已停用：${item.disabled.reason}（${at} 重新检查）`)}</span>
  }
  if (!item.cooling.length) return <span class="badge ok">{t('healthy', '正常')}</span>
  return (
    <span class="states">
      {item.cooling.map(({ model, until }) => {
        const name = model || t('calls naming no model', '不指定模型的调用')
        const at = clock(until, locale)
        return <span class="badge warn">{t(`cooling for ${name} until ${at}`, `${name} 冷却到 ${at}`)}</span>
      })}
    </span>
  )
}

function ProviderCache({ rows, locale }: { rows: ProviderCacheRow[]; locale: string }) {
  const { t } = useLang()
  const pct = (rate: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate)
  const int = (n: number) => new Intl.NumberFormat(locale).format(n)
  if (!rows.length) return <p class="muted">{t('Provider prompt cache: no usage reported yet.', '上游提示词缓存：尚无用量报告。')}</p>
  return (
    <table class="stack">
      <caption>{t('Provider prompt cache (of the prompt tokens it reported, the share read from its cache)', '上游提示词缓存（其报告的提示词 token 中由缓存读取的比例）')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('Model', '模型')}</th>
          <th scope="col" class="num">{t('Prompt tokens', '提示词 token')}</th>
          <th scope="col" class="num">{t('Cached tokens', '缓存 token')}</th>
          <th scope="col" class="num">{t('Hit rate', '命中率')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.model}>
            <td data-label={t('Model', '模型')}>{row.model}</td>
            <td class="num" data-label={t('Prompt tokens', '提示词 token')}>{int(row.promptTokens)}</td>
            <td class="num" data-label={t('Cached tokens', '缓存 token')}>{int(row.cachedTokens)}</td>
            <td class="num" data-label={t('Hit rate', '命中率')}>{pct(row.hitRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function UpstreamCard({ upstream, cache, locale }: { upstream: Upstream; cache: ProviderCacheRow[]; locale: string }) {
  const { t } = useLang()
  const int = (n: number) => new Intl.NumberFormat(locale).format(n)
  const check = upstream.check
  return (
    <div class="upstream">
      <h3>{upstream.name}</h3>
      <p class="row">
        {upstream.provider && <span class="badge">{upstream.provider}</span>}
        {upstream.models && <span>{t(`models: ${upstream.models.join(', ')}`, `模型：${upstream.models.join('，')}`)}</span>}
      </p>
      {check && <p class={check.result === 'ok' ? 'muted' : 'notice error'}>{checkText(t, check)}</p>}
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">{t('Key (fingerprint)', '密钥（指纹）')}</th>
            <th scope="col">{t('State', '状态')}</th>
            <th scope="col" class="num">{t('Requests', '请求数')}</th>
            <th scope="col" class="num">{t('Errors', '错误')}</th>
            <th scope="col" class="num">{t('429s', '429 次数')}</th>
          </tr>
        </thead>
        <tbody>
          {upstream.keys.map((item) => (
            <tr key={item.fingerprint}>
              <td data-label={t('Key (fingerprint)', '密钥（指纹）')}>
                <code>{item.fingerprint}</code>
              </td>
              <td data-label={t('State', '状态')}>
                <KeyState item={item} locale={locale} />
              </td>
              <td class="num" data-label={t('Requests', '请求数')}>{int(item.requests)}</td>
              <td class="num" data-label={t('Errors', '错误')}>{int(item.errors)}</td>
              <td class="num" data-label={t('429s', '429 次数')}>{int(item.rateLimited)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProviderCache rows={cache} locale={locale} />
    </div>
  )
}

export function UpstreamsSection() {
  const { t, lang } = useLang()
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US'
  const [stats, setStats] = useState<StatsSnapshot | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [at, setAt] = useState<Date | null>(null)

  const refresh = async () => {
    setBusy(true)
    setError('')
    try {
      setStats(await fetchStats())
      setAt(new Date())
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  useEffect(() => void refresh(), [])

  const upstreams = stats?.upstreams ?? []
  return (
    <section class="card" id="upstreams">
      <h2>{t('Upstreams', '上游')}</h2>
      <div class="row">
        <button type="button" disabled={busy} onClick={refresh}>
          {t('Refresh', '刷新')}
        </button>
        <span class="muted">
          {t('Keys by fingerprint (a short hash), never their characters.', '密钥以指纹（短哈希）表示，从不显示其字符。')}
          {at && ` ${t(`Updated ${at.toLocaleTimeString(locale, { hour12: false })}.`, `更新于 ${at.toLocaleTimeString(locale, { hour12: false })}。`)}`}
        </span>
      </div>
      <ErrorNotice>{error}</ErrorNotice>
      {stats && !upstreams.length && <p class="muted">{t('No upstreams.', '没有上游。')}</p>}
      {upstreams.map((upstream) => (
        <UpstreamCard key={upstream.name} upstream={upstream} cache={(stats?.providerCache ?? []).filter((row) => row.upstream === upstream.name)} locale={locale} />
      ))}
    </section>
  )
}
