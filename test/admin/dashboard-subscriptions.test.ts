// The dashboard's event subscription pages over plain HTTP with a signed-in session: the list
// with state and counts, one subscription's position, lease, last error and dead letters; the
// admin API's pause, resume, reset and dead-letter retry (CSRF, audit); and the page's buttons
// for them in Chromium (playwright-core).
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the JSON answers under test are checked by the assertions */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callApi, signedIn, type AdminCaller } from './admin-api-client.js'
import { ADMIN, startAdminServer, type AdminServer } from './admin-fixture.js'
import { openBrowserPage } from './browser-fixture.js'

let server: AdminServer
let call: AdminCaller

beforeAll(async () => {
  server = await startAdminServer()
  call = await signedIn(server.url)
  const subs = server.store.subscriptions
  const binding = {
    service: 'accounts.follow',
    connection: 'crm',
    topic: '/data/AccountChangeEvent',
  }
  await subs.ensure(binding, Date.now())
  const fence = (await subs.acquire(binding.service, 'node-a:1:x', Date.now(), 60_000))!
  await subs.saveBatch(
    binding.service,
    fence,
    { position: 'AAAAKg==', orgId: '00Dorg', events: 7 },
    Date.now(),
  )
  await subs.recordError(binding.service, fence, 'attempt 1 of 5: <boom>', Date.now())
  await server.store.deadLetters.add(
    {
      id: 'dl-7',
      service: binding.service,
      topic: binding.topic,
      events: '[]',
      eventCount: 2,
      firstReplayId: 'AAAAKg==',
      lastReplayId: 'AAAAKg==',
      error: 'attempt 5 of 5: boom',
      attempts: 5,
      state: 'parked',
    },
    Date.now(),
  )
  await server.store.deadLetters.add(
    {
      id: 'dl-8',
      service: binding.service,
      topic: binding.topic,
      events: '[]',
      eventCount: 2,
      firstReplayId: 'AAAAKg==',
      lastReplayId: 'AAAAKg==',
      error: 'attempt 5 of 5: boom',
      attempts: 5,
      state: 'parked',
    },
    Date.now(),
  )
})

afterAll(async () => {
  await server?.close()
})

describe('subscription pages', () => {
  it('lists subscriptions and shows one with its dead letters, escaped', async () => {
    const list = await call('GET', '/admin/subscriptions')
    expect(list.status).toBe(200)
    expect(list.body).toContain('href="/admin/subscriptions/accounts.follow"')
    expect(list.body).toContain('/data/AccountChangeEvent')
    const one = await call('GET', '/admin/subscriptions/accounts.follow')
    expect(one.status).toBe(200)
    const text = String(one.body)
    expect(text).toContain('AAAAKg==')
    expect(text).toContain('node-a:1:x')
    expect(text).toContain('7 events in 1 batches')
    expect(text).toContain('&lt;boom&gt;')
    expect(text).toContain('dl-7')
    expect((await call('GET', '/admin/subscriptions/nope')).status).toBe(404)
  })
})

