// Chromium for the dashboard tests: the one chromiumPath() found, driven by playwright-core, one
// page at 1280 px that collects console errors, accepts confirm dialogs and saves screenshots
// under test-results/dashboard.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { chromiumPath } from '../browser/chromium-path.js'

/** Where the screenshots go: test-results/dashboard. */
export const SHOTS = resolve(import.meta.dirname, '../../test-results/dashboard')

export interface BrowserPage {
  browser: Browser
  page: Page
  /** Console errors and uncaught page errors, in order; a test empties it when it expects some. */
  consoleErrors: string[]
  /** Saves a full-page screenshot as test-results/dashboard/<name>.png. */
  shot: (name: string) => Promise<void>
}

export async function openBrowserPage(): Promise<BrowserPage> {
  mkdirSync(SHOTS, { recursive: true })
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  // Shorter than the test's own timeout, so a missing element names itself.
  page.setDefaultTimeout(10_000)
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(e.message))
  page.on('dialog', (d) => void d.accept())
  return {
    browser,
    page,
    consoleErrors,
    shot: async (name) => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
    },
  }
}

/** How far the page is wider than the window, in px: above 0 means a sideways scroll. */
export function overflowOf(page: Page): Promise<number> {
  // A string, evaluated in the page: the test's own types have no DOM.
  return page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  )
}
