import type { StatsSnapshot } from '../../../stats/snapshot'
import { el, emptyRow, tbody } from './dom'
import { num, type Words } from './format'
import { isTextKey } from './text'

// The endpoints are those /stats counts by (its byEndpoint keys, in its order); only their paths are named here.
const pathOf = (endpoint: string) => (endpoint === 'chat' ? '/v1/chat/completions' : endpoint === 'other' ? '/v1/…' : `/v1/${endpoint}`)

/** A word by a key made at run time (`ep_chat`, `check_ok`): the key itself when the page has no such word. */
const wordFor = (w: Words, key: string, vars?: Record<string, string>) => (isTextKey(key) ? w.t(key, vars) : key)

function shareCell(w: Words, fraction: number) {
  const cell = el('td', 'share')
  const bar = el('div', 'bar')
  const fill = el('span')
  fill.style.width = Math.max(0, Math.min(100, fraction * 100)) + '%'
  bar.appendChild(fill)
  cell.appendChild(bar)
  cell.title = w.pct(fraction)
  return cell
}

export function renderEndpoints(w: Words, s: StatsSnapshot) {
  const counts = s.requests.byEndpoint
  const total = num(s.requests.total) || Object.values(counts).reduce((a, b) => a + num(b), 0)
  const rows = Object.keys(counts).map((key) => {
    const tr = el('tr')
    const name = el('td', 'name', wordFor(w, `ep_${key}`))
    name.appendChild(el('span', 'path', pathOf(key)))
    tr.appendChild(name)
    tr.appendChild(el('td', 'num', w.int(counts[key])))
    tr.appendChild(shareCell(w, total ? num(counts[key]) / total : 0))
    return tr
  })
  tbody('by-endpoint').replaceChildren(...rows)
}

export function renderModels(w: Words, s: StatsSnapshot) {
  const counts = s.requests.byModel
  const saved = s.savings.byModel
  const names = [...new Set([...Object.keys(counts), ...Object.keys(saved)])]
  // Busiest first; the "other" bucket (models beyond the label limit) always last.
  names.sort((a, b) => Number(a === 'other') - Number(b === 'other') || num(counts[b]) - num(counts[a]) || a.localeCompare(b))
  const body = tbody('by-model')
  if (!names.length) return body.replaceChildren(emptyRow(w.t('none'), 4))
  body.replaceChildren(
    ...names.map((name) => {
      const tr = el('tr')
      const model = saved[name]
      tr.appendChild(el('td', 'name', name === 'other' ? w.t('otherModels') : name))
      tr.appendChild(el('td', 'num', w.int(counts[name])))
      tr.appendChild(el('td', 'num tokens', model ? w.int(model.tokens) : '0'))
      tr.appendChild(el('td', 'num', model ? w.usd(model.usd) : '$0.00'))
      return tr
    })
  )
}

type Upstream = StatsSnapshot['upstreams'][number]
type Key = Upstream['keys'][number]

function upstreamRow(w: Words, upstream: Upstream) {
  const head = el('tr', 'group')
  head.appendChild(el('td', 'name', String(upstream.name)))
  for (const n of [upstream.requests, upstream.errors, upstream.rateLimited]) head.appendChild(el('td', 'num', w.int(n)))
  // This process's start-up check (GET /models with each key): absent until it finished.
  const check = upstream.check && isTextKey(`check_${upstream.check.result}`) ? upstream.check : null
  const checkClass = !check ? 'muted' : check.result === 'ok' ? 'check' : check.result === 'error' ? 'check alert' : 'check bad'
  head.appendChild(el('td', checkClass, check ? wordFor(w, `check_${check.result}`, { detail: String(check.detail) }) : ''))
  return head
}

function keyRow(w: Words, key: Key) {
  const tr = el('tr')
  tr.appendChild(el('td', 'name key', '· ' + String(key.fingerprint)))
  for (const n of [key.requests, key.errors, key.rateLimited]) tr.appendChild(el('td', 'num', w.int(n)))
  // A cool-down is per model (providers limit per model): the key still serves the models not listed.
  const cooling = Array.isArray(key.cooling) ? key.cooling : []
  const state = key.disabled
    ? w.t('stateDisabled', { reason: String(key.disabled.reason), time: w.clock(new Date(key.disabled.recheckAt)) })
    : cooling.length
      ? cooling.map((c) => w.t('stateCooling', { model: c.model ? String(c.model) : w.t('noModel'), time: w.clockSeconds(new Date(c.until)) })).join(w.lang === 'zh' ? '；' : '; ')
      : w.t('stateOk')
  tr.appendChild(el('td', key.disabled ? 'bad' : cooling.length ? 'alert' : '', state))
  return tr
}

/** The provider prompt cache per upstream and its model name: cached ÷ prompt tokens (DESIGN §1.9). */
export function renderProviderCache(w: Words, s: StatsSnapshot) {
  const rows = Array.isArray(s.providerCache) ? s.providerCache : []
  const body = tbody('provider-cache')
  if (!rows.length) return body.replaceChildren(emptyRow(w.t('noProviderCache'), 5))
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = el('tr')
      const name = el('td', 'name', String(row.model))
      name.appendChild(el('span', 'path', String(row.upstream)))
      tr.appendChild(name)
      tr.appendChild(el('td', 'num tokens', w.int(row.promptTokens)))
      tr.appendChild(el('td', 'num', w.int(row.cachedTokens)))
      tr.appendChild(el('td', 'num', w.pct(row.hitRate)))
      tr.appendChild(shareCell(w, num(row.hitRate)))
      return tr
    })
  )
}

export function renderUpstreams(w: Words, s: StatsSnapshot) {
  const rows: HTMLTableRowElement[] = []
  for (const upstream of Array.isArray(s.upstreams) ? s.upstreams : []) {
    rows.push(upstreamRow(w, upstream))
    for (const key of Array.isArray(upstream.keys) ? upstream.keys : []) rows.push(keyRow(w, key))
  }
  if (!rows.length) rows.push(emptyRow(w.t('none'), 5))
  tbody('by-upstream').replaceChildren(...rows)
}
