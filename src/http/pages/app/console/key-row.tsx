import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { useLang } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { budgetLine, figuresText, limitsOf } from './key-format'
import type { KeyView } from './key-settings'

// One key of the list: what it may do, what it spent, and its actions. Revoke and Reset usage ask again in
// the page (a second button in place of the first), not with window.confirm, which phones and tests handle
// badly. A key of the config file is read-only: it can be reset, not edited or revoked.

export const KEY_COLUMNS = 7

type Confirming = 'revoke' | 'reset' | null

export interface KeyRowProps {
  view: KeyView
  /** The edit form or the usage chart, when open: shown in a row of its own under the key. */
  detail?: ComponentChildren
  editing: boolean
  charting: boolean
  onEdit(): void
  onChart(): void
  /** After a revoke or a reset: the list is read again. */
  onChanged(): void
}

export function KeyRow({ view, detail, editing, charting, onEdit, onChart, onChanged }: KeyRowProps) {
  const { t } = useLang()
  const admin = useAdmin()
  const [confirming, setConfirming] = useState<Confirming>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const usage = view.usage
  const budget = budgetLine(usage, t)
  const limits = limitsOf(view, t)

  const act = async (what: 'revoke' | 'reset') => {
    setBusy(true)
    setError('')
    const path = `/admin/keys/${encodeURIComponent(view.name)}`
    try {
      await admin.call(what === 'revoke' ? path : `${path}/reset`, { method: what === 'revoke' ? 'DELETE' : 'POST' })
      setConfirming(null)
      onChanged()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <tr>
        <td data-label={t('Name', '名称')}>
          <strong>{view.name}</strong>
          {view.read_only && <span class="badge">{t('config file, read-only', '配置文件，只读')}</span>}
        </td>
        <td data-label={t('Limits', '限制')}>{limits.length ? limits.join(' · ') : <span class="muted">{t('proxy defaults', '代理默认值')}</span>}</td>
        <td data-label={t('Budget', '预算')} class="budget-cell">
          {budget ? (
            <div>
              <div>{budget.text}</div>
              <div
                class={budget.share >= 1 ? 'bar full' : 'bar'}
                role="progressbar"
                aria-label={t('Spent', '已用')}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(budget.share * 100)}
              >
                <span style={{ width: `${budget.share * 100}%` }} />
              </div>
              <div class="muted">{budget.detail}</div>
            </div>
          ) : (
            <span class="muted">{t('no budget', '无预算')}</span>
          )}
        </td>
        <td data-label={t('Last used', '最近使用')}>{usage.last_used ?? <span class="muted">{t('never', '从未')}</span>}</td>
        <td data-label={t('Today', '今天')}>{figuresText(usage.today, t)}</td>
        <td data-label={t('This month', '本月')}>{figuresText(usage.this_month, t)}</td>
        <td data-label={t('Actions', '操作')}>
          <div class="row key-actions">
            {!view.read_only && (
              <button type="button" aria-expanded={editing} onClick={onEdit}>
                {t('Edit', '编辑')}
              </button>
            )}
            <button type="button" aria-expanded={charting} onClick={onChart}>
              {t('Usage chart', '用量图表')}
            </button>
            {confirming === 'reset' ? (
              <button type="button" class="danger" disabled={busy} onClick={() => act('reset')}>
                {t('Confirm reset usage', '确认重置用量')}
              </button>
            ) : (
              <button type="button" onClick={() => setConfirming('reset')}>
                {t('Reset usage', '重置用量')}
              </button>
            )}
            {!view.read_only &&
              (confirming === 'revoke' ? (
                <button type="button" class="danger" disabled={busy} onClick={() => act('revoke')}>
                  {t('Confirm revoke', '确认吊销')}
                </button>
              ) : (
                <button type="button" class="danger" onClick={() => setConfirming('revoke')}>
                  {t('Revoke', '吊销')}
                </button>
              ))}
            {confirming && (
              <button type="button" onClick={() => setConfirming(null)}>
                {t('Cancel', '取消')}
              </button>
            )}
          </div>
          <ErrorNotice>{error}</ErrorNotice>
        </td>
      </tr>
      {detail && (
        <tr class="key-detail">
          <td colSpan={KEY_COLUMNS}>{detail}</td>
        </tr>
      )}
    </>
  )
}
