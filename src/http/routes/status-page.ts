import { createHash } from 'node:crypto'
import { Elysia } from 'elysia'
// Imported as text, so `bun build --compile` embeds the page in the executable (no file is read at run time).
import page from './status-page.html' with { type: 'text' }

// bun-types declares every *.html import as an HTMLBundle (Bun's full-stack dev server); with
// `type: 'text'` Bun hands over the file's contents as a string instead.
const html: string = page as unknown as string
if (typeof html !== 'string' || !html.includes('id="chart"')) throw new Error('status page: the HTML was not bundled as text')

/** CSP source list allowing exactly the page's own inline <script>/<style> blocks, by hash. */
function inlineHashes(tag: 'script' | 'style'): string {
  const blocks = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))]
  return blocks.map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`).join(' ') || "'none'"
}

// The page loads nothing from anywhere: no CDN, no font, no image but data: URLs, and it may talk only to
// its own origin (for `stats`). A tampered copy or an injected script would not run. Framing is allowed
// only to Hugging Face, whose Space page shows the app in an iframe.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${inlineHashes('script')}`,
  `style-src ${inlineHashes('style')}`,
  'img-src data:',
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self' https://huggingface.co",
].join('; ')

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

/**
 * GET /: the operator's status page (no auth). A static page: every figure it shows comes from GET /stats,
 * which holds counts, model names and timings, never prompt text or keys.
 */
export const statusPageRoutes = new Elysia({ name: 'status-page' }).get('/', () => new Response(html, { headers: HEADERS }), {
  detail: { hide: true },
})
