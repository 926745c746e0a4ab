// The dashboard in Chromium (playwright-core, chromiumPath()'s Chromium) against a real server
// and the emulator: sign-in, a connection named in Korean created, pinged, edited without its
// secrets and pinged again, the campaign service invoked, a job failed by fault injection and
// retried, each page screenshotted, a phone-width check, and no console errors. Once per store:
// SQLite, and PostgreSQL (screenshots of the SQLite run only: the pages are the same).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createJobBackend,
  type JobBackend,
  type JobQueue,
  type JobRunner,
} from '../../src/runtime/queue/index.js'
import { createScheduler, type Scheduler } from '../../src/runtime/scheduler/index.js'
import { openStore, type DatabaseTarget, type Store } from '../../src/store/index.js'
import { storeDialects } from '../fixtures/store-dialects.js'
import { openBrowserPage, overflowOf } from './browser-fixture.js'
import { ADMIN, EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'

const NAME = '한국 연결'
let server: AdminServer
let browser: Browser
let page: Page
let queueDir = ''
let queueStore: Store
let jobs: JobBackend
let queue: JobQueue
let runner: JobRunner
let scheduler: Scheduler
let consoleErrors: string[] = []
let shot: (name: string) => Promise<void>

/** The queue and schedules in a store of their own, with retries 10 ms apart. */
async function openQueue(
  home: string,
  database?: DatabaseTarget,
  secretKey?: string,
): Promise<void> {
  queueStore = await openStore({
    home,
    ...(database ? { database } : {}),
    ...(secretKey ? { secretKey } : {}),
  })
  jobs = createJobBackend(queueStore, { retry: { backoff: { baseMs: 10, maxMs: 10 } } })
  queue = jobs.queue
  // Not started: the test only adds and lists schedules, nothing needs to fire.
  scheduler = createScheduler({
    store: queueStore,
    enqueue: (request, tx) => queue.within(tx).enqueue(request),
  })
}

async function waitForJob(id: string, state: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const job = await queue.get(id)
        // The attempts' errors make a failure here readable.
        return job?.state === state ? state : JSON.stringify(job?.attemptHistory)
      },
      { timeout: 15_000 },
    )
    .toBe(state)
}

const dialects = storeDialects('dashboard')

