import type { BrowserContext, Page } from 'playwright-core'

// A page of the proxy opened in Chromium as if offline: any request to another origin is aborted and listed,
// and every CSP refusal, console error, uncaught exception and failed request is collected, so a test can
// say "nothing left the origin, nothing was refused".

declare const document: any
declare const window: any

export interface WatchedPage {
  page: Page
  /** Requests to any other origin: aborted, and listed here. */
  elsewhere: string[]
  /** Console errors (a CSP refusal is one), uncaught exceptions and failed requests. */
  problems: string[]
  /** The page's CSP violations so far (`<directive> <blocked URI>`). */
  violations(): Promise<string[]>
}

export async function openWatched(context: BrowserContext, origin: string): Promise<WatchedPage> {
  const page = await context.newPage()
  const elsewhere: string[] = []
  const problems: string[] = []
  await page.route('**', (route) => {
    const url = route.request().url()
    if (url.startsWith(`${origin}/`)) return route.continue()
    elsewhere.push(url)
    return route.abort('internetdisconnected')
  })
  // Added by the browser's tooling, not by the page, so the page's CSP does not apply to it.
  await page.addInitScript(() => {
    window.violations = []
    document.addEventListener('securitypolicyviolation', (event: any) => window.violations.push(`${event.effectiveDirective} ${event.blockedURI}`))
  })
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`))
  return { page, elsewhere, problems, violations: () => page.evaluate(() => window.violations as string[]) }
}
