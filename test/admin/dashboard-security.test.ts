// Security definitions, channel limits and the usage panel in Chromium (playwright-core, the
// chromiumPath() one) against a real server and the emulator: a Basic definition named in Greek
// created and edited with its password left blank, an API key shown once and rotated, a channel
// created and its rate limit edited in place, a ping that refreshes the usage panel without a reload,
// screenshots of each page, a phone-width check, and no console errors.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowserPage, overflowOf } from './browser-fixture.js'
import { ADMIN, EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'

const DEF = 'Πύλη Βασική'
// The demo's campaign service; the names around it (definition, connection) are not Latin.
const SERVICE = 'campaign.create'
const CONNECTION = 'Σύνδεση 연결'
const PASSWORD = 'gate-password-1'
let server: AdminServer
let browser: Browser
let page: Page
let consoleErrors: string[] = []
let shot: (name: string) => Promise<void>

beforeAll(async () => {
  server = await startAdminServer()
  await server.store.connections.add({
    name: CONNECTION,
    loginUrl: server.emulator.url,
    ...EMULATOR_CREDENTIALS,
  })
  ;({ browser, page, consoleErrors, shot } = await openBrowserPage())
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The channel table's row for `path`. */
const channelRow = (path: string) =>
  page.locator('tr', { has: page.locator(`td code:text-is("${path}")`) })

describe('security definitions and channels in Chromium', () => {
  it('signs in', async () => {
    await page.goto(`${server.url}/admin/sign-in`)
    await page.fill('input[name=name]', ADMIN.name)
    await page.fill('input[name=password]', ADMIN.password)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/admin\/connections$/)
  })

  it('shows the fields of the chosen kind only', async () => {
    await page.goto(`${server.url}/admin/channels`)
    const form = page.locator('form[data-render=key]')
    await expect.poll(() => form.locator('input[name=key]').isVisible()).toBe(true)
    expect(await form.locator('input[name=username]').isVisible()).toBe(false)
    await form.locator('select[name=kind]').selectOption('jwt')
    expect(await form.locator('input[name=key]').isVisible()).toBe(false)
    expect(await form.locator('input[name=secret]').isVisible()).toBe(true)
    expect(await form.locator('textarea[name=publicKey]').isVisible()).toBe(false)
    await form.locator('select[name=algorithm]').selectOption('RS256')
    expect(await form.locator('input[name=secret]').isVisible()).toBe(false)
    expect(await form.locator('textarea[name=publicKey]').isVisible()).toBe(true)
    expect(await form.locator('input[name=jwksUrl]').isVisible()).toBe(true)
    await shot('security-new-jwt')
  })

  it('creates an HTTP Basic definition named in Greek', async () => {
    const form = page.locator('form[data-render=key]')
    await form.locator('input[name=name]').fill(DEF)
    await form.locator('select[name=kind]').selectOption('basic')
    await form.locator('input[name=username]').fill('gate')
    await form.locator('input[name=password]').fill(PASSWORD)
    await shot('security-new-basic')
    // No key to show for Basic: the page reloads with the new definition listed.
    await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()])
    const row = page.locator('tr', { hasText: DEF })
    expect(await row.textContent()).toContain('user gate')
    expect(await row.textContent()).toContain('HTTP Basic')
  })

  it('edits it with the password left blank, which keeps the password', async () => {
    await page.locator('tr', { hasText: DEF }).locator('a:has-text("Edit")').click()
    await page.waitForURL(/\/security-definitions\/[\w-]+\/edit$/)
    expect(await page.locator('h1').textContent()).toBe(`Edit ${DEF}`)
    expect(await page.inputValue('input[name=password]')).toBe('')
    expect(await page.locator('label', { hasText: 'Password' }).textContent()).toContain(
      'stored; leave blank to keep it',
    )
    await page.fill('input[name=username]', 'gate2')
    await shot('security-edit')
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Save")')])
    expect(await page.inputValue('input[name=username]')).toBe('gate2')
    const def = await server.store.security.find(DEF)
    expect(def).toMatchObject({ kind: 'basic', username: 'gate2' })
    expect(await server.store.security.verifyBasic(def?.id ?? '', 'gate2', PASSWORD)).toBe(true)
  })

  it('creates an API key, shows it once, and rotates it from its edit page', async () => {
    await page.goto(`${server.url}/admin/channels`)
    const form = page.locator('form[data-render=key]')
    await form.locator('input[name=name]').fill('열쇠 κλειδί')
    await form.locator('button[type=submit]').click()
    const first = (await page.locator('.secret-once').textContent()) ?? ''
    expect(first).toMatch(/^fb_/)
    await Promise.all([page.waitForEvent('load'), page.click('a:has-text("Done, I copied it")')])
    expect(await page.locator('main').textContent()).not.toContain(first)
    await page.locator('tr', { hasText: '열쇠 κλειδί' }).locator('a:has-text("Edit")').click()
    await page.waitForURL(/\/edit$/)
    await page.click('button:has-text("Rotate key")')
    const rotated = (await page.locator('#rotate-result .secret-once').textContent()) ?? ''
    expect(rotated).toMatch(/^fb_/)
    expect(rotated).not.toBe(first)
    await shot('security-rotated')
    const id = (await server.store.security.find('열쇠 κλειδί'))?.id ?? ''
    expect(await server.store.security.verifyApiKey(id, rotated)).toBe(true)
    expect(await server.store.security.verifyApiKey(id, first)).toBe(false)
  })

  it('creates a channel with a rate limit, then edits the limit in place', async () => {
    await page.goto(`${server.url}/admin/channels`)
    const form = page.locator('form[data-then=reload]')
    await form.locator('input[name=path]').fill('/api/gated')
    await form.locator('input[name=service]').fill(SERVICE)
    await form.locator('select[name=securityDefinitionId]').selectOption({ label: DEF })
    await form.locator('input[name="rateLimit.requests"]').fill('5')
    await form.locator('input[name="rateLimit.perSeconds"]').fill('60')
    await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()])
    const row = channelRow('/api/gated')
    expect(await row.textContent()).toContain('5 per 60 s')
    expect(await row.locator('a', { hasText: SERVICE }).getAttribute('href')).toBe(
      `/admin/services/${encodeURIComponent(SERVICE)}`,
    )
    const before = await server.store.channels.find('POST', '/api/gated')
    await row.locator('a:has-text("Edit")').click()
    await page.waitForURL(/\/channels\/[\w-]+\/edit$/)
    expect(await page.inputValue('input[name="rateLimit.requests"]')).toBe('5')
    await page.fill('input[name="rateLimit.requests"]', '20')
    await page.fill('input[name=timeoutMs]', '5000')
    await page.fill('input[name=maxBodyBytes]', '64')
    await page.selectOption('select[name=maxBodyUnit]', 'KiB')
    await shot('channel-edit')
    await page.click('button:has-text("Save")')
    await page.waitForURL(/\/admin\/channels$/)
    const limits = await channelRow('/api/gated').locator('td[data-label=Limits]').textContent()
    expect(limits).toBe('20 per 60 s · timeout 5,000 ms · body ≤ 64 KiB')
    expect(await channelRow('/api/gated').textContent()).toContain(DEF)
    expect(await server.store.channels.get(before?.id ?? '')).toMatchObject({
      path: '/api/gated',
      service: SERVICE,
      rateLimit: { requests: 20, perSeconds: 60 },
      timeoutMs: 5000,
      maxBodyBytes: 64 * 1024,
    })
    await shot('channels-limits')
  })

  it('shows a refused edit with the field named, and changes nothing', async () => {
    await channelRow('/api/gated').locator('a:has-text("Edit")').click()
    await page.waitForURL(/\/edit$/)
    await page.fill('input[name="rateLimit.perSeconds"]', '')
    await page.click('button:has-text("Save")')
    await page.locator('.result.error').waitFor()
    expect(await page.locator('.result.error').textContent()).toMatch(/rateLimit\.perSeconds/)
    expect(consoleErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
    const channel = await server.store.channels.find('POST', '/api/gated')
    expect(channel?.rateLimit).toEqual({ requests: 20, perSeconds: 60 })
  })

  it('refreshes the usage panel after each Ping, without reloading the page', async () => {
    await page.goto(`${server.url}/admin/connections/${encodeURIComponent(CONNECTION)}`)
    const panel = page.locator('#usage-panel')
    expect(await panel.textContent()).toContain('no figures yet')
    // A mark on the page's window: a reload would wipe it.
    await page.evaluate('window.notReloaded = true')
    await page.click('button:has-text("Ping")')
    await panel.locator('svg.gauge').waitFor()
    const first = await panel.locator('p.usage-figures').textContent()
    expect(first).toMatch(/[\d,]+ \/ [\d,]+ API requests/)
    await page.click('button:has-text("Ping")')
    await panel.locator('svg.chart').waitFor()
    expect(await panel.locator('p.usage-figures').textContent()).not.toBe(first)
    expect(await page.evaluate('window.notReloaded')).toBe(true)
    await shot('connection-usage-refreshed')
  })

  it('fits a 390 px wide phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const id = (await server.store.security.find(DEF))?.id ?? ''
    const channel = (await server.store.channels.find('POST', '/api/gated'))?.id ?? ''
    for (const path of [
      'channels',
      `security-definitions/${id}/edit`,
      `channels/${channel}/edit`,
    ]) {
      await page.goto(`${server.url}/admin/${path}`)
      const overflow = await overflowOf(page)
      expect(overflow, path).toBeLessThanOrEqual(0)
    }
    await page.goto(`${server.url}/admin/channels`)
    await shot('phone-channels')
  })

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
