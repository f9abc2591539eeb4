import { Elysia } from 'elysia'
import uiPackage from 'swagger-ui-dist/package.json' with { type: 'json' }
// Imported as files, so `bun build --compile` embeds them in the executable, and the Docker image has them
// in node_modules: the UI loads from the proxy itself, never from a CDN.
import bundlePath from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' }
import stylesheetPath from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' }
import { requestTarget } from '../../openai/endpoints'

// Every address is relative to /swagger, so the page also works behind a path prefix; the OpenAPI document
// is found from the initializer's own address for the same reason. The page's CSP allows no inline script,
// hence an initializer of its own.
const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>proxy-gpt API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="swagger/swagger-ui.css">
<link rel="stylesheet" href="swagger/theme.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger/swagger-ui-bundle.js"></script>
<script src="swagger/swagger-initializer.js"></script>
</body>
</html>
`

const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: new URL('json', document.currentScript.src).href,
  dom_id: '#swagger-ui',
  // Only the standalone layout (not loaded) shows the validator badge, which would ask validator.swagger.io.
  validatorUrl: null,
})
`

// What @elysiajs/swagger's page did inline: follow the system's dark mode.
const THEME = `@media (prefers-color-scheme: dark) {
  body { background-color: #222; }
  .swagger-ui { filter: invert(92%) hue-rotate(180deg); }
  .swagger-ui .microlight { filter: invert(100%) hue-rotate(180deg); }
}
`

// Nothing from another origin, no inline script or style; the UI may call only the proxy ("Try it out").
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ')

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }
const PAGE_HEADERS = {
  ...SECURITY_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
}

interface Asset {
  body: () => string | Blob
  type: string
  etag: string
}

const ownAsset = (text: string, type: string): Asset => ({ body: () => text, type, etag: `"${Bun.hash(text).toString(36)}"` })
// The package's files change only with its version: the browser revalidates (no-cache) and gets a 304.
const packageAsset = (path: string, type: string): Asset => ({ body: () => Bun.file(path), type, etag: `"swagger-ui-dist-${uiPackage.version}"` })

const ASSETS: Record<string, Asset> = {
  'swagger-ui-bundle.js': packageAsset(bundlePath, 'text/javascript; charset=utf-8'),
  'swagger-ui.css': packageAsset(stylesheetPath, 'text/css; charset=utf-8'),
  'swagger-initializer.js': ownAsset(INITIALIZER, 'text/javascript; charset=utf-8'),
  'theme.css': ownAsset(THEME, 'text/css; charset=utf-8'),
}

function serveAsset(request: Request, { body, type, etag }: Asset): Response {
  const headers = { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache', etag }
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers })
  return new Response(body(), { headers })
}

/**
 * GET /swagger and the files it loads. Registered after @elysiajs/swagger, whose own page at /swagger (it
 * loads the UI from unpkg.com, with an inline script) this one replaces; the plugin still serves /swagger/json.
 */
export function swaggerUiRoutes() {
  const hidden = { detail: { hide: true } }
  const app = new Elysia({ name: 'swagger-ui' }).get(
    '/swagger',
    ({ request }) =>
      // "/swagger/" would resolve the page's relative addresses one level too deep.
      requestTarget(request.url).pathname.endsWith('/')
        ? new Response(null, { status: 308, headers: { location: '../swagger' } })
        : new Response(PAGE, { headers: PAGE_HEADERS }),
    hidden
  )
  for (const [name, asset] of Object.entries(ASSETS)) app.get(`/swagger/${name}`, ({ request }) => serveAsset(request, asset), hidden)
  return app
}