describe('subscription actions through the admin API', () => {
  const api = '/admin/api/subscriptions/accounts.follow'

  it('pauses and resumes, each audited once; a second pause changes nothing', async () => {
    const paused = await call('POST', `${api}/pause`, {})
    expect(paused.status).toBe(200)
    expect(paused.body).toMatchObject({ changed: true, subscription: { state: 'paused' } })
    expect((await call('POST', `${api}/pause`, {})).body.changed).toBe(false)
    expect((await server.store.subscriptions.find('accounts.follow'))!.state).toBe('paused')
    const resumed = await call('POST', `${api}/resume`, {})
    expect(resumed.body.subscription.state).toBe('active')
    const audit = await server.store.audit.list({ limit: 20 })
    const mine = audit.filter((a) => a.target === 'accounts.follow')
    expect(mine.map((a) => a.action)).toEqual(['subscription.resume', 'subscription.pause'])
    expect(mine.every((a) => a.actor === ADMIN.name)).toBe(true)
  })

  it('resets to earliest, latest or a replay id, and refuses anything else by name', async () => {
    expect((await call('POST', `${api}/reset`, { to: 'earliest' })).body.position).toBe('@earliest')
    expect((await call('POST', `${api}/reset`, { to: 'AAAAKw==' })).body.position).toBe('AAAAKw==')
    const bad = await call('POST', `${api}/reset`, { to: 'not base64!' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('INVALID_REQUEST')
    expect(bad.body.error.message).toContain("'not base64!'")
    expect((await server.store.subscriptions.find('accounts.follow'))!.position).toBe('AAAAKw==')
    const [last] = await server.store.audit.list({ limit: 1, action: 'subscription.reset' })
    expect(last).toMatchObject({ detail: { from: '@earliest', to: 'AAAAKw==' } })
    expect(
      (await call('POST', '/admin/api/subscriptions/nope/reset', { to: 'latest' })).status,
    ).toBe(404)
  })

  it('queues a parked dead letter for a retry once; refuses without the CSRF token', async () => {
    // The session's cookie without its CSRF token, as a cross-site form would send it.
    const session = await callApi(server.url, 'POST', '/admin/api/session', ADMIN)
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const noCsrf = await callApi(
      server.url,
      'POST',
      `${api}/dead-letters/dl-7/retry`,
      {},
      { cookie },
    )
    expect(noCsrf.status).toBe(403)
    expect(noCsrf.body.error.code).toBe('CSRF_REJECTED')
    expect((await server.store.deadLetters.find('dl-7'))!.state).toBe('parked')
    const retried = await call('POST', `${api}/dead-letters/dl-7/retry`, {})
    expect(retried.status).toBe(200)
    expect((await server.store.deadLetters.find('dl-7'))!.state).toBe('retry')
    const again = await call('POST', `${api}/dead-letters/dl-7/retry`, {})
    expect(again.status).toBe(404)
    expect(again.body.error.code).toBe('DEAD_LETTER_NOT_FOUND')
    const shown = await call('GET', api)
    expect(shown.body.deadLetterList.map((l: { id: string }) => l.id).sort()).toEqual([
      'dl-7',
      'dl-8',
    ])
  })
})

describe('subscription buttons in Chromium', () => {
  let browser: Browser
  let page: Page
  let consoleErrors: string[] = []
  let shot: (name: string) => Promise<void>
  const pageUrl = () => `${server.url}/admin/subscriptions/accounts.follow`
  const position = () => page.locator('dt:text-is("Position") + dd').textContent()
  const state = () => page.locator('dt:text-is("State") + dd').textContent()

  beforeAll(async () => {
    ;({ browser, page, consoleErrors, shot } = await openBrowserPage())
    await page.goto(`${server.url}/admin/sign-in`)
    await page.fill('input[name=name]', ADMIN.name)
    await page.fill('input[name=password]', ADMIN.password)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/admin\/connections$/)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('pause, resume, reset to latest and to a replay id, and retry a dead letter', async () => {
    await page.goto(pageUrl())
    expect((await state())?.trim()).toBe('active')
    await Promise.all([page.waitForEvent('load'), page.click('button:text-is("Pause")')])
    expect((await state())?.trim()).toBe('paused')
    expect((await server.store.subscriptions.find('accounts.follow'))!.state).toBe('paused')
    await Promise.all([page.waitForEvent('load'), page.click('button:text-is("Resume")')])
    expect((await state())?.trim()).toBe('active')

    await Promise.all([page.waitForEvent('load'), page.click('button:text-is("Reset to latest")')])
    expect(await position()).toContain('latest (reset; the consumer starts there)')
    await page.fill('input[name=to]', 'AAAALA==')
    await Promise.all([
      page.waitForEvent('load'),
      page.click('button:text-is("Reset to this replay id")'),
    ])
    expect(await position()).toContain('AAAALA==')
    expect((await server.store.subscriptions.find('accounts.follow'))!.position).toBe('AAAALA==')

    // A refused replay id is named on the page, and nothing changes.
    await page.fill('input[name=to]', 'no such id!')
    await page.click('button:text-is("Reset to this replay id")')
    await page.locator('form .result.error').waitFor()
    expect(await page.locator('form .result.error').textContent()).toContain("'no such id!'")
    expect((await server.store.subscriptions.find('accounts.follow'))!.position).toBe('AAAALA==')

    const row = page.locator('tr', { has: page.locator('code:text-is("dl-8")') })
    await Promise.all([page.waitForEvent('load'), row.locator('button:text-is("Retry")').click()])
    expect(await row.locator('.badge').textContent()).toBe('retry')
    expect(await row.locator('button:text-is("Retry")').count()).toBe(0)
    expect((await server.store.deadLetters.find('dl-8'))!.state).toBe('retry')
    await shot('subscription-actions')

    const actions = (await server.store.audit.list({ limit: 50 }))
      .filter((a) => a.target === 'accounts.follow' && a.actor === ADMIN.name)
      .map((a) => a.action)
    for (const action of [
      'subscription.pause',
      'subscription.resume',
      'subscription.reset',
      'subscription.retry',
    ])
      expect(actions).toContain(action)
    expect(consoleErrors.filter((e) => !e.includes('400'))).toEqual([])
  })
})
