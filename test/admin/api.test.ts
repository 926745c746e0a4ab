// The admin API over HTTP against a real runtime and the emulator: sign-in, sessions, CSRF,
// write-only secrets, ping, invoke, channels, audit entries, the bearer token, the rate limit.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- the JSON answers under test are checked by the assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Answer } from './admin-api-client.js'
import { ADMIN, EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'
import { storedRows } from '../store/fixtures/raw-database.js'

const API_TOKEN = 'automation-token-0123456789abcdef-xyz'
let server: AdminServer
let cookie = ''
let csrf = ''

const call = (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> => callApi(server.url, method, path, body, headers)

/** A call as the signed-in dashboard makes it: the cookie and the CSRF token. */
const asAdmin = (method: string, path: string, body?: unknown) =>
  call(method, path, body, { cookie, 'x-csrf-token': csrf })

const connection = {
  name: '연결 Σύνδεση',
  loginUrl: '',
  ...EMULATOR_CREDENTIALS,
}

beforeAll(async () => {
  server = await startAdminServer({ apiToken: API_TOKEN, signIn: { maxFailures: 3 } })
  connection.loginUrl = server.emulator.url
})
afterAll(() => server.close())

describe('admin sign-in and sessions', () => {
  it('refuses the API and redirects pages without a session', async () => {
    expect((await call('GET', '/admin/api/connections')).status).toBe(401)
    const page = await call('GET', '/admin/connections')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/admin/sign-in')
  })

  it('refuses a wrong password with the same answer as an unknown user', async () => {
    const wrong = await call('POST', '/admin/api/session', {
      name: ADMIN.name,
      password: 'nope-nope',
    })
    const unknown = await call('POST', '/admin/api/session', {
      name: 'ghost',
      password: 'nope-nope',
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body).toEqual(unknown.body)
    expect(wrong.headers.get('set-cookie')).toBeNull()
  })

  it('signs in with an HttpOnly SameSite=Strict cookie and hands out a CSRF token', async () => {
    const res = await call('POST', '/admin/api/session', ADMIN)
    expect(res.status).toBe(200)
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    cookie = setCookie.split(';')[0] ?? ''
    csrf = res.body.csrfToken
    expect(res.body.user).toBe(ADMIN.name)
    expect(csrf).toMatch(/^[\w-]{40,}$/)
    const page = await asAdmin('GET', '/admin/connections')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
  })

  it('refuses a change without the CSRF token, or with another one', async () => {
    const none = await call('POST', '/admin/api/connections', connection, { cookie })
    const other = await call('POST', '/admin/api/connections', connection, {
      cookie,
      'x-csrf-token': 'x'.repeat(43),
    })
    expect(none.status).toBe(403)
    expect(none.body.error.code).toBe('CSRF_REJECTED')
    expect(other.status).toBe(403)
    expect(await server.store.connections.list()).toHaveLength(0)
  })
})

describe('connections through the admin API', () => {
  it('creates a connection and never returns its secrets', async () => {
    const created = await asAdmin('POST', '/admin/api/connections', connection)
    expect(created.status).toBe(201)
    const listed = await asAdmin('GET', '/admin/api/connections')
    const got = await asAdmin(
      'GET',
      `/admin/api/connections/${encodeURIComponent(connection.name)}`,
    )
    for (const answer of [created, listed, got]) {
      const text = JSON.stringify(answer.body)
      expect(text).toContain(connection.name)
      for (const secret of [
        'my.password',
        'DemoSecurityToken01',
        'forcebridge-demo-consumer-secret',
      ])
        expect(text).not.toContain(secret)
    }
    expect(got.body.secrets).toMatchObject({
      password: true,
      securityToken: true,
      clientSecret: true,
    })
  })

  it('pings with each step and the token details, but no access token', async () => {
    const res = await asAdmin(
      'POST',
      `/admin/api/connections/${encodeURIComponent(connection.name)}/ping`,
    )
    expect(res.status).toBe(200)
    expect(res.body.ok).toBe(true)
    expect(res.body.steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ['login', true],
      ['version', true],
      ['call', true],
    ])
    expect(res.body.token).toMatchObject({
      instanceUrl: server.emulator.url,
      signatureVerified: true,
    })
    expect(res.body.token.id).toMatch(/\/id\//)
    expect(res.body.token.issuedAt).toMatch(/^\d+$/)
    expect(Object.keys(res.body.token).sort()).toEqual([
      'id',
      'instanceUrl',
      'issuedAt',
      'signatureVerified',
    ])
    const usage = await asAdmin(
      'GET',
      `/admin/api/connections/${encodeURIComponent(connection.name)}/usage`,
    )
    expect(usage.body.usage.at(-1)).toMatchObject({
      max: expect.any(Number),
      used: expect.any(Number),
    })
  })

  it('keeps the stored secrets when an edit leaves them out or blank', async () => {
    const path = `/admin/api/connections/${encodeURIComponent(connection.name)}`
    const edited = await asAdmin('PATCH', path, {
      apiVersion: '65.0',
      password: '',
      clientSecret: '',
    })
    expect(edited.status).toBe(200)
    expect(edited.body.apiVersion).toBe('65.0')
    const creds = await server.store.connections.credentials(connection.name)
    expect(creds.password).toBe('my.password')
    expect(creds.clientSecret).toBe('forcebridge-demo-consumer-secret')
    const ping = await asAdmin('POST', `${path}/ping`)
    expect(ping.body.ok).toBe(true)
  })

  it('reports the failing step when a secret is wrong', async () => {
    const path = `/admin/api/connections/${encodeURIComponent(connection.name)}`
    await asAdmin('PATCH', path, { password: 'wrong-password' })
    const ping = await asAdmin('POST', `${path}/ping`)
    expect(ping.body.ok).toBe(false)
    expect(ping.body.steps).toEqual([
      expect.objectContaining({
        name: 'login',
        ok: false,
        detail: expect.stringMatching(/invalid_grant/),
      }),
    ])
    expect(ping.body.token).toBeNull()
    await asAdmin('PATCH', path, { password: 'my.password' })
  })

  it('answers 400 with the field for an invalid connection and 404 for a missing one', async () => {
    const bad = await asAdmin('POST', '/admin/api/connections', {
      ...connection,
      name: 'x',
      loginUrl: 'ftp://x',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(/loginUrl/)
    const missing = await asAdmin('GET', '/admin/api/connections/nope')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('CONNECTION_NOT_FOUND')
  })
})

describe('services, channels and security through the admin API', () => {
  it('lists services with their source file and JSON schemas', async () => {
    const res = await asAdmin('GET', '/admin/api/services')
    const campaign = res.body.find((s: { name: string }) => s.name === 'campaign.create')
    expect(campaign.source).toMatch(/campaign-create\.ts$/)
    expect(campaign.inputSchema.properties).toHaveProperty('segment')
    expect(campaign.outputSchema.required).toEqual(['id'])
  })

  it('invokes a service and answers its output, or its validation issues', async () => {
    await server.store.connections.add({
      ...connection,
      name: 'My Salesforce Connection',
    })
    const ok = await asAdmin('POST', '/admin/api/services/campaign.create/invoke', {
      input: { name: 'Καμπάνια 캠페인', segment: 'Enterprise' },
    })
    expect(ok.status).toBe(200)
    expect(ok.body.output.id).toMatch(/^701\w{15}$/)
    expect(server.emulator.org.getRow('Campaign', ok.body.output.id)).toMatchObject({
      Name: 'Καμπάνια 캠페인',
      Segment__c: 'Enterprise',
    })
    const bad = await asAdmin('POST', '/admin/api/services/campaign.create/invoke', { input: {} })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('INVALID_INPUT')
  })

  it('creates a security definition showing its key once, and channels that use it', async () => {
    const def = await asAdmin('POST', '/admin/api/security-definitions', { name: 'κλειδί' })
    expect(def.status).toBe(201)
    expect(def.body.key).toMatch(/^fb_/)
    const listed = await asAdmin('GET', '/admin/api/security-definitions')
    expect(JSON.stringify(listed.body)).not.toContain(def.body.key)
    const channel = await asAdmin('POST', '/admin/api/channels', {
      method: 'POST',
      path: '/api/campaigns',
      service: 'campaign.create',
      securityDefinitionId: def.body.definition.id,
    })
    expect(channel.status).toBe(201)
    const call1 = await call(
      'POST',
      '/api/campaigns',
      { name: 'Via channel', segment: 'SMB' },
      { 'x-api-key': def.body.key },
    )
    expect(call1.status).toBe(200)
    const inUse = await asAdmin(
      'DELETE',
      `/admin/api/security-definitions/${def.body.definition.id}`,
    )
    expect(inUse.status).toBe(409)
    const moved = await asAdmin('PATCH', `/admin/api/channels/${channel.body.id}`, {
      path: '/api/campaigns2',
    })
    expect(moved.body.path).toBe('/api/campaigns2')
    expect((await asAdmin('DELETE', `/admin/api/channels/${moved.body.id}`)).status).toBe(200)
    expect(
      (await asAdmin('DELETE', `/admin/api/security-definitions/${def.body.definition.id}`)).status,
    ).toBe(200)
  })

  it('answers 501 for jobs when no queue is configured', async () => {
    const res = await asAdmin('GET', '/admin/api/jobs')
    expect(res.status).toBe(501)
    expect(res.body.error.code).toBe('QUEUE_NOT_CONFIGURED')
  })
})

describe('audit log and bearer token', () => {
  it('records every change with who, what and target, and never a secret', async () => {
    const res = await asAdmin('GET', '/admin/api/audit?limit=500')
    const actions = res.body.map((e: { action: string }) => e.action)
    for (const a of [
      'admin.sign_in',
      'admin.sign_in_failed',
      'connection.create',
      'connection.update',
      'service.invoke',
      'security.create',
      'channel.create',
      'channel.update',
      'channel.delete',
      'security.delete',
    ])
      expect(actions).toContain(a)
    const update = res.body.find((e: { action: string }) => e.action === 'connection.update')
    expect(update).toMatchObject({ actor: ADMIN.name, target: connection.name })
    const rows = JSON.stringify(await storedRows(server.store.home, 'audit_log'))
    for (const secret of [
      'my.password',
      'wrong-password',
      'forcebridge-demo-consumer-secret',
      ADMIN.password,
    ])
      expect(rows).not.toContain(secret)
    expect(server.logLines.join('\n')).not.toContain(ADMIN.password)
  })

  it('accepts the bearer admin token without CSRF and refuses a wrong one', async () => {
    const ok = await call('GET', '/admin/api/connections', undefined, {
      authorization: `Bearer ${API_TOKEN}`,
    })
    expect(ok.status).toBe(200)
    const bad = await call('GET', '/admin/api/connections', undefined, {
      authorization: 'Bearer nope',
    })
    expect(bad.status).toBe(401)
    const del = await call(
      'DELETE',
      `/admin/api/connections/${encodeURIComponent(connection.name)}`,
      undefined,
      {
        authorization: `Bearer ${API_TOKEN}`,
      },
    )
    expect(del.status).toBe(200)
    expect(del.body.deleted).toBe(connection.name)
    const [entry] = (await asAdmin('GET', '/admin/api/audit?action=connection.delete')).body
    expect(entry).toMatchObject({ actor: 'token', target: connection.name })
  })

  it('signs out and the old cookie stops working', async () => {
    const out = await asAdmin('DELETE', '/admin/api/session', {})
    expect(out.status).toBe(200)
    expect((await asAdmin('GET', '/admin/api/connections')).status).toBe(401)
  })
})

describe('sign-in rate limit', () => {
  it('answers 429 with Retry-After after too many failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await call('POST', '/admin/api/session', {
        name: ADMIN.name,
        password: `bad-${i}-password`,
      })
      expect(res.status).toBe(401)
    }
    const blocked = await call('POST', '/admin/api/session', ADMIN)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(blocked.body.error.code).toBe('SIGN_IN_RATE_LIMITED')
  })
})
