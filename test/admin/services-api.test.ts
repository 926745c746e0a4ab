// The admin API for services over HTTP against a real runtime: a service's settings read with
// secrets hidden and changed with the schema's check (a refusal changes nothing), audited
// without values; the service files with a broken file's error while its previous version
// still answers; a service named in Korean listed and invoked.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- the JSON answers under test are checked by the assertions */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedIn, type AdminCaller } from './admin-api-client.js'
import { EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'

const GREETING = 'greeting.compose'
const KOREAN = '캠페인.생성'
const SIGNATURE = 'sig-Ωmega-0123456789'
let server: AdminServer
let admin: AdminCaller

const settingsPath = (name: string) => `/admin/api/services/${encodeURIComponent(name)}/settings`
const invoke = (name: string, input: unknown) =>
  admin('POST', `/admin/api/services/${encodeURIComponent(name)}/invoke`, { input })

beforeAll(async () => {
  server = await startAdminServer({}, ['greeting-compose.ts', 'korean-campaign.ts'])
  await server.store.connections.add({
    name: 'My Salesforce Connection',
    loginUrl: server.emulator.url,
    ...EMULATOR_CREDENTIALS,
  })
  admin = await signedIn(server.url)
}, 60_000)
afterAll(() => server?.close())

describe('service settings in the admin API', () => {
  it('lists each declared field, none set, with how the form reads it', async () => {
    const res = await admin('GET', settingsPath(GREETING))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      service: GREETING,
      declared: true,
      settings: [
        {
          key: 'greeting',
          declared: true,
          secret: false,
          set: false,
          description: 'Word put before the name',
          input: 'text',
          default: 'Hello',
        },
        {
          key: 'repeat',
          declared: true,
          secret: false,
          set: false,
          input: 'json',
          default: 1,
        },
        { key: 'signature', declared: true, secret: true, set: false, input: 'text' },
      ],
    })
  })

  it('sets values, hides the secret in the answer, and the next invocation uses them', async () => {
    const res = await admin('PATCH', settingsPath(GREETING), {
      set: { greeting: 'Γειά', repeat: 2, signature: SIGNATURE },
    })
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.body)).not.toContain(SIGNATURE)
    const byKey = Object.fromEntries(res.body.settings.map((s: { key: string }) => [s.key, s]))
    expect(byKey.greeting).toMatchObject({ set: true, value: 'Γειά' })
    expect(byKey.repeat).toMatchObject({ set: true, value: 2 })
    expect(byKey.signature).toEqual({
      key: 'signature',
      declared: true,
      secret: true,
      set: true,
      input: 'text',
    })
    const read = await admin('GET', settingsPath(GREETING))
    expect(JSON.stringify(read.body)).not.toContain(SIGNATURE)
    expect(read.body).toEqual(res.body)
    const out = await invoke(GREETING, { name: 'Ada' })
    expect(out.status).toBe(200)
    expect(out.body.output).toEqual({ text: 'Γειά, Ada! Γειά, Ada!', signed: true })
  })

  it('refuses a value the schema refuses with 400 naming the field, and changes nothing', async () => {
    const res = await admin('PATCH', settingsPath(GREETING), {
      set: { greeting: 'Hi', repeat: 9 },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_SETTINGS')
    expect(res.body.error.message).toMatch(/\brepeat\b/)
    expect(res.body.error.message).not.toMatch(/\bgreeting\b.*too/)
    const undeclared = await admin('PATCH', settingsPath(GREETING), { set: { colour: 'red' } })
    expect(undeclared.status).toBe(400)
    expect(undeclared.body.error.message).toContain("'colour'")
    const malformed = await admin('PATCH', settingsPath(GREETING), { set: { repeat: 2 }, x: 1 })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('INVALID_REQUEST')
    const out = await invoke(GREETING, { name: 'Ada' })
    expect(out.body.output.text).toBe('Γειά, Ada! Γειά, Ada!')
  })

  it('unsets a value back to its default', async () => {
    const res = await admin('PATCH', settingsPath(GREETING), { unset: ['repeat', 'signature'] })
    expect(res.status).toBe(200)
    const out = await invoke(GREETING, { name: 'Ada' })
    expect(out.body.output).toEqual({ text: 'Γειά, Ada!', signed: false })
  })

  it('audits each change as service.settings with key names, never values', async () => {
    const audit = await admin('GET', '/admin/api/audit?action=service.settings')
    expect(audit.status).toBe(200)
    const entries = audit.body.map((e: { detail: unknown; target: string }) => ({
      target: e.target,
      detail: e.detail,
    }))
    // Newest first; the refused changes left no entry.
    expect(entries).toEqual([
      { target: GREETING, detail: { set: [], unset: ['repeat', 'signature'] } },
      { target: GREETING, detail: { set: ['greeting', 'repeat', 'signature'], unset: [] } },
    ])
    expect(JSON.stringify(audit.body)).not.toContain(SIGNATURE)
    expect(JSON.stringify(audit.body)).not.toContain('Γειά')
  })

  it('answers 404 for a service that is not loaded, and {} settings for one without a schema', async () => {
    const missing = await admin('GET', settingsPath('no.such'))
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('SERVICE_NOT_FOUND')
    const none = await admin('GET', settingsPath('campaign.create'))
    expect(none.body).toEqual({ service: 'campaign.create', declared: false, settings: [] })
  })
})

