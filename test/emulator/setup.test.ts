// The Setup walkthrough in a real browser (Chromium through playwright-core): log in, find
// App Manager with Quick Find, create a connected app with OAuth, reveal its consumer key
// and secret, get a token with them, then block the username-password flow in OAuth and
// OpenID Connect Settings and see the same token request fail.

import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { chromiumPath } from '../browser/chromium-path.js'

const SHOTS = 'test-results/setup'
// A browser drives many pages per test; on a busy two-core machine that takes a while.
const BROWSER_TIMEOUT = 120_000
const USER = {
  username: 'my.user@example.com',
  password: 'my.password',
  token: 'DemoSecurityToken01',
}

let emu: EmulatorHandle
let browser: Browser | undefined
let page: Page
const consoleErrors: string[] = []

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` })
}

async function passwordToken(clientId: string, clientSecret: string) {
  const res = await request(`${emu.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: clientId,
      client_secret: clientSecret,
      username: USER.username,
      password: USER.password + USER.token,
    }).toString(),
  })
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> }
}

beforeAll(async () => {
  emu = await startEmulator({ org: 'examples/demo-org.yaml' })
  mkdirSync(SHOTS, { recursive: true })
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  page = await browser.newPage()
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text())
  })
  page.on('pageerror', (err) => consoleErrors.push(err.message))
}, BROWSER_TIMEOUT)

afterAll(async () => {
  await browser?.close()
  await emu?.close()
})

describe('Setup pages in Chromium', () => {
  it('sends a visitor without a session to the login page', async () => {
    const res = await fetch(`${emu.url}/lightning/setup/NavigationMenus/home`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toMatch(/^\/login\?startURL=/)
  })

  it(
    'creates a connected app whose key and secret work until the password flow is blocked',
    async () => {
      await page.goto(`${emu.url}/`)
      await expect.poll(() => page.url()).toContain('/login')
      await page.fill('#username', USER.username)
      await page.fill('#password', 'wrong password')
      await page.click('#Login')
      expect(await page.textContent('[role=alert]')).toContain('check your username and password')
      await page.fill('#password', USER.password)
      await shot('01-login')
      await page.click('#Login')
      await page.waitForURL('**/lightning/setup/SetupOneHome/home')
      await shot('02-setup-home')

      await page.fill('#quickfind', 'App Man')
      expect(await page.isHidden('li[data-label="oauth and openid connect settings"]')).toBe(true)
      await shot('03-quick-find')
      await page.click('text=App Manager')
      await page.waitForURL('**/lightning/setup/NavigationMenus/home')
      expect(await page.textContent('table')).toContain('forcebridge demo')

      await page.click('text=New Connected App')
      await page.fill('#name', 'Playwright Integration')
      expect(await page.inputValue('#apiName')).toBe('Playwright_Integration')
      await page.fill('#contactEmail', 'admin@example.com')
      expect(await page.isVisible('#callbackUrl')).toBe(false)
      await page.check('#oauthEnabled')
      expect(await page.isVisible('#callbackUrl')).toBe(true)
      await page.fill('#callbackUrl', 'https://example.com/oauth/callback')
      await page.selectOption('#scopes', ['api', 'refresh_token offline_access'])
      await shot('04-new-app')
      await page.click('button:has-text("Save")')
      await page.waitForURL('**/lightning/setup/NavigationMenus/home?created=*')
      expect(await page.textContent('[role=status]')).toContain('Playwright_Integration')
      await shot('05-app-manager')

      await page.click('a[aria-label="View Playwright Integration"]')
      expect(await page.textContent('h1')).toBe('Playwright Integration')
      await page.click('text=Manage Consumer Details')
      const consumerKey = (await page.textContent('#consumerKey'))?.trim() ?? ''
      const consumerSecret = (await page.textContent('#consumerSecret'))?.trim() ?? ''
      expect(consumerKey).toMatch(/^3MVG9/)
      expect(consumerSecret.length).toBeGreaterThanOrEqual(32)
      await shot('06-consumer-details')

      const granted = await passwordToken(consumerKey, consumerSecret)
      expect(granted.status).toBe(200)
      expect(granted.body.access_token).toBeTruthy()
      expect(granted.body.scope?.split(' ')).toEqual(
        expect.arrayContaining(['api', 'refresh_token']),
      )
      const data = await request(`${emu.url}/services/data/v62.0/sobjects`, {
        headers: { authorization: `Bearer ${granted.body.access_token}` },
      })
      await data.body.dump()
      expect(data.statusCode).toBe(200)

      await page.goto(`${emu.url}/lightning/setup/SetupOneHome/home`)
      await page.fill('#quickfind', 'oauth')
      await page.click('text=OAuth and OpenID Connect Settings')
      expect(await page.isChecked('#allowUnPw')).toBe(true)
      await page.uncheck('#allowUnPw')
      await page.click('button:has-text("Save")')
      await page.waitForURL('**/lightning/setup/OauthOidcSettings/home?saved=1')
      expect(await page.isChecked('#allowUnPw')).toBe(false)
      await shot('07-oauth-settings')

      const refused = await passwordToken(consumerKey, consumerSecret)
      expect(refused).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'authentication failure' },
      })
      expect(consoleErrors).toEqual([])
    },
    BROWSER_TIMEOUT,
  )

  it(
    'escapes what users type and refuses a form without its CSRF token',
    async () => {
      await page.goto(`${emu.url}/app/mgmt/forceconnectedapps/forceAppEdit.apexp`)
      await page.fill('#name', '<img src=x onerror=alert(1)> & Co')
      await page.fill('#apiName', 'Escaped_App')
      await page.fill('#contactEmail', 'admin@localhost')
      await page.click('button:has-text("Save")')
      expect(await page.textContent('[role=alert]')).toContain('Contact Email')
      expect(await page.inputValue('#name')).toBe('<img src=x onerror=alert(1)> & Co')
      expect(await page.locator('main img').count()).toBe(0)

      const cookies = await page.context().cookies()
      const res = await fetch(`${emu.url}/lightning/setup/OauthOidcSettings/home`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
        },
        body: 'allowUsernamePasswordFlows=1&_csrf=forged',
      })
      expect(res.status).toBe(403)
      expect(consoleErrors).toEqual([])
    },
    BROWSER_TIMEOUT,
  )
})
