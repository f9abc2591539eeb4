import { useState } from 'preact/hooks'
import { useLang, type Translate } from '../ui/i18n'
import { ErrorNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { age, answerText, storedJson, type EntrySummaryView, type EntryView } from './cache-text'

// One cached answer in the console's list: its question, model, group, age and hits; "View" reads the stored
// answer as text, "Delete" removes it after an in-page confirmation. Question and answer came from strangers'
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
        </div>
      )}
    </li>
  )
}
