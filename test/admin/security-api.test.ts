// Security definitions of every kind and channel edits through the admin API, over HTTP against
// a real server: create, edit keeping write-only secrets, rotate, delete refused while used,
// channel limits edited in place, refusals that name the field, and audit entries without secrets.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- the JSON answers under test are checked by the assertions */
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedIn, type AdminCaller } from './admin-api-client.js'
import { EMULATOR_CREDENTIALS, startAdminServer, type AdminServer } from './admin-fixture.js'
import { storedRows } from '../store/fixtures/raw-database.js'

let server: AdminServer
let admin: AdminCaller
const DEFS = '/admin/api/security-definitions'

const BASIC = { kind: 'basic', name: 'Βασική πύλη', username: 'gate', password: 'first-password-1' }
const HS_SECRET = 'hs256-shared-secret-0123456789-abcdef'
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString()
/** Every secret the tests send: none may appear in an answer that lists, or in the audit log. */
const secrets: string[] = [BASIC.password, HS_SECRET]

beforeAll(async () => {
  server = await startAdminServer()
  admin = await signedIn(server.url)
})
afterAll(() => server.close())

async function idOf(name: string): Promise<string> {
  const def = (await server.store.security.find(name))?.id
  if (!def) throw new Error(`no definition ${name}`)
  return def
}

