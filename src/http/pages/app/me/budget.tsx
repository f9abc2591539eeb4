import { useLang } from '../ui/i18n'
import { budgetText, inUnit, int, usd, utcTime } from './format'
import type { Usage } from './types'

// The key's name, its budget for the current period (spent, reserved, remaining as a bar, renewal) and its
// rate limit: what GET /v1/usage says, shown as text.

export function BudgetCard({ usage }: { usage: Usage }) {
  const { t } = useLang()
  const { budget, period, rate_limit: rate } = usage
  const limit = budget ? (budget.usd ?? budget.tokens ?? 0) : 0
  const share = budget && limit > 0 ? Math.min(1, (usage.spent + usage.reserved) / limit) : 0
  return (
    <section class="card" id="budget">
      <h2>{t('Budget', '预算')}</h2>
      <dl class="facts">
        <dt>{t('Key name', '密钥名称')}</dt>
        <dd>{usage.key ?? t('(a PROXY_KEY key, no name)', '（PROXY_KEY 密钥，无名称）')}</dd>
        <dt>{t('Budget', '预算')}</dt>
        <dd>{budget ? budgetText(budget, t) : t('No budget', '无预算')}</dd>
        {budget && (
          <>
            <dt>{t('Spent', '已用')}</dt>
            <dd>{inUnit(budget, usage.spent, t)}</dd>
            <dt>{t('Reserved', '预留中')}</dt>
            <dd>
              {inUnit(budget, usage.reserved, t)} <span class="muted">{t('(requests still running)', '（仍在进行的请求）')}</span>
            </dd>
            <dt>{t('Remaining', '剩余')}</dt>
            <dd>
              {inUnit(budget, usage.remaining ?? 0, t)}
              <div
                class={share >= 1 ? 'bar full' : 'bar'}
                role="meter"
                aria-label={t('Budget used', '预算已用')}
                aria-valuemin={0}
                aria-valuemax={limit}
                aria-valuenow={Math.min(limit, usage.spent + usage.reserved)}
                aria-valuetext={`${Math.round(share * 100)}%`}
              >
                <span style={{ width: `${share * 100}%` }} />
              </div>
            </dd>
            <dt>{t('Renews', '重置时间')}</dt>
            <dd>{period?.renews_at ? utcTime(period.renews_at) : t('Never (a total budget)', '不重置（总预算）')}</dd>
          </>
        )}
        <dt>{t('Rate limit', '速率限制')}</dt>
        <dd>
          {rate
            ? t(`${int(rate.limit)} requests per minute, ${int(rate.remaining)} left now`, `每分钟 ${int(rate.limit)} 次请求，当前剩余 ${int(rate.remaining)} 次`)
            : t('None', '无')}
        </dd>
        {!usage.metered && (
          <>
            <dt>{t('Metering', '计量')}</dt>
            <dd>{t('Not metered: the proxy keeps no usage for this key (a PROXY_KEY key), so the figures below stay at zero.', '不计量：代理不记录此密钥（PROXY_KEY 密钥）的用量，下面的数字都为零。')}</dd>
          </>
        )}
      </dl>
      {!budget && usage.metered && (
        <p class="muted">{t(`Spent today: ${usd(usage.today.cost_usd)}.`, `今日花费：${usd(usage.today.cost_usd)}。`)}</p>
      )}
    </section>
  )
}
