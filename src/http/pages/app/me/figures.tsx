import type { Translate } from '../ui/connect'
import { useLang } from '../ui/i18n'
import { DayChart } from './day-chart'
import { int, usd } from './format'
import type { Figures, Usage } from './types'

// Today and the last 30 days side by side, then the 30 days as a chart and, for exact figures (and for a
// screen reader, which the chart leaves out), day by day in a table.

const rows = (t: Translate): Array<[string, (f: Figures) => string, 'sub'?]> => [
  [t('Requests', '请求数'), (f) => int(f.requests)],
  [t('Cache hits', '缓存命中'), (f) => int(f.hits)],
  [t('Prompt tokens', '输入 token'), (f) => int(f.prompt_tokens)],
  [t('of them from the provider’s prompt cache', '其中来自服务商提示缓存'), (f) => int(f.cached_tokens), 'sub'],
  [t('Completion tokens', '输出 token'), (f) => int(f.completion_tokens)],
  [t('of them reasoning', '其中推理'), (f) => int(f.reasoning_tokens), 'sub'],
  [t('Cost', '花费'), (f) => usd(f.cost_usd)],
  [t('Saved by the cache', '缓存节省'), (f) => usd(f.saved_usd)],
]

export function UsageFigures({ usage }: { usage: Usage }) {
  const { t } = useLang()
  const last = usage.last_30_days
  const today = t('Today', '今天')
  const last30 = t('Last 30 days', '近 30 天')
  return (
    <section class="card" id="usage">
      <h2>{t('Usage', '用量')}</h2>
      <p class="muted">{t(`Days are UTC days: today is ${usage.today.date}.`, `按 UTC 日期计：今天是 ${usage.today.date}。`)}</p>
      <table class="figures" aria-label={t('Today and the last 30 days', '今天与近 30 天')}>
        <thead>
          <tr>
            <th scope="col">
              <span class="visually-hidden">{t('Figure', '项目')}</span>
            </th>
            <th scope="col" class="num">
              {today}
            </th>
            <th scope="col" class="num">
              {last30}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows(t).map(([label, value, sub]) => (
            <tr key={label}>
              <th scope="row" class={sub}>
                {label}
              </th>
              <td class="num">{value(usage.today)}</td>
              <td class="num">{value(last)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('Per day, last 30 days', '近 30 天每日')}</h3>
      <DayChart from={last.from} to={last.to} days={last.days} />
      <details>
        <summary>{t('Day by day', '逐日明细')}</summary>
        {last.days.length === 0 ? (
          <p class="muted">{t('No use in the last 30 days.', '近 30 天没有使用。')}</p>
        ) : (
          <table class="stack" aria-label={t('Day by day', '逐日明细')}>
            <thead>
              <tr>
                <th scope="col">{t('Day (UTC)', '日期（UTC）')}</th>
                <th scope="col" class="num">{t('Requests', '请求数')}</th>
                <th scope="col" class="num">{t('Cache hits', '缓存命中')}</th>
                <th scope="col" class="num">{t('Tokens', 'Token 数')}</th>
                <th scope="col" class="num">{t('Cost', '花费')}</th>
              </tr>
            </thead>
            <tbody>
              {[...last.days].reverse().map((day) => (
                <tr key={day.date}>
                  <td data-label={t('Day (UTC)', '日期（UTC）')}>{day.date}</td>
                  <td class="num" data-label={t('Requests', '请求数')}>{int(day.requests)}</td>
                  <td class="num" data-label={t('Cache hits', '缓存命中')}>{int(day.hits)}</td>
                  <td class="num" data-label={t('Tokens', 'Token 数')}>{int(day.prompt_tokens + day.completion_tokens)}</td>
                  <td class="num" data-label={t('Cost', '花费')}>{usd(day.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </section>
  )
}