describe('security definitions through the admin API', () => {
  it('creates one of each kind and answers no secret but a made API key, once', async () => {
    const key = await admin('POST', DEFS, { kind: 'api_key', name: '열쇠', key: '' })
    expect(key.status).toBe(201)
    expect(key.body.key).toMatch(/^fb_/)
    secrets.push(key.body.key)
    const basic = await admin('POST', DEFS, BASIC)
    expect(basic.status).toBe(201)
    expect(basic.body).toEqual({
      definition: expect.objectContaining({ kind: 'basic', name: BASIC.name, username: 'gate' }),
    })
    const hs = await admin('POST', DEFS, {
      kind: 'jwt',
      name: 'JWT κοινό',
      algorithm: 'HS256',
      secret: HS_SECRET,
      issuer: 'https://issuer.example',
      publicKey: '',
      jwksUrl: '',
    })
    expect(hs.status).toBe(201)
    expect(hs.body.definition).toMatchObject({ kind: 'jwt', algorithm: 'HS256', hasSecret: true })
    const rsPem = await admin('POST', DEFS, {
      kind: 'jwt',
      name: 'JWT RS pem',
      algorithm: 'RS256',
      publicKey: PEM,
      audience: 'forcebridge',
    })
    expect(rsPem.status).toBe(201)
    expect(rsPem.body.definition.publicKey).toBe(PEM.trim())
    const rsJwks = await admin('POST', DEFS, {
      kind: 'jwt',
      name: 'JWT RS jwks',
      algorithm: 'RS256',
      jwksUrl: 'https://keys.example/.well-known/jwks.json',
    })
    expect(rsJwks.status).toBe(201)
    const listed = await admin('GET', DEFS)
    expect(listed.body.map((d: { name: string }) => d.name).sort()).toEqual(
      ['JWT RS jwks', 'JWT RS pem', 'JWT κοινό', 'Βασική πύλη', '열쇠'].sort(),
    )
    const text = JSON.stringify(listed.body)
    for (const s of secrets) expect(text).not.toContain(s)
    const one = await admin('GET', `${DEFS}/${basic.body.definition.id}`)
    expect(one.body.name).toBe(BASIC.name)
  })

  it('refuses bad definitions with 400 naming the field, and a taken name with 409', async () => {
    const noSecret = await admin('POST', DEFS, { kind: 'jwt', name: 'x', algorithm: 'HS256' })
    expect(noSecret.status).toBe(400)
    expect(noSecret.body.error.message).toMatch(/secret is required for HS256/)
    const short = await admin('POST', DEFS, { ...BASIC, name: 'y', password: 'short' })
    expect(short.status).toBe(400)
    expect(short.body.error.message).toMatch(/password must be at least/)
    const both = await admin('POST', DEFS, {
      kind: 'jwt',
      name: 'z',
      algorithm: 'RS256',
      publicKey: PEM,
      jwksUrl: 'https://keys.example/jwks',
    })
    expect(both.status).toBe(400)
    expect(both.body.error.message).toMatch(/publicKey or jwksUrl/)
    const unknown = await admin('POST', DEFS, { ...BASIC, name: 'w', passwrd: 'typo' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.issues[0].message).toMatch(/passwrd/)
    const taken = await admin('POST', DEFS, BASIC)
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('SECURITY_EXISTS')
  })

  it('edits a Basic definition and keeps its password when left blank', async () => {
    const id = await idOf(BASIC.name)
    const res = await admin('PATCH', `${DEFS}/${id}`, {
      name: 'Βασική πύλη ΙΙ',
      username: 'gate2',
      password: '',
    })
    expect(res.status).toBe(200)
    expect(res.body.definition).toMatchObject({ id, name: 'Βασική πύλη ΙΙ', username: 'gate2' })
    expect(await server.store.security.verifyBasic(id, 'gate2', BASIC.password)).toBe(true)
    const changed = await admin('PATCH', `${DEFS}/${id}`, { password: 'second-password-2' })
    secrets.push('second-password-2')
    expect(changed.status).toBe(200)
    expect(await server.store.security.verifyBasic(id, 'gate2', 'second-password-2')).toBe(true)
    expect(await server.store.security.verifyBasic(id, 'gate2', BASIC.password)).toBe(false)
  })

  it('edits a JWT definition keeping its secret, and moves an RS256 one to a JWKS URL', async () => {
    const hs = await idOf('JWT κοινό')
    const res = await admin('PATCH', `${DEFS}/${hs}`, { issuer: '', audience: 'api', secret: '' })
    expect(res.body.definition).toMatchObject({ issuer: null, audience: 'api', hasSecret: true })
    const material = (await server.store.security.material()).find((m) => m.id === hs)
    expect(material).toMatchObject({ kind: 'jwt', secret: HS_SECRET })
    const rs = await idOf('JWT RS pem')
    const moved = await admin('PATCH', `${DEFS}/${rs}`, {
      publicKey: '',
      jwksUrl: 'https://keys.example/jwks',
    })
    expect(moved.status).toBe(200)
    expect(moved.body.definition).toMatchObject({
      publicKey: null,
      jwksUrl: 'https://keys.example/jwks',
    })
  })

  it('rotates an API key: the new key is answered once and the old one stops working', async () => {
    const id = await idOf('열쇠')
    const old = secrets[2] ?? ''
    const res = await admin('PATCH', `${DEFS}/${id}`, { rotate: true })
    expect(res.status).toBe(200)
    expect(res.body.key).toMatch(/^fb_/)
    expect(res.body.key).not.toBe(old)
    secrets.push(res.body.key)
    expect(await server.store.security.verifyApiKey(id, res.body.key)).toBe(true)
    expect(await server.store.security.verifyApiKey(id, old)).toBe(false)
    const renamed = await admin('PATCH', `${DEFS}/${id}`, { name: '열쇠 κλειδί' })
    expect(renamed.body.key).toBeUndefined()
    expect(await server.store.security.verifyApiKey(id, res.body.key)).toBe(true)
  })

  it('refuses to delete a definition a channel uses with 409 naming the channel', async () => {
    const id = await idOf('Βασική πύλη ΙΙ')
    const channel = await admin('POST', '/admin/api/channels', {
      method: 'POST',
      path: '/api/guarded',
      service: 'campaign.create',
      securityDefinitionId: id,
    })
    expect(channel.status).toBe(201)
    const refused = await admin('DELETE', `${DEFS}/${id}`)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('SECURITY_IN_USE')
    expect(refused.body.error.message).toContain('POST /api/guarded')
    expect(refused.body.error.message).toContain('Βασική πύλη ΙΙ')
    await admin('DELETE', `/admin/api/channels/${channel.body.id}`)
    expect((await admin('DELETE', `${DEFS}/${id}`)).status).toBe(200)
    expect(await server.store.security.get(id)).toBeUndefined()
    expect((await admin('DELETE', `${DEFS}/${id}`)).status).toBe(404)
  })
})

describe('channel edits through the admin API', () => {
  let id = ''
  const CHANNELS = '/admin/api/channels'

  it('edits a channel in place: the id stays and the limits are set and shown', async () => {
    const created = await admin('POST', CHANNELS, {
      method: 'POST',
      path: '/api/limited',
      service: '캠페인.생성',
      securityDefinitionId: '',
    })
    expect(created.status).toBe(201)
    id = created.body.id
    const res = await admin('PATCH', `${CHANNELS}/${id}`, {
      rateLimit: { requests: 10, perSeconds: 60 },
      timeoutMs: 5000,
      maxBodyBytes: 64 * 1024,
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id,
      path: '/api/limited',
      service: '캠페인.생성',
      rateLimit: { requests: 10, perSeconds: 60 },
      timeoutMs: 5000,
      maxBodyBytes: 65536,
    })
    const listed = (await admin('GET', CHANNELS)).body.find((c: { id: string }) => c.id === id)
    expect(listed).toMatchObject({
      rateLimit: { requests: 10, perSeconds: 60 },
      service: '캠페인.생성',
    })
    const cleared = await admin('PATCH', `${CHANNELS}/${id}`, {
      rateLimit: null,
      path: '/api/limited2',
    })
    expect(cleared.body).toMatchObject({
      id,
      rateLimit: null,
      timeoutMs: 5000,
      path: '/api/limited2',
    })
    expect(await server.store.channels.get(id)).toMatchObject({
      path: '/api/limited2',
      rateLimit: null,
    })
  })

  it('refuses a clash with 409 and bad values with 400 naming the field', async () => {
    await admin('POST', CHANNELS, { method: 'GET', path: '/api/other', service: 'campaign.create' })
    const clash = await admin('PATCH', `${CHANNELS}/${id}`, { method: 'GET', path: '/api/other' })
    expect(clash.status).toBe(409)
    expect(clash.body.error.code).toBe('CHANNEL_EXISTS')
    const cases: [unknown, RegExp][] = [
      [{ timeoutMs: 5 }, /timeoutMs must be at least 100 ms/],
      [{ rateLimit: { requests: 0, perSeconds: 60 } }, /rateLimit\.requests must allow at least 1/],
      [{ maxBodyBytes: 2 * 1024 ** 3 }, /maxBodyBytes must be at most 1 GiB/],
      [{ timeoutMs: 'soon' }, /timeoutMs/],
      [{ rateLimit: { requests: 5, perSeconds: null } }, /rateLimit\.perSeconds/],
      [{ path: 'no-slash' }, /path must start with \//],
      [{ securityDefinitionId: 'missing' }, /securityDefinitionId missing does not exist/],
      [{ timeout: 100 }, /timeout/],
    ]
    for (const [body, message] of cases) {
      const res = await admin('PATCH', `${CHANNELS}/${id}`, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.message, JSON.stringify(body)).toMatch(message)
    }
    expect(await server.store.channels.get(id)).toMatchObject({
      path: '/api/limited2',
      timeoutMs: 5000,
    })
    expect((await admin('PATCH', `${CHANNELS}/nope`, { timeoutMs: 1000 })).status).toBe(404)
  })
})

describe('usage panel and audit', () => {
  it('serves the usage panel, which shows the figures after a ping', async () => {
    await server.store.connections.add({
      name: 'Σύνδεση',
      loginUrl: server.emulator.url,
      ...EMULATOR_CREDENTIALS,
    })
    const panel = `/admin/connections/${encodeURIComponent('Σύνδεση')}/usage-panel`
    expect((await admin('GET', panel)).body).toContain('no figures yet')
    expect(
      (await admin('POST', `/admin/api/connections/${encodeURIComponent('Σύνδεση')}/ping`, {})).body
        .ok,
    ).toBe(true)
    const after = await admin('GET', panel)
    expect(after.status).toBe(200)
    expect(after.body).toMatch(/[\d,]+ \/ [\d,]+ API requests/)
    expect(after.body).not.toContain('<html')
  })

  it('audits every change by name and action, never with a secret', async () => {
    const entries = (await admin('GET', '/admin/api/audit?limit=500')).body as {
      action: string
      target: string
      detail: unknown
    }[]
    const actions = entries.map((e) => e.action)
    for (const a of ['security.create', 'security.update', 'security.rotate', 'security.delete'])
      expect(actions).toContain(a)
    const rotate = entries.find((e) => e.action === 'security.rotate')
    expect(rotate).toMatchObject({
      target: '열쇠',
      detail: { kind: 'api_key', fields: ['rotate'] },
    })
    // One entry per accepted edit; the refused ones changed nothing and left none.
    const channelEdits = entries
      .filter((e) => e.action === 'channel.update')
      .map((e) => (e.detail as { fields: string[] }).fields)
    expect(channelEdits).toEqual([
      ['path', 'rateLimit'],
      ['maxBodyBytes', 'rateLimit', 'timeoutMs'],
    ])
    const rows = JSON.stringify(await storedRows(server.store.home, 'audit_log'))
    expect(secrets.length).toBeGreaterThanOrEqual(5)
    for (const s of secrets) expect(rows).not.toContain(s)
    expect(server.logLines.join('\n')).not.toContain(HS_SECRET)
  })
})
