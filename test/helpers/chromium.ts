// Headless Chromium for page tests: Debian's `chromium` package (or CHROMIUM_PATH), driven by playwright-core.
// Never a browser build that Playwright downloads: there is none on these machines, and none is fetched.

import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Offline, quiet and sandbox-free (tests run as root in a container): nothing phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** True when the Chromium executable is there and can be run. */
export function chromiumAvailable(): boolean {
  try {
    if (!statSync(CHROMIUM_PATH).isFile()) return false
    accessSync(CHROMIUM_PATH, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export interface LaunchOptions {
  viewport?: { width: number; height: number }
  /** navigator.language and Accept-Language; 'en-US' unless given, so a page's default language is known. */
  locale?: string
  colorScheme?: 'light' | 'dark'
}

export interface Chromium {
  context: BrowserContext
  /** Closes the browser and removes its profile. */
  close(): Promise<void>
}

/** Starts Chromium with a fresh temporary profile (user-data-dir) that `close()` removes. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Chromium> {
  if (!chromiumAvailable()) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`)
  const profile = mkdtempSync(join(tmpdir(), 'proxy-gpt-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      locale: options.locale ?? 'en-US',
      colorScheme: options.colorScheme ?? 'light',
      timeout: 30_000,
    })
    return {
      context,
      async close() {
        await context.close().catch(() => {})
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
}
