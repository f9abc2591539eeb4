import { useState } from 'preact/hooks'
import { useLang, type Translate } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { age, answerText, storedJson, type EntrySummaryView, type EntryView } from './cache-text'

// One cached answer in the console's list: its question, model, group, age and hits; "View" reads the stored
// answer as text with its judgements, "Delete" removes it after an in-page confirmation, and in the view
// "Wrong answer" / "Right answer" judge it through POST /v1/cache/feedback (DESIGN §1.11: the owner's wrong
// removes the entry and counts as a refutation). Question and answer came from strangers'
// requests and a model's output: they go into text nodes only, never parsed as HTML (DESIGN §1.10).

function ago(t: Translate, iso: string): string {
  const [n, unit] = age(iso, Date.now())
  if (unit === 's') return t(`${n} s ago`, `${n} 秒前`)
  if (unit === 'min') return t(`${n} min ago`, `${n} 分钟前`)
  if (unit === 'h') return t(`${n} h ago`, `${n} 小时前`)
  return t(`${n} d ago`, `${n} 天前`)
}

const groupName = (t: Translate, group: string) => (group === 'shared' ? t('shared', '共享') : group)

export function CacheEntry({ entry, onDeleted }: { entry: EntrySummaryView; onDeleted(id: number): void }) {
  const { t } = useLang()
  const admin = useAdmin()
  const [view, setView] = useState<EntryView | null>(null)
  const [open, setOpen] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  const toggleView = async () => {
    if (open) return setOpen(false)
    setError('')
    try {
      // Fetched each time it opens: the hit count moves, and the entry may be gone since the list was read.
      setView(await admin.call<EntryView>(`/admin/cache/entries/${entry.id}`))
      setOpen(true)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const remove = async () => {
    setBusy(true)
    setError('')
    try {
      await admin.call(`/admin/cache/entries/${entry.id}`, { method: 'DELETE' })
      onDeleted(entry.id)
    } catch (e) {
      setError((e as Error).message)
      setConfirming(false)
    } finally {
      setBusy(false)
    }
  }

  const judge = async (verdict: 'wrong' | 'right') => {
    setBusy(true)
    setError('')
    try {
      const judged = await admin.call<{ action: string }>('/v1/cache/feedback', { method: 'POST', body: { entry: String(entry.id), verdict } })
      if (judged.action === 'removed') return onDeleted(entry.id)
      setView(await admin.call<EntryView>(`/admin/cache/entries/${entry.id}`))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const text = view && answerText(view.answer)
  return (
    <li class="cache-entry">
      <p class="question">{entry.prompt ?? <span class="muted">{t('(no question text kept: this entry is matched exactly only)', '（未保存问题文本：此条目只做精确匹配）')}</span>}</p>
      <p class="muted">
        {entry.model} · {entry.endpoint} · {t('group', '分组')} {groupName(t, entry.group)} · {ago(t, entry.createdAt)}
        {entry.hits > 0 && ` · ${t(entry.hits === 1 ? '1 hit' : `${entry.hits} hits`, `命中 ${entry.hits} 次`)}`}
      </p>
      <div class="row">
        <button type="button" aria-expanded={open} onClick={toggleView}>
          {open ? t('Hide', '收起') : t('View', '查看')}
        </button>
        {confirming ? (
          <>
            <span>{t('Delete this answer from the cache?', '从缓存中删除这条答案？')}</span>
            <button type="button" class="danger" disabled={busy} onClick={remove}>
              {t('Yes, delete', '确认删除')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('Cancel', '取消')}
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {t('Delete', '删除')}
          </button>
        )}
      </div>
      <ErrorNotice>{error}</ErrorNotice>
      {open && view && (
        <div class="entry-view">
          <h4>{t('Question', '问题')}</h4>
          <pre>{view.prompt ?? t('(not kept)', '（未保存）')}</pre>
          <h4>{text === null ? t('Answer (stored JSON)', '答案（保存的 JSON）') : t('Answer', '答案')}</h4>
          <pre>{text ?? storedJson(view.answer.body)}</pre>
          <Judgements view={view} />
          <div class="row">
            <button type="button" class="danger" disabled={busy} onClick={() => judge('wrong')}>
              {t('Wrong answer', '答案错误')}
            </button>
            <button type="button" disabled={busy} onClick={() => judge('right')}>
              {t('Right answer', '答案正确')}
            </button>
          </div>
        </div>
      )}
    </li>
  )
}

/** The entry's judgements and the estimate behind its last semantic hit, as text. */
function Judgements({ view }: { view: EntryView }) {
  const { t } = useLang()
  const labels = view.labels ?? []
  const last = view.last_semantic_hit
  const source = (s: string) => (s === 'refresh' ? t('asked again with the skip word', '用跳过词重新提问') : s === 'feedback' ? t('feedback', '反馈') : t('owner', '所有者'))
  return (
    <>
      <h4>{t('Judgements', '评判')}</h4>
      {labels.length === 0 ? (
        <p class="muted">{t('None yet.', '暂无。')}</p>
      ) : (
        <ul class="labels">
          {labels.map((label, i) => (
            <li key={i}>
              {label.verdict === 'wrong' ? t('wrong', '错误') : t('right', '正确')}
              {label.similarity !== null && ` · ${t('similarity', '相似度')} ${label.similarity.toFixed(3)}`} · {source(label.source)} · {label.at.replace('T', ' ').slice(0, 19)} UTC
            </li>
          ))}
        </ul>
      )}
      {last && (
        <p class="muted">
          {t('Last semantic hit', '最近一次语义命中')}: {t('similarity', '相似度')} {last.similarity.toFixed(3)}, {t('threshold', '阈值')} {last.threshold.toFixed(3)}
          {last.wrong_rate !== undefined && `, ${t('estimated wrong', '估计出错概率')} ${(last.wrong_rate * 100).toFixed(2)}%`}
          {last.evidence && ` (${t('labels', '标签')}: ${last.evidence.own} / ${last.evidence.partition} / ${last.evidence.cache})`}
        </p>
      )}
    </>
  )
}
