import uPlot from 'uplot'
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatAmount, stacked, type Metric, type UsageSeries } from './usage-series'

// The usage chart: one stacked bar per UTC day, a colour per model, drawn by uPlot on a canvas. uPlot sizes in
// pixels, so the chart takes its box's width and follows it (a phone turned, a window resized); its axes take
// the page's colours, read again when the light/dark preference changes. uPlot styles its elements through
// element.style (CSSOM), which the page's CSP allows; it writes labels with textContent, never as HTML.

const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16']
/** The colour of the model at `index` of `series.models`: the table beside the chart uses the same. */
export const seriesColor = (index: number) => PALETTE[index % PALETTE.length]!

const HEIGHT = 240
const HALF_DAY = 43_200
// Whole-number steps for counts: without them an axis of 0–2 requests reads 0, 0, 1, 1, 2.
const COUNT_STEPS = Array.from({ length: 13 }, (_, power) => [1, 2, 5].map((f) => f * 10 ** power)).flat()

const dayOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10)

function useDarkScheme(): boolean {
  const query = matchMedia('(prefers-color-scheme: dark)')
  const [dark, setDark] = useState(query.matches)
  useEffect(() => {
    const follow = () => setDark(query.matches)
    query.addEventListener('change', follow)
    return () => query.removeEventListener('change', follow)
  }, [])
  return dark
}

function themeColors() {
  const css = getComputedStyle(document.documentElement)
  return { text: css.getPropertyValue('--muted').trim() || '#777', line: css.getPropertyValue('--line').trim() || '#999' }
}

function chartOptions(series: UsageSeries, metric: Metric, locale: string, width: number): uPlot.Options {
  const colors = themeColors()
  const axis = { stroke: colors.text, ticks: { stroke: colors.line } }
  const bars = uPlot.paths.bars!({ size: [0.7, 48] })
  // Each bar is drawn from 0 to its running sum: the topmost first, so the ones below paint over it.
  const order = series.models.map((_, m) => m).reverse()
  return {
    width,
    height: HEIGHT,
    // Usage is counted per UTC day: the axis speaks UTC too, wherever the owner is.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: {
      x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { ...axis, grid: { show: false }, values: (_u, splits) => splits.map((s) => dayOf(s).slice(5)) },
      {
        ...axis,
        grid: { stroke: colors.line, width: 1 },
        size: 72,
        ...(metric === 'requests' || metric === 'tokens' ? { incrs: COUNT_STEPS } : {}),
        values: (_u, splits) => splits.map((v) => formatAmount(v, metric, locale)),
      },
    ],
    cursor: { points: { show: false } },
    series: [
      { value: (_u, seconds) => (seconds == null ? '—' : dayOf(seconds)) },
      ...order.map((m) => ({
        label: series.models[m],
        stroke: seriesColor(m),
        fill: seriesColor(m),
        width: 1,
        paths: bars,
        points: { show: false },
        // The legend shows the model's own figure, not the running sum the bar is drawn to.
        value: (_u: uPlot, _v: number | null, _s: number, day: number | null) => (day == null ? '—' : formatAmount(series.values[m]![day]!, metric, locale)),
      })),
    ],
  }
}

/** The chart of `series` for `metric`; `label` describes it to screen readers (the table beside it has the figures). */
export function UsageChart({ series, metric, locale, label }: { series: UsageSeries; metric: Metric; locale: string; label: string }) {
  const box = useRef<HTMLDivElement>(null)
  const dark = useDarkScheme()
  useEffect(() => {
    const element = box.current
    if (!element) return
    // A model's bar on a day it had nothing is left out (null): drawn at 0 it would leave a hairline.
    const tops = stacked(series.values)
      .map((sums, m) => sums.map((sum, day) => (series.values[m]![day] ? sum : null)))
      .reverse()
    const plot = new uPlot(chartOptions(series, metric, locale, element.clientWidth), [series.x, ...tops], element)
    const follow = new ResizeObserver(() => {
      const width = element.clientWidth
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: HEIGHT })
    })
    follow.observe(element)
    return () => {
      follow.disconnect()
      plot.destroy()
    }
  }, [series, metric, locale, dark])
  return <div ref={box} class="chart usage-chart" role="img" aria-label={label} />
}
