import { createHash } from 'node:crypto'

// How the proxy serves its own pages (DESIGN §1.10): a static HTML document whose one script is a file of
// the proxy's own (/assets/<page>.js, made by bundle.ts), under a Content-Security-Policy that lets nothing
// else run and nothing load from another origin.

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }

/** CSP source list allowing exactly the page's own inline <style> blocks, by hash. */
function inlineStyleHashes(html: string): string {
  const blocks = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)]
  return blocks.map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`).join(' ') || "'none'"
}

export interface PageOptions {
  /** Who may show the page in a frame, as a CSP source list: `'none'`, or `'self'` and named origins. */
  frameAncestors: string
}

/**
 * The headers of a page: scripts only from the proxy itself (never inline, never another origin), styles only
 * the page's own inline blocks, images only data: URLs, requests only to the proxy, no forms, no <base>.
 */
export function pageHeaders(html: string, { frameAncestors }: PageOptions): Record<string, string> {
  if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(html)) throw new Error('a page of the proxy has an inline <script>: its CSP would block it')
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${inlineStyleHashes(html)}`,
    'img-src data:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ')
  return { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': policy }
}

/**
 * A page's bundled script, revalidated by the browser on every load (no-cache) and answered 304 while the
 * proxy runs the same build.
 */
export function scriptAsset(text: string): (request: Request) => Response {
  const etag = `"${Bun.hash(text).toString(36)}"`
  const headers = { ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', etag }
  return (request) =>
    request.headers.get('if-none-match') === etag ? new Response(null, { status: 304, headers }) : new Response(text, { headers })
}
