import type { StatsSnapshot } from '../../../stats/snapshot'
import { drawChart } from './chart'
import { $, set } from './dom'
import { num, type Words } from './format'
import type { Failure } from './load'
import { renderEndpoints, renderModels, renderProviderCache, renderUpstreams } from './tables'
import { isTextKey } from './text'

/** What the page shows, held by main.ts: the words of its language and the last answer of /stats. */
export interface View {
  words: Words
  statsUrl: string
  /** The last good /stats answer, and when it arrived. */
  last: StatsSnapshot | null
  lastAt: Date | null
  /** The last load's failure, or null when it succeeded. */
  error: Failure | null
}

/** The words of the HTML itself (`data-i18n`), the title and the language buttons; then the figures again. */
export function applyLanguage(view: View) {
  const w = view.words
  document.documentElement.lang = w.lang === 'zh' ? 'zh-CN' : 'en'
  document.title = 'proxy-gpt · ' + w.t('title')
  for (const node of document.querySelectorAll('[data-i18n]')) {
    const key = node.getAttribute('data-i18n') ?? ''
    node.textContent = isTextKey(key) ? w.t(key) : key
  }
  for (const button of document.querySelectorAll<HTMLElement>('.lang button')) button.setAttribute('aria-pressed', String(button.dataset.lang === w.lang))
  render(view)
}

export function render(view: View) {
  renderStatus(view)
  const { words: w, last: s, lastAt } = view
  if (!s) return
  const { cache, upstream: up, savings } = s
  const { hits } = cache
  const latency = up.latencyMs

  set('version', 'v' + (s.version || '?'))
  renderReplicas(w, s.replicas)
  set('uptime', w.duration(s.uptimeSeconds))
  set('started', w.t('started', { date: w.date(s.startedAt) }))
  set('requests-total', w.int(s.requests.total))
  set('since', w.t('since', { date: w.date(s.since) }))

  set('hit-rate', w.pct(cache.hitRate))
  set('exact-rate', w.pct(cache.exactRate))
  set('semantic-rate', w.pct(cache.semanticRate))
  $('split-exact').style.width = Math.min(100, num(cache.exactRate) * 100) + '%'
  $('split-sem').style.width = Math.min(100, num(cache.semanticRate) * 100) + '%'
  set('cache-state', cache.enabled ? w.t('cacheOn') : w.t('cacheOff'))

  set('tokens-saved', w.int(savings.totalTokens))
  set('usd-saved', w.t('usdSaved', { usd: w.usd(savings.usd) }))

  set('rate-limited', w.int(s.rateLimited))
  $('rate-limited-card').classList.toggle('alert', num(s.rateLimited) > 0)
  set('over-budget', w.int(s.overBudget))
  set('upstream-errors', w.int(up.errors))
  $('upstream-errors-card').classList.toggle('bad', num(up.errors) > 0)
  set('upstream-note', num(up.requests) ? w.t('upstreamNote', { rate: w.pct(up.errorRate), n: w.int(up.requests) }) : w.t('noUpstream'))
  set('p50', w.ms(latency.p50))
  set('p90', w.ms(latency.p90))
  set('p99', w.ms(latency.p99))

  set('hits-exact', w.int(hits.exact))
  set('hits-semantic', w.int(hits.semantic))
  renderJudged(w, cache)
  set('misses', w.int(cache.misses))
  set('bypass', w.int(cache.bypass))
  set('entries', w.int(cache.entries))
  set('upstream-requests', w.int(up.requests))

  renderEndpoints(w, s)
  renderModels(w, s)
  renderUpstreams(w, s)
  renderProviderCache(w, s)
  drawChart(w, s)
  set('footer-since', w.t('footerSince', { date: w.date(s.since) }))
  set('updated', lastAt ? w.t('updated', { time: w.clockSeconds(lastAt) }) : '')
}

function renderStatus({ words: w, last, lastAt, error, statsUrl }: View) {
  document.body.dataset.state = error ? 'error' : last ? 'ready' : 'loading'
  document.body.classList.toggle('stale', !!(error && last))
  set('live-text', error ? w.t('offline') : last && lastAt ? w.t('live', { time: w.clock(lastAt) }) : w.t('loading'))
  const box = $('error')
  box.hidden = !error
  if (error) {
    const reason = 'key' in error ? w.t(error.key) : error.text
    let detail = w.t('errorDetail', { url: statsUrl, reason })
    if (lastAt) detail += ' ' + w.t('errorStale', { time: w.clockSeconds(lastAt) })
    set('error-detail', detail)
  }
}

/** Wrong hits told (DESIGN §1.11). No semantic hits yet: no rate to speak of, rather than a reassuring 0%. */
function renderJudged(w: Words, cache: StatsSnapshot['cache']) {
  // Optional: behind a load balancer the page may come from a newer replica than the figures.
  const judged: Partial<StatsSnapshot['cache']['judged']> = cache.judged ?? {}
  set('judged-refuted', w.int(judged.refuted))
  set('judged-confirmed', w.int(judged.confirmed))
  set('judged-removed', w.int(judged.removed))
  set('wrong-hit-rate', num(cache.hits.semantic) > 0 ? w.pct(judged.wrongHitRate) : '—')
}

/** One process, or replicas sharing Redis: how many were heard from in the last minute (null: Redis away). */
function renderReplicas(w: Words, replicas: StatsSnapshot['replicas'] | undefined) {
  const badge = $('replicas')
  badge.hidden = !replicas || typeof replicas !== 'object'
  if (!replicas || badge.hidden) return
  const shared = replicas.mode === 'shared'
  const away = shared && typeof replicas.seen !== 'number'
  const key = !shared ? 'replicasAlone' : away ? 'replicasAway' : replicas.seen === 1 ? 'replicasSharedOne' : 'replicasShared'
  set('replicas', w.t(key, { n: w.int(replicas.seen) }))
  badge.title = w.t(!shared ? 'replicasAloneTitle' : away ? 'replicasAwayTitle' : 'replicasSharedTitle')
  badge.dataset.mode = away ? 'away' : shared ? 'shared' : 'alone'
  badge.classList.toggle('warn', away)
}