describe.each(dialects)('dashboard in Chromium on $name', (dialect) => {
  beforeAll(async () => {
    queueDir = mkdtempSync(join(tmpdir(), 'fb-admin-queue-'))
    // Both stores on the dialect's database when it is PostgreSQL (the queue's tables beside
    // the rest, as one server would have them).
    const { database, secretKey } = dialect.options()
    await openQueue(join(queueDir, 'home'), database, secretKey)
    server = await startAdminServer({
      queue,
      schedules: scheduler,
      ...(database ? { database } : {}),
      ...(secretKey ? { secretKey } : {}),
    })
    runner = jobs.createRunner({
      pollMs: 50,
      onError: (err) => consoleErrors.push(`worker: ${String(err)}`),
    })
    runner.start((job, signal) => server.runtime.invoker.invoke(job.service, job.input, { signal }))
    await server.store.connections.add({
      name: 'My Salesforce Connection',
      loginUrl: server.emulator.url,
      ...EMULATOR_CREDENTIALS,
    })
    let saveShot: (name: string) => Promise<void>
    ;({ browser, page, consoleErrors, shot: saveShot } = await openBrowserPage())
    shot = dialect.name === 'sqlite' ? saveShot : () => Promise.resolve()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await runner?.stop()
    await server?.close()
    await queueStore?.close()
    rmSync(queueDir, { recursive: true, force: true })
  })

  it('refuses a wrong password and signs in with the right one', async () => {
    await page.goto(`${server.url}/admin`)
    await expect.poll(() => page.url()).toMatch(/\/admin\/sign-in$/)
    await shot('sign-in')
    await page.fill('input[name=name]', ADMIN.name)
    await page.fill('input[name=password]', 'wrong-password')
    await page.click('button[type=submit]')
    await page.locator('.result.error').waitFor()
    expect(await page.locator('.result.error').textContent()).toMatch(/wrong user name or password/)
    // Chromium reports every 4xx answer to fetch in the console; this refusal is the expected one.
    expect(consoleErrors.splice(0)).toEqual([
      'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ])
    await page.fill('input[name=password]', ADMIN.password)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/admin\/connections$/)
    expect(await page.locator('nav .who').textContent()).toBe(ADMIN.name)
  })

  it('creates a connection named in Korean and pings it', async () => {
    await page.click('text=New connection')
    await page.waitForURL(/\/connections\/new$/)
    await page.fill('input[name=name]', NAME)
    await page.selectOption('select[name=authFlow]', 'password')
    await page.fill('input[name=loginUrl]', server.emulator.url)
    await page.fill('input[name=clientId]', EMULATOR_CREDENTIALS.clientId)
    await page.fill('input[name=username]', EMULATOR_CREDENTIALS.username)
    await page.fill('input[name=password]', EMULATOR_CREDENTIALS.password)
    await page.fill('input[name=securityToken]', EMULATOR_CREDENTIALS.securityToken)
    await page.fill('input[name=clientSecret]', EMULATOR_CREDENTIALS.clientSecret)
    await shot('connection-new')
    await page.click('button[type=submit]')
    await page.waitForURL(new RegExp(`/connections/${encodeURIComponent(NAME)}$`))
    expect(await page.locator('h1').textContent()).toBe(NAME)
    await page.click('button:has-text("Ping")')
    await page.locator('#ping-result ul.steps').waitFor()
    const steps = await page.locator('#ping-result li').allTextContents()
    expect(steps).toHaveLength(3)
    expect(steps.every((s) => s.startsWith('✓'))).toBe(true)
    const token = await page.locator('#ping-result dl.token').textContent()
    expect(token).toContain(server.emulator.url)
    expect(token).toContain('signature checked')
    await shot('connection-ping')
  })

  it('edits the connection without re-entering secrets and pings again', async () => {
    await page.click('a:has-text("Edit")')
    await page.waitForURL(/\/edit$/)
    // Secrets are never prefilled.
    for (const f of ['password', 'securityToken', 'clientSecret'])
      expect(await page.inputValue(`input[name=${f}]`)).toBe('')
    await page.fill('input[name=apiVersion]', '65.0')
    await shot('connection-edit')
    await page.click('button[type=submit]')
    await page.waitForURL(new RegExp(`/connections/${encodeURIComponent(NAME)}$`))
    expect(await page.locator('dl.facts').textContent()).toContain('65.0')
    await page.click('button:has-text("Ping")')
    await page.locator('#ping-result ul.steps').waitFor()
    const steps = await page.locator('#ping-result li').allTextContents()
    expect(steps.map((s) => s.slice(0, 1))).toEqual(['✓', '✓', '✓'])
    expect((await server.store.connections.credentials(NAME)).password).toBe(
      EMULATOR_CREDENTIALS.password,
    )
  })

  it('invokes the campaign service, shows the record id, and the record is in the org', async () => {
    await page.click('nav >> text=Services')
    await page.click('a:has-text("campaign.create")')
    await page.locator('pre', { hasText: 'segment' }).first().waitFor()
    await page.fill(
      'textarea[name=input]',
      JSON.stringify({ name: 'Καμπάνια 캠페인', segment: 'Enterprise' }),
    )
    await page.click('button:has-text("Invoke")')
    const output = page.locator('.result pre.output')
    await output.waitFor()
    const { id } = JSON.parse((await output.textContent()) ?? '{}') as { id: string }
    expect(id).toMatch(/^701\w{15}$/)
    // The record is in the org, with what was typed on the page.
    expect(server.emulator.org.getRow('Campaign', id)).toMatchObject({
      Name: 'Καμπάνια 캠페인',
      Segment__c: 'Enterprise',
    })
    await shot('service-invoke')
  })

  it('shows a job failed by fault injection with its error and retries it', async () => {
    // The password flow refused at Salesforce: the job's single attempt fails and it goes dead.
    server.emulator.faults.set({ blockPasswordFlow: true })
    // The runtime's token dies too, so the job's call must log in again, and is refused.
    server.emulator.expireSessions()
    const job = await queue.enqueue({
      service: 'campaign.create',
      input: { name: 'Queued campaign', segment: 'SMB' },
      maxAttempts: 1,
    })
    await waitForJob(job.id, 'dead')
    server.emulator.faults.clear()
    // The client waits a little after a refused login before trying again (token manager
    // cooldown); a forced login ends that wait now that the fault is gone.
    await server.runtime.clients.get('My Salesforce Connection').login()
    await page.goto(`${server.url}/admin/jobs?state=dead`)
    await page.click(`a:has-text("${job.id.slice(0, 8)}")`)
    await page.waitForURL(new RegExp(`/jobs/${job.id}$`))
    expect(await page.locator('table').textContent()).toMatch(/invalid_grant|authentication/i)
    await shot('job-dead')
    // The button reloads the page once the API accepted the retry.
    await Promise.all([page.waitForEvent('load'), page.click('button:has-text("Retry")')])
    await waitForJob(job.id, 'succeeded')
    await page.goto(`${server.url}/admin/jobs/${job.id}`)
    expect(await page.locator('dl.facts .badge').textContent()).toBe('succeeded')
    await page.goto(`${server.url}/admin/jobs`)
    await shot('jobs')
  })

  it('creates an API key and a channel, and shows schedules and the audit log', async () => {
    await page.goto(`${server.url}/admin/channels`)
    await page.fill('form[data-render=key] input[name=name]', '열쇠 κλειδί')
    // API key is the form's first kind.
    await page.click('button:has-text("Create definition")')
    expect(await page.locator('.secret-once').textContent()).toMatch(/^fb_/)
    await page.reload()
    await page.fill('form[data-then=reload] input[name=path]', '/api/campaigns')
    await page.fill('form[data-then=reload] input[name=service]', 'campaign.create')
    await page.selectOption('select[name=securityDefinitionId]', { label: '열쇠 κλειδί' })
    await page.click('button:has-text("Create channel")')
    await page.locator('td code', { hasText: '/api/campaigns' }).waitFor()
    await shot('channels')
    await page.goto(`${server.url}/admin/schedules`)
    await page.fill('input[name=name]', 'daily morning')
    await page.fill('input[name=cron]', '0 6 * * *')
    await page.fill('input[name=service]', 'campaign.create')
    await page.fill('textarea[name=input]', '{"name": "Daily", "segment": "SMB"}')
    await page.click('button:has-text("Create schedule")')
    const row = page.locator('tr', { hasText: 'daily morning' })
    const refused = page.locator('.result.error')
    await row.or(refused).first().waitFor()
    expect(await refused.count(), (await refused.allTextContents()).join()).toBe(0)
    expect(await row.textContent()).toMatch(/ 06:00:00/)
    await shot('schedules')
    await page.goto(`${server.url}/admin/audit`)
    const audit = await page.locator('table').textContent()
    for (const a of [
      'connection.create',
      'connection.update',
      'service.invoke',
      'job.retry',
      'schedule.create',
    ])
      expect(audit).toContain(a)
    await shot('audit')
  })

  it('deletes the connection', async () => {
    await page.goto(`${server.url}/admin/connections/${encodeURIComponent(NAME)}`)
    await page.click('button:has-text("Delete")')
    await page.waitForURL(/\/admin\/connections$/)
    expect(await page.locator('main').textContent()).not.toContain(NAME)
    expect(await server.store.connections.find(NAME)).toBeUndefined()
    await shot('connections')
  })

  it('fits a 390 px wide phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of ['connections', 'services/campaign.create', 'jobs', 'audit']) {
      await page.goto(`${server.url}/admin/${path}`)
      const overflow = await overflowOf(page)
      expect(overflow, path).toBeLessThanOrEqual(0)
    }
    await page.goto(`${server.url}/admin/connections`)
    await shot('phone-connections')
  })

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([])
  })
})