describe('service files and a service named in Korean', () => {
  it('lists the Korean service and invokes it with Korean input', async () => {
    const list = await admin('GET', '/admin/api/services')
    const korean = list.body.find((s: { name: string }) => s.name === KOREAN)
    expect(korean).toMatchObject({
      name: KOREAN,
      description: '캠페인을 만듭니다 (creates a Campaign)',
      hasSettings: false,
    })
    expect(korean.source).toMatch(/korean-campaign\.ts$/)
    const one = await admin('GET', `/admin/api/services/${encodeURIComponent(KOREAN)}`)
    expect(one.body.inputSchema.properties).toHaveProperty('이름')
    const out = await invoke(KOREAN, { 이름: '봄 캠페인' })
    expect(out.status).toBe(200)
    expect(out.body.output.id).toMatch(/^701\w{15}$/)
    expect(out.body.output.이름).toBe('봄 캠페인')
  })

  it('shows a broken file with its error while the previous version still answers', async () => {
    const file = join(server.servicesDir, 'greeting-compose.ts')
    const good = readFileSync(file, 'utf8')
    const before = await admin('GET', '/admin/api/service-files')
    expect(before.body.find((f: { file: string }) => f.file === file)).toMatchObject({
      state: 'loaded',
      services: [GREETING],
      error: null,
    })
    writeFileSync(file, `${good}\nthrow new Error('<b>broken</b> on purpose')\n`)
    await server.runtime.serviceCatalog.refresh(file)
    const files = await admin('GET', '/admin/api/service-files')
    const entry = files.body.find((f: { file: string }) => f.file === file)
    expect(entry).toMatchObject({ state: 'stale', services: [GREETING] })
    expect(entry.error).toContain('<b>broken</b> on purpose')
    expect(entry.loadedAt).not.toBeNull()
    expect(entry.failedAt).not.toBeNull()
    const out = await invoke(GREETING, { name: 'Ada' })
    expect(out.status).toBe(200)
    expect(out.body.output.text).toBe('Γειά, Ada!')
    // The page shows the error escaped, beside the file.
    const page = await admin('GET', '/admin/services')
    expect(page.status).toBe(200)
    expect(page.body).toContain('&lt;b&gt;broken&lt;/b&gt; on purpose')
    expect(page.body).not.toContain('<b>broken</b>')
    expect(page.body).toContain('previous version still serving')
    writeFileSync(file, good)
    await server.runtime.serviceCatalog.refresh(file)
    const fixed = await admin('GET', '/admin/api/service-files')
    expect(fixed.body.find((f: { file: string }) => f.file === file)).toMatchObject({
      state: 'loaded',
      error: null,
    })
  })

  it('shows a file that never loaded as failed, serving nothing', async () => {
    const file = join(server.servicesDir, 'never-loads.ts')
    writeFileSync(file, "export default { name: 'not a service' }\n")
    await server.runtime.serviceCatalog.refresh(file)
    const files = await admin('GET', '/admin/api/service-files')
    const entry = files.body.find((f: { file: string }) => f.file === file)
    expect(entry).toMatchObject({ state: 'failed', services: [], loadedAt: null })
    expect(entry.error).toEqual(expect.any(String))
  })
})
