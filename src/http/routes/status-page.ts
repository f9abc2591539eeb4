import { Elysia } from 'elysia'
import { bundle } from '../pages/bundle' with { type: 'macro' }
// Imported as text, so `bun build --compile` embeds the page in the executable (no file is read at run time).
import page from '../pages/status/index.html' with { type: 'text' }
import { pageHeaders, scriptAsset } from '../pages/serve'

// bun-types declares every *.html import as an HTMLBundle (Bun's full-stack dev server); with
// `type: 'text'` Bun hands over the file's contents as a string instead.
const html: string = page as unknown as string
if (typeof html !== 'string' || !html.includes('id="chart"')) throw new Error('status page: the HTML was not bundled as text')

// The page's TypeScript (pages/status/main.ts and what it imports), bundled when this file is transpiled.
const serveScript = scriptAsset(bundle('http/pages/status/main.ts'))

// Framing is allowed only to Hugging Face, whose Space page shows the app in an iframe (its App tab).
const HEADERS = pageHeaders(html, { frameAncestors: "'self' https://huggingface.co" })

/**
 * GET /: the operator's status page (no auth), and GET /assets/status.js, its script. A static page: every
 * figure it shows comes from GET /stats, which holds counts, model names and timings, never prompt text or keys.
 */
export const statusPageRoutes = new Elysia({ name: 'status-page' })
  .get('/', () => new Response(html, { headers: HEADERS }), { detail: { hide: true } })
  .get('/assets/status.js', ({ request }) => serveScript(request), { detail: { hide: true } })
