import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import { useLang } from '../ui/i18n'
import { usd } from './format'
import { dailySeries } from './series'
import type { DayFigures } from './types'

// The last 30 days as a uPlot chart: requests per day as bars, cost per day as a line on its own axis. Every
// day of the window has a point (a day without use is 0), and the days are UTC days, as the proxy counts them.

const cssColor = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback

export function DayChart({ from, to, days }: { from: string; to: string; days: DayFigures[] }) {
  const { t } = useLang()
  const box = useRef<HTMLDivElement>(null)
  const labels = { requests: t('Requests', '请求数'), cost: t('Cost', '花费') }
  useEffect(() => {
    const el = box.current
    if (!el) return
    const accent = cssColor('--accent', '#2563eb')
    const muted = cssColor('--muted', '#5f6b7a')
    const line = cssColor('--line', '#dde2e8')
    const text = cssColor('--text', '#1d2330')
    const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } }
    const height = () => (el.clientWidth < 520 ? 200 : 240)
    const plot = new uPlot(
      {
        width: Math.max(260, el.clientWidth),
        height: height(),
        // Usage days are UTC days: label them so, whatever this browser's time zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, cost: { range: (_u, _min, max) => [0, Math.max(max, 0.01)] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
        axes: [
          { ...axis, stroke: text },
          { ...axis, scale: 'y', values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? String(v) : '')) },
          { ...axis, scale: 'cost', side: 1, grid: { show: false }, values: (_u, ticks) => ticks.map((v) => usd(v)) },
        ],
        series: [
          { label: t('Day (UTC)', '日期（UTC）'), value: '{YYYY}-{MM}-{DD}' },
          { label: labels.requests, scale: 'y', stroke: accent, fill: `${accent}99`, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } },
          { label: labels.cost, scale: 'cost', stroke: muted, width: 2, points: { show: false }, value: (_u, v) => (v == null ? '—' : usd(v)) },
        ],
      },
      dailySeries(from, to, days),
      el
    )
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(260, el.clientWidth), height: height() }))
    observer.observe(el)
    return () => {
      observer.disconnect()
      plot.destroy()
    }
  }, [from, to, days, labels.requests])
  return <div class="chart day-chart" ref={box} role="img" aria-label={t('Requests and cost per day, last 30 days (UTC)', '近 30 天每日请求数与花费（UTC）')} />
}
