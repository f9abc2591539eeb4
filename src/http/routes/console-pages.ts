import { Elysia } from 'elysia'
// Imported as text, so `bun build --compile` embeds them in the executable (nothing is read at run time).
import uplotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' }
import { bundle } from '../pages/bundle' with { type: 'macro' }
import consolePage from '../pages/app/console/index.html' with { type: 'text' }
import mePage from '../pages/app/me/index.html' with { type: 'text' }
import { pageHeaders, scriptAsset } from '../pages/serve'
import sharedCss from '../pages/app/ui/style.css' with { type: 'text' }

// GET /console (the owner's console) and GET /me (a key holder's page), DESIGN §1.10: static pages whose
// scripts (Preact, bundled when this file is transpiled) call the admin API and /v1/usage with a key the page
// holds in memory or sessionStorage. Neither may be framed: a page that types keys must not be clickjacked.

const asText = (imported: unknown, name: string): string => {
  if (typeof imported !== 'string') throw new Error(`console pages: ${name} was not bundled as text`)
  return imported
}
const styles = `${asText(sharedCss, 'app/ui/style.css')}\n${asText(uplotCss, 'uPlot.min.css')}`
const page = (html: unknown, name: string) => asText(html, name).replace('/*STYLES*/', () => styles)

const consoleHtml = page(consolePage, 'console/index.html')
const meHtml = page(mePage, 'me/index.html')
const consoleHeaders = pageHeaders(consoleHtml, { frameAncestors: "'none'" })
const meHeaders = pageHeaders(meHtml, { frameAncestors: "'none'" })
const noFrames = { 'x-frame-options': 'DENY' }

const consoleScript = scriptAsset(bundle('http/pages/app/console/main.tsx'))
const meScript = scriptAsset(bundle('http/pages/app/me/main.tsx'))

const hidden = { detail: { hide: true } }

/**
 * The page, or at `/console/` (which Elysia routes here too) a redirect to `/console`: the page finds its
 * script and the API relative to its own address, which a trailing slash would move one folder down.
 */
const servePage = (html: string, headers: Record<string, string>) => ({ request }: { request: Request }) => {
  const url = new URL(request.url)
  if (url.pathname.endsWith('/')) return new Response(null, { status: 308, headers: { location: `${url.pathname.replace(/\/+$/, '')}${url.search}` } })
  return new Response(html, { headers: { ...headers, ...noFrames } })
}

export const consolePageRoutes = new Elysia({ name: 'console-pages' })
  .get('/console', servePage(consoleHtml, consoleHeaders), hidden)
  .get('/me', servePage(meHtml, meHeaders), hidden)
  .get('/assets/console.js', ({ request }) => consoleScript(request), hidden)
  .get('/assets/me.js', ({ request }) => meScript(request), hidden)
