// The services pages in Chromium (playwright-core, chromiumPath()'s Chromium) against a real
// server and the emulator: the Files section with a broken file's error while its previous
// version serves, a service's settings set through its form (a secret write-only, cleared with its
// checkbox, a refused value named) and seen in its output, a service named in Korean invoked with
// Korean input, and the connection page after a Ping with the usage panel filled, which is the
// README's screenshot (copied to docs/images/dashboard-ping.png when UPDATE_DOCS_IMAGES=1).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowserPage, overflowOf, SHOTS } from './browser-fixture.js'
import { ADMIN, EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'

const GREETING = 'greeting.compose'
const KOREAN = '캠페인.생성'
// Latin on purpose: the README's screenshot shows it, and this machine has no Hangul font.
const CONNECTION = 'My Salesforce Connection'
const SIGNATURE = 'sig-0123456789-Ωmega'
let server: AdminServer
let browser: Browser
let page: Page
let consoleErrors: string[] = []
let shot: (name: string) => Promise<void>

beforeAll(async () => {
  server = await startAdminServer({}, ['greeting-compose.ts', 'korean-campaign.ts'])
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

const servicePage = (name: string) => `${server.url}/admin/services/${encodeURIComponent(name)}`
const settingsForm = () => page.locator('#settings form')

/** Invokes the open service page's form with `input` and answers the output shown. */
async function invokeOnPage(input: unknown): Promise<unknown> {
  await page.fill('textarea[name=input]', JSON.stringify(input))
  // The previous answer goes first, so the wait below sees this call's answer.
  await page.evaluate(
    "document.querySelector('form[data-render=invoke] .result').replaceChildren()",
  )
  const output = page.locator('form[data-render=invoke] .result pre.output')
  await page.click('button:has-text("Invoke")')
  await output.waitFor()
  return JSON.parse((await output.textContent()) ?? '')
}

describe('services pages in Chromium', () => {
  it('signs in', async () => {
    await page.goto(`${server.url}/admin/sign-in`)
    await page.fill('input[name=name]', ADMIN.name)
    await page.fill('input[name=password]', ADMIN.password)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/admin\/connections$/)
  })

  it('lists the services and, under Files, each file with what it serves', async () => {
    await page.click('nav >> text=Services')
    await page.waitForURL(/\/admin\/services$/)
    const row = page.locator('tr', { has: page.locator(`a:text-is("${GREETING}")`) }).first()
    expect(await row.locator('td[data-label=Description]').textContent()).toBe(
      'Greets a name with the configured word',
    )
    expect(await row.locator('td[data-label=Settings]').textContent()).toBe('yes')
    const files = page.locator('h2:text-is("Files") + div table tbody tr')
    expect(await files.count()).toBe(3)
    const korean = files.filter({ hasText: 'korean-campaign.ts' })
    expect(await korean.locator('td[data-label=State]').textContent()).toContain('loaded')
    expect(await korean.locator('td[data-label=Services]').textContent()).toBe(KOREAN)
    await shot('services')
  })

  it('sets settings through the form and the output follows them', async () => {
    await page.goto(servicePage(GREETING))
    expect(await page.locator('dl.facts').textContent()).toContain(
      'Greets a name with the configured word',
    )
    expect(await invokeOnPage({ name: 'Ada' })).toEqual({ text: 'Hello, Ada!', signed: false })
    const form = settingsForm()
    expect(await form.locator('input[name=repeat]').getAttribute('placeholder')).toBe('default: 1')
    await form.locator('input[name=greeting]').fill('Καλημέρα')
    await form.locator('input[name=repeat]').fill('3')
    await form.locator('input[name=signature][type=password]').fill(SIGNATURE)
    await shot('service-settings-filled')
    await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()])
    // After the reload: plain values shown, the secret never; "clear" offered for it.
    expect(await form.locator('input[name=greeting]').inputValue()).toBe('Καλημέρα')
    expect(await form.locator('input[name=repeat]').inputValue()).toBe('3')
    expect(await form.locator('input[name=signature][type=password]').inputValue()).toBe('')
    expect(await form.textContent()).toContain('secret, stored; leave blank to keep it')
    expect(await page.content()).not.toContain(SIGNATURE)
    expect(await invokeOnPage({ name: 'Ada' })).toEqual({
      text: 'Καλημέρα, Ada! Καλημέρα, Ada! Καλημέρα, Ada!',
      signed: true,
    })
    await shot('service-settings-saved')
  })

  it('keeps a blank secret when other values change', async () => {
    const form = settingsForm()
    await form.locator('input[name=repeat]').fill('2')
    await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()])
    expect(await invokeOnPage({ name: 'Bo' })).toEqual({
      text: 'Καλημέρα, Bo! Καλημέρα, Bo!',
      signed: true,
    })
  })

  it('shows a refused value with the field named, and changes nothing', async () => {
    const form = settingsForm()
    await form.locator('input[name=repeat]').fill('9')
    await form.locator('input[name=greeting]').fill('Hi')
    await form.locator('button[type=submit]').click()
    await form.locator('.result.error').waitFor()
    expect(await form.locator('.result.error').textContent()).toMatch(/\brepeat\b/)
    expect(consoleErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ])
    await shot('service-settings-refused')
    await page.reload()
    expect(await settingsForm().locator('input[name=repeat]').inputValue()).toBe('2')
    expect(await settingsForm().locator('input[name=greeting]').inputValue()).toBe('Καλημέρα')
  })

  it('clears the secret with its checkbox and a value by emptying its input', async () => {
    const form = settingsForm()
    await form.locator('input[name=repeat]').fill('')
    await form.locator('label:has-text("clear signature") input').check()
    await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()])
    expect(await form.locator('input[name=repeat]').inputValue()).toBe('')
    expect(await form.textContent()).toContain('secret, not set')
    expect(await form.locator('input[data-unset]').count()).toBe(0)
    expect(await invokeOnPage({ name: 'Cy' })).toEqual({ text: 'Καλημέρα, Cy!', signed: false })
    const audit = await server.store.audit.list({ action: 'service.settings' })
    expect(audit.map((e) => e.detail)).toEqual([
      { set: [], unset: ['repeat', 'signature'] },
      { set: ['repeat'], unset: [] },
      { set: ['greeting', 'repeat', 'signature'], unset: [] },
    ])
  })

  it('invokes the service named in Korean from its page', async () => {
    await page.goto(`${server.url}/admin/services`)
    await page.click(`a:text-is("${KOREAN}")`)
    await page.waitForURL(new RegExp(`/services/${encodeURIComponent(KOREAN)}$`))
    expect(await page.locator('h1').textContent()).toBe(KOREAN)
    expect(await page.locator('#settings').textContent()).toContain('declares no settings')
    const output = (await invokeOnPage({ 이름: '봄 캠페인 Άνοιξη' })) as Record<string, unknown>
    expect(output.이름).toBe('봄 캠페인 Άνοιξη')
    expect(output.id).toMatch(/^701\w{15}$/)
    expect(server.emulator.org.getRow('Campaign', output.id as string)?.Name).toBe(
      '봄 캠페인 Άνοιξη',
    )
    await shot('service-korean-invoked')
  })

  it('shows a broken file with its error while the previous version keeps answering', async () => {
    const file = join(server.servicesDir, 'greeting-compose.ts')
    const good = readFileSync(file, 'utf8')
    writeFileSync(file, `${good}\nthrow new Error('<img src=x> is not a greeting')\n`)
    try {
      await server.runtime.serviceCatalog.refresh(file)
      await page.goto(`${server.url}/admin/services`)
      const row = page.locator('h2:text-is("Files") + div tr', { hasText: 'greeting-compose.ts' })
      const state = row.locator('td[data-label=State]')
      expect(await state.textContent()).toContain('failed')
      expect(await state.textContent()).toContain('previous version still serving')
      // Shown as text: the markup in the message did not become an element.
      expect(await state.locator('pre.load-error').textContent()).toContain(
        '<img src=x> is not a greeting',
      )
      expect(await page.locator('main img').count()).toBe(0)
      await shot('services-file-failed')
      await page.goto(servicePage(GREETING))
      expect(await invokeOnPage({ name: 'Di' })).toEqual({ text: 'Καλημέρα, Di!', signed: false })
    } finally {
      writeFileSync(file, good)
      await server.runtime.serviceCatalog.refresh(file)
    }
  })

  it('shows the connection after Ping with the usage gauge and chart', async () => {
    await page.goto(`${server.url}/admin/connections/${encodeURIComponent(CONNECTION)}`)
    const panel = page.locator('#usage-panel')
    await page.click('button:has-text("Ping")')
    await panel.locator('svg.gauge').waitFor()
    await page.click('button:has-text("Ping")')
    await panel.locator('svg.chart').waitFor()
    await page.locator('#ping-result ul.steps').waitFor()
    expect(await panel.locator('p.usage-figures').textContent()).toMatch(
      /[\d,]+ \/ [\d,]+ API requests/,
    )
    // The line only goes forward in time, though the runtime's client (which the Korean
    // service used) and each Ping's own client both add figures to it.
    const points = (await panel.locator('svg.chart polyline').getAttribute('points')) ?? ''
    const xs = points.split(' ').map((p) => Number(p.split(',')[0]))
    expect(xs.length).toBeGreaterThanOrEqual(2)
    expect(xs).toEqual([...xs].sort((a, b) => a - b))
    await shot('dashboard-ping')
    if (process.env.UPDATE_DOCS_IMAGES === '1') {
      copyFileSync(
        join(SHOTS, 'dashboard-ping.png'),
        resolve(import.meta.dirname, '../../docs/images/dashboard-ping.png'),
      )
    }
  })

  it('fits a 390 px wide phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of [
      'services',
      `services/${GREETING}`,
      `services/${encodeURIComponent(KOREAN)}`,
    ]) {
      await page.goto(`${server.url}/admin/${path}`)
      expect(await overflowOf(page), path).toBeLessThanOrEqual(0)
    }
    await page.goto(servicePage(GREETING))
    await shot('phone-service-settings')
  })

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
