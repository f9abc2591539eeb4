import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../ui/api'
import { useLang } from '../ui/i18n'
import { ErrorNotice, StatusNotice } from '../ui/notice'
import { useAdmin } from './admin'
import { CacheEntry } from './cache-entry'
import type { EntrySummaryView } from './cache-text'
import { fetchStats } from './public-stats'

// The console's Cache section (DESIGN §1.10): search the cached questions (by words and model), read an entry,
// delete a wrong one, purge one model's entries — each a call of the cache admin API (/admin/cache/entries).

const PAGE = 20

interface Query {
  q: string
  model: string
}

interface EntryList {
  object: 'list'
  total: number
  data: EntrySummaryView[]
}

const pathOf = ({ q, model }: Query, offset: number) => {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) })
  if (q) params.set('q', q)
  if (model) params.set('model', model)
  return `/admin/cache/entries?${params}`
}

export function CacheSection() {
  const { t } = useLang()
  const admin = useAdmin()
  const [words, setWords] = useState('')
  const [query, setQuery] = useState<Query>({ q: '', model: '' })
  const [entries, setEntries] = useState<EntrySummaryView[]>([])
  const [total, setTotal] = useState(0)
  const [loaded, setLoaded] = useState(false)
  const [off, setOff] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [status, setStatus] = useState('')
  const [models, setModels] = useState<string[]>([])
  const [purging, setPurging] = useState(false)

  const known = (more: string[]) => setModels((had) => [...new Set([...had, ...more])].sort())

  const load = async (next: Query, offset: number) => {
    setBusy(true)
    setError('')
    try {
      const page = await admin.call<EntryList>(pathOf(next, offset))
      setEntries((had) => (offset ? [...had, ...page.data] : page.data))
      setTotal(page.total)
      setQuery(next)
      setLoaded(true)
      known(page.data.map((entry) => entry.model))
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setOff(true)
      else setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  useEffect(() => {
    void load(query, 0)
    // The models asked for so far, for the model choice before any of their entries is listed.
    fetchStats()
      .then((stats) => known(Object.keys(stats.requests.byModel).filter((model) => model !== 'other')))
      // Without them the choice offers the models of the entries listed, which is enough to purge one.
      .catch(() => {})
  }, [])

  const search = (event: Event) => {
    event.preventDefault()
    setStatus('')
    void load({ ...query, q: words.trim() }, 0)
  }
  const chooseModel = (model: string) => {
    setPurging(false)
    setStatus('')
    void load({ q: words.trim(), model }, 0)
  }
  const deleted = (id: number) => {
    setEntries((had) => had.filter((entry) => entry.id !== id))
    setTotal((n) => Math.max(0, n - 1))
    setStatus(t('The entry was deleted: the next identical question goes to the model.', '条目已删除：下次相同的问题会发给模型。'))
  }
  const purge = async () => {
    setBusy(true)
    setError('')
    try {
      const { deleted: count } = await admin.call<{ deleted: number }>(`/admin/cache/entries?${new URLSearchParams({ model: query.model })}`, { method: 'DELETE' })
      setStatus(t(`Purged ${count} entries of ${query.model}.`, `已清除 ${query.model} 的 ${count} 条缓存。`))
      setPurging(false)
      await load(query, 0)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" id="cache">
      <h2>{t('Cache', '缓存')}</h2>
      {off ? (
        <StatusNotice>{t('The cache is off (CACHE_ALLOWED=false): there is nothing to search.', '缓存已关闭（CACHE_ALLOWED=false）：没有可搜索的内容。')}</StatusNotice>
      ) : (
        <>
          <form class="row cache-search" role="search" onSubmit={search}>
            <label>
              {t('Search', '搜索')}
              <input type="search" value={words} placeholder={t('words of the question', '问题中的文字')} onInput={(e) => setWords(e.currentTarget.value)} />
            </label>
            <label>
              {t('Model', '模型')}
              <select value={query.model} onChange={(e) => chooseModel(e.currentTarget.value)}>
                <option value="">{t('All models', '全部模型')}</option>
                {[...new Set([...models, ...(query.model ? [query.model] : [])])].map((model) => (
                  <option value={model}>{model}</option>
                ))}
              </select>
            </label>
            <button type="submit" class="primary" disabled={busy}>
              {t('Search', '搜索')}
            </button>
          </form>
          <div class="row purge">
            {!query.model ? (
              <span class="muted">{t('Choose a model above to purge all its entries.', '在上方选择一个模型，即可清除它的全部条目。')}</span>
            ) : purging ? (
              <>
                <span>{t(`Delete every cached answer of ${query.model}?`, `删除 ${query.model} 的全部缓存答案？`)}</span>
                <button type="button" class="danger" disabled={busy} onClick={purge}>
                  {t('Yes, purge', '确认清除')}
                </button>
                <button type="button" onClick={() => setPurging(false)}>
                  {t('Cancel', '取消')}
                </button>
              </>
            ) : (
              <button type="button" class="danger" onClick={() => setPurging(true)}>
                {t(`Purge ${query.model}`, `清除 ${query.model}`)}
              </button>
            )}
          </div>
          <ErrorNotice>{error}</ErrorNotice>
          {status && <StatusNotice>{status}</StatusNotice>}
          {loaded && (
            <p class="muted">
              {total === 0
                ? t('No entries match.', '没有匹配的条目。')
                : t(`${entries.length} of ${total} entries, newest first`, `共 ${total} 条，显示 ${entries.length} 条，最新的在前`)}
            </p>
          )}
          <ul class="cache-entries">
            {entries.map((entry) => (
              <CacheEntry key={entry.id} entry={entry} onDeleted={deleted} />
            ))}
          </ul>
          {entries.length < total && (
            <button type="button" disabled={busy} onClick={() => load(query, entries.length)}>
              {t('More', '更多')}
            </button>
          )}
        </>
      )}
    </section>
  )
}
