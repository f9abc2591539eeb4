import { useEffect, useMemo, useState } from 'preact/hooks'
import { useLang, type Translate } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { UsageChart, seriesColor } from './usage-chart'
import { METRICS, formatAmount, grandTotal, seriesByModel, totalsByModel, type Metric, type UsageHistory } from './usage-series'

// A key's usage over the last 30 days by model (DESIGN §1.10): a chart of one metric, and the per-model totals
// as a table for whoever cannot read the chart (and for screen readers). The keys section shows it for the key
// the owner opens.

const DAYS = 30

const metricName = (t: Translate, metric: Metric) =>
  metric === 'requests'
    ? t('Requests', '请求数')
    : metric === 'tokens'
      ? t('Tokens (prompt + completion)', 'Token（提示 + 补全）')
      : metric === 'cost'
        ? t('Cost (USD)', '费用（美元）')
        : t('Saved (USD)', '节省（美元）')

export function KeyUsage({ name }: { name: string }) {
  const { t, lang } = useLang()
  const admin = useAdmin()
  const [history, setHistory] = useState<UsageHistory | null>(null)
  const [error, setError] = useState('')
  const [metric, setMetric] = useState<Metric>('requests')
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US'

  useEffect(() => {
    let current = true
    setHistory(null)
    setError('')
    admin
      .call<UsageHistory>(`/admin/keys/${encodeURIComponent(name)}/usage?days=${DAYS}`)
      .then((answer) => current && setHistory(answer))
      .catch((e: Error) => current && setError(e.message))
    // An answer for a key the owner has since left is dropped.
    return () => void (current = false)
  }, [name])

  const series = useMemo(() => history && seriesByModel(history, metric), [history, metric])
  const totals = useMemo(() => (series && history ? totalsByModel(history.data.filter((row) => series.days.includes(row.date))) : []), [history, series])
  const colorOf = (model: string) => seriesColor(series?.models.indexOf(model) ?? 0)
  const days = series?.days ?? []
  const span = days.length ? `${days[0]} – ${days.at(-1)} (UTC)` : ''
  const amount = (value: number, m: Metric) => formatAmount(value, m, locale)

  return (
    <div class="key-usage">
      <h3>{t(`Usage of ${name}, last 30 days`, `${name} 近 30 天用量`)}</h3>
      <ErrorNotice>{error}</ErrorNotice>
      {!history && !error && <p class="muted">{t('Loading…', '加载中…')}</p>}
      {series && (
        <>
          <div class="row">
            <label>
              {t('Metric', '指标')}
              <select value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
                {METRICS.map((m) => (
                  <option value={m}>{metricName(t, m)}</option>
                ))}
              </select>
            </label>
            <span class="muted">{span}</span>
          </div>
          {series.models.length ? (
            <>
              <UsageChart
                series={series}
                metric={metric}
                locale={locale}
                label={t(`${metricName(t, metric)} per day by model, ${span}; the table below lists each model's totals.`, `${span}每天各模型的${metricName(t, metric)}；下表列出每个模型的合计。`)}
              />
              <p class="muted" aria-live="polite">
                {t(`${metricName(t, metric)}, total over ${DAYS} days: `, `${DAYS} 天${metricName(t, metric)}合计：`)}
                {amount(grandTotal(series.values), metric)}
              </p>
            </>
          ) : (
            <p class="muted">{t(`No requests in the last ${DAYS} days.`, `近 ${DAYS} 天没有请求。`)}</p>
          )}
          {totals.length > 0 && (
            <table class="stack usage-totals">
              <caption>{t('Totals by model', '各模型合计')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('Model', '模型')}</th>
                  <th scope="col" class="num">{t('Requests', '请求数')}</th>
                  <th scope="col" class="num">{t('Cache hits', '缓存命中')}</th>
                  <th scope="col" class="num">{t('Tokens', 'Token')}</th>
                  <th scope="col" class="num">{t('Cost (USD)', '费用（美元）')}</th>
                  <th scope="col" class="num">{t('Saved (USD)', '节省（美元）')}</th>
                </tr>
              </thead>
              <tbody>
                {totals.map((row) => (
                  <tr key={row.model}>
                    <td data-label={t('Model', '模型')}>
                      <span>
                        <span class="swatch" aria-hidden="true" style={{ background: colorOf(row.model) }} />
                        {row.model}
                      </span>
                    </td>
                    <td class="num" data-label={t('Requests', '请求数')}>{amount(row.requests, 'requests')}</td>
                    <td class="num" data-label={t('Cache hits', '缓存命中')}>{amount(row.hits, 'requests')}</td>
                    <td class="num" data-label={t('Tokens', 'Token')}>{amount(row.tokens, 'tokens')}</td>
                    <td class="num" data-label={t('Cost (USD)', '费用（美元）')}>{amount(row.cost_usd, 'cost')}</td>
                    <td class="num" data-label={t('Saved (USD)', '节省（美元）')}>{amount(row.saved_usd, 'saved')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  )
}
