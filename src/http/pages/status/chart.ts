import type { StatsSnapshot } from '../../../stats/snapshot'
import { $, set } from './dom'
import { num, type Words } from './format'

interface Bucket {
  t: number
  requests: number
  hitsExact: number
  hitsSemantic: number
}

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  // The SVG namespace, taken from the parsed chart element: the page's code spells out no URL at all.
  const node = document.createElementNS($('chart').namespaceURI, tag) as SVGElement
  for (const name in attrs) node.setAttribute(name, String(attrs[name]))
  if (text !== undefined) node.textContent = text
  return node
}

/** A round axis maximum and step: 1, 2 or 5 times a power of ten, at most 4 steps. */
function niceScale(highest: number) {
  const max = Math.max(1, highest)
  let step = 1
  for (let power = 1; ; power *= 10) {
    const found = [1, 2, 5].map((f) => f * power).find((candidate) => Math.ceil(max / candidate) <= 4)
    if (found) {
      step = found
      break
    }
  }
  return { step, top: Math.ceil(max / step) * step }
}

/** The last 12 hours in buckets of the server's size, empty ones included. */
function bucketsOf(s: StatsSnapshot): { bucket: number; buckets: Bucket[] } {
  const series = s.series
  const bucket = num(series.bucketSeconds) || 600
  const count = Math.max(1, Math.round((12 * 3600) / bucket))
  // The server's clock decides which buckets are "the last 12 hours", not this browser's.
  const serverNow = Date.parse(s.startedAt) + num(s.uptimeSeconds) * 1000
  const nowSeconds = Math.floor((isNaN(serverNow) ? Date.now() : serverNow) / 1000)
  const lastBucket = nowSeconds - (nowSeconds % bucket)
  const first = lastBucket - (count - 1) * bucket
  const buckets: Bucket[] = []
  for (let i = 0; i < count; i++) buckets.push({ t: first + i * bucket, requests: 0, hitsExact: 0, hitsSemantic: 0 })
  for (const point of Array.isArray(series.points) ? series.points : []) {
    const target = buckets[Math.round((num(point.t) - first) / bucket)]
    if (!target) continue
    target.requests = num(point.requests)
    target.hitsExact = num(point.hitsExact)
    target.hitsSemantic = num(point.hitsSemantic)
  }
  return { bucket, buckets }
}

export function drawChart(w: Words, s: StatsSnapshot) {
  const chart = $('chart')
  const box = $('chart-box')
  const { bucket, buckets } = bucketsOf(s)
  const count = buckets.length

  const width = Math.max(260, Math.floor(box.clientWidth || 600))
  const narrow = width < 520
  const height = narrow ? 200 : 250
  const margin = { left: 38, right: 8, top: 22, bottom: 26 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const max = Math.max(...buckets.map((b) => Math.max(b.requests, b.hitsExact + b.hitsSemantic)))
  const { step, top } = niceScale(max)
  const y = (value: number) => margin.top + plotH - (value / top) * plotH
  const slot = plotW / count
  const gap = slot > 6 ? 2 : slot > 3 ? 1 : 0
  const barW = Math.max(1, slot - gap)

  chart.setAttribute('viewBox', `0 0 ${width} ${height}`)
  chart.setAttribute('width', String(width))
  chart.setAttribute('height', String(height))
  const nodes: SVGElement[] = []

  for (let value = 0; value <= top; value += step) {
    nodes.push(svg('line', { class: value ? 'grid' : 'axis', x1: margin.left, x2: width - margin.right, y1: Math.round(y(value)) + 0.5, y2: Math.round(y(value)) + 0.5 }))
    nodes.push(svg('text', { x: margin.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, w.int(value)))
  }
  nodes.push(svg('text', { x: margin.left - 6, y: 11, 'text-anchor': 'start', 'data-axis': 'y' }, w.t('perBucket', { n: Math.round(bucket / 60) })))

  // Hour labels on the local clock: every 2 hours, every 3 on a phone.
  const every = narrow ? 3 : 2
  buckets.forEach((b, i) => {
    const when = new Date(b.t * 1000)
    if (when.getMinutes() !== 0 || when.getHours() % every !== 0) return
    const x = margin.left + i * slot
    if (x < margin.left + 14 || x > width - margin.right - 14) return
    nodes.push(svg('line', { class: 'axis', x1: Math.round(x) + 0.5, x2: Math.round(x) + 0.5, y1: margin.top + plotH, y2: margin.top + plotH + 4 }))
    nodes.push(svg('text', { x, y: height - 8, 'text-anchor': 'middle', 'data-axis': 'x' }, w.clock(when)))
  })

  let drawn = 0
  const totals = { requests: 0, exact: 0, semantic: 0 }
  const minH = (value: number) => (value > 0 ? Math.max(1.5, (value / top) * plotH) : 0)
  buckets.forEach((b, i) => {
    totals.requests += b.requests
    totals.exact += b.hitsExact
    totals.semantic += b.hitsSemantic
    if (!b.requests && !b.hitsExact && !b.hitsSemantic) return
    const x = margin.left + i * slot + gap / 2
    const base = margin.top + plotH
    const group = svg('g', { 'data-point': '', 'data-t': b.t, 'data-requests': b.requests, 'data-hits-exact': b.hitsExact, 'data-hits-semantic': b.hitsSemantic })
    const from = new Date(b.t * 1000)
    const to = new Date((b.t + bucket) * 1000)
    const title = { from: w.clock(from), to: w.clock(to), requests: w.int(b.requests), exact: w.int(b.hitsExact), semantic: w.int(b.hitsSemantic) }
    group.appendChild(svg('title', {}, w.t('barTitle', title)))
    const reqH = minH(Math.max(b.requests, b.hitsExact + b.hitsSemantic))
    group.appendChild(svg('rect', { class: 'req', 'data-series': 'requests', 'data-value': b.requests, x, y: base - reqH, width: barW, height: reqH, rx: barW > 4 ? 1.5 : 0 }))
    const exactH = minH(b.hitsExact)
    if (exactH) group.appendChild(svg('rect', { class: 'exact', 'data-series': 'exact', 'data-value': b.hitsExact, x, y: base - exactH, width: barW, height: exactH }))
    const semH = minH(b.hitsSemantic)
    if (semH) group.appendChild(svg('rect', { class: 'sem', 'data-series': 'semantic', 'data-value': b.hitsSemantic, x, y: base - exactH - semH, width: barW, height: semH }))
    nodes.push(group)
    drawn++
  })
  if (!drawn) nodes.push(svg('text', { class: 'empty', x: margin.left + plotW / 2, y: margin.top + plotH / 2, 'text-anchor': 'middle' }, w.t('noTraffic')))

  chart.replaceChildren(...nodes)
  chart.dataset.points = String(drawn)
  const summary = w.t('chartSummary', { requests: w.int(totals.requests), exact: w.int(totals.exact), semantic: w.int(totals.semantic) })
  chart.setAttribute('aria-label', summary)
  set('chart-summary', summary)
}
