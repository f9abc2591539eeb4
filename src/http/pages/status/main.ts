// The status page's script (GET /assets/status.js): bundled into one file when the proxy starts or is built
// (http/pages/bundle.ts), never inline, so the page's CSP can allow scripts of its own origin only.

import { drawChart } from './chart'
import { $ } from './dom'
import { words } from './format'
import { fetchStats } from './load'
import { applyLanguage, render, type View } from './render'
import type { Lang } from './text'

const REFRESH_MS = 15_000
const STORAGE_KEY = 'proxy-gpt.status.lang'

function initialLanguage(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY)
    if (stored === 'en' || stored === 'zh') return stored
  } catch {}
  const preferred = navigator.languages?.[0] || navigator.language || ''
  return /^zh\b/i.test(preferred) ? 'zh' : 'en'
}

const view: View = {
  words: words(initialLanguage()),
  // Relative, so the page also works behind a path prefix.
  statsUrl: new URL('stats', document.baseURI).href,
  last: null,
  lastAt: null,
  error: null,
}
let timer: ReturnType<typeof setTimeout> | undefined

async function load() {
  clearTimeout(timer)
  try {
    view.last = await fetchStats(view.statsUrl)
    view.lastAt = new Date()
    view.error = null
  } catch (failure) {
    view.error = failure as NonNullable<View['error']>
  }
  render(view)
  timer = setTimeout(load, REFRESH_MS)
}

for (const button of document.querySelectorAll<HTMLElement>('.lang button')) {
  button.addEventListener('click', () => {
    const lang = button.dataset.lang === 'zh' ? 'zh' : 'en'
    view.words = words(lang)
    try {
      localStorage.setItem(STORAGE_KEY, lang)
    } catch {}
    applyLanguage(view)
  })
}

let resizeFrame = 0
let lastWidth = 0
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizeFrame)
  resizeFrame = requestAnimationFrame(() => {
    const width = $('chart-box').clientWidth
    if (view.last && width !== lastWidth) {
      lastWidth = width
      drawChart(view.words, view.last)
    }
  })
})
document.addEventListener('visibilitychange', () => {
  // Back on the tab after a while: fresh figures now rather than at the next tick.
  if (document.visibilityState === 'visible' && (!view.lastAt || Date.now() - view.lastAt.getTime() > REFRESH_MS)) void load()
})

// The tab icon, drawn here rather than fetched (a data: URL; /favicon.ico would only be a 404).
const icon = document.getElementById('icon') as HTMLLinkElement
icon.href =
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="${$('chart').namespaceURI}" viewBox="0 0 16 16"><rect width="16" height="16" rx="4" fill="#2563eb"/>` +
      '<path d="M4 6h8M9 3l3 3-3 3M12 10H4m3-3-3 3 3 3" stroke="#fff" stroke-width="1.6" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>'
  )

applyLanguage(view)
void load()
