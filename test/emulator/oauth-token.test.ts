import { createHmac } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPKCS8, SignJWT } from 'jose'
import { startEmulator, type EmulatorHandle, type OrgFile } from '../../src/emulator/index.js'
import { tokenSignature } from '../../src/emulator/oauth/token-response.js'
import { DEMO } from './login-helper.js'

const run = promisify(execFile)

async function token(url: string, params: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams(params),
    ...init,
  })
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, string>,
  }
}

const passwordParams = (overrides: Record<string, string> = {}) => ({
  grant_type: 'password',
  client_id: DEMO.clientId,
  client_secret: DEMO.clientSecret,
  username: DEMO.username,
  password: DEMO.password + DEMO.securityToken,
  ...overrides,
})

describe('token signature', () => {
  it('matches the self-test vector of salesforce-api.md §1.8', () => {
    expect(
      tokenSignature(
        '1955279925675241571',
        'https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P',
        '1278448832702',
      ),
    ).toBe('/R0tuzu0y7aV2FvHpXdMdeloZ/lWl1OwWrEA7+LOsR8=')
  })
})

describe('password flow', () => {
  let emu: EmulatorHandle
  beforeAll(async () => {
    emu = await startEmulator()
  })
  afterAll(() => emu.close())

  it('answers exactly the documented fields with a signature that verifies', async () => {
    const { status, body, headers } = await token(emu.url, passwordParams())
    expect(status).toBe(200)
    expect(headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(Object.keys(body)).toEqual([
      'access_token',
      'instance_url',
      'id',
      'token_type',
      'issued_at',
      'signature',
      'scope',
    ])
    expect(body.access_token).toMatch(new RegExp(`^${emu.orgId.slice(0, 15)}!`))
    expect(body.instance_url).toBe(emu.url)
    expect(body.id).toMatch(new RegExp(`^${emu.url}/id/${emu.orgId}/005[0-9A-Za-z]{15}$`))
    expect(body.token_type).toBe('Bearer')
    expect(body.issued_at).toMatch(/^\d{13}$/)
    const expected = createHmac('sha256', DEMO.clientSecret)
      .update(body.id! + body.issued_at!)
      .digest('base64')
    expect(body.signature).toBe(expected)
  })

  it('accepts the parameters in the query string and client authentication by HTTP Basic', async () => {
    const { client_id, client_secret, ...rest } = passwordParams()
    const basic = Buffer.from(`${client_id}:${client_secret}`).toString('base64')
    const res = await fetch(
      `${emu.url}/services/oauth2/token?${new URLSearchParams(rest).toString()}`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
      },
    )
    expect(res.status).toBe(200)
  })

  it.each([
    [
      'a wrong password',
      { password: 'wrong' + DEMO.securityToken },
      'invalid_grant',
      'authentication failure',
    ],
    [
      'a missing security token',
      { password: DEMO.password },
      'invalid_grant',
      'authentication failure',
    ],
    [
      'an unknown user',
      { username: 'nobody@example.com' },
      'invalid_grant',
      'authentication failure',
    ],
    [
      'an unknown consumer key',
      { client_id: 'nope' },
      'invalid_client_id',
      'client identifier invalid',
    ],
    [
      'a wrong consumer secret',
      { client_secret: 'nope' },
      'invalid_client',
      'invalid client credentials',
    ],
    [
      'an unknown grant type',
      { grant_type: 'magic' },
      'unsupported_grant_type',
      'grant type not supported',
    ],
  ])('refuses %s with Salesforce error body', async (_name, overrides, error, description) => {
    const { status, body, headers } = await token(emu.url, passwordParams(overrides))
    expect(status).toBe(400)
    expect(body).toEqual({ error, error_description: description })
    expect(headers.get('cache-control')).toBe('no-store')
  })

  it('answers unsupported_grant_type to a JSON body', async () => {
    const res = await fetch(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordParams()),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    })
  })

  it('answers authentication failure when the org blocks the password flow', async () => {
    emu.settings({ allowUsernamePasswordFlow: false })
    try {
      const { status, body } = await token(emu.url, passwordParams())
      expect(status).toBe(400)
      expect(body).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' })
    } finally {
      emu.settings({ allowUsernamePasswordFlow: true })
    }
  })

  it('gets a token with curl in the form of the walkthrough', async () => {
    const { stdout } = await run('curl', [
      '-s',
      `${emu.url}/services/oauth2/token`,
      '-H',
      'X-PrettyPrint: 1',
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'grant_type=password',
      '--data-urlencode',
      `username=${DEMO.username}`,
      '--data-urlencode',
      `password=${DEMO.password}${DEMO.securityToken}`,
      '--data-urlencode',
      `client_id=${DEMO.clientId}`,
      '--data-urlencode',
      `client_secret=${DEMO.clientSecret}`,
    ])
    expect(stdout).toContain('\n    "access_token"')
    const body = JSON.parse(stdout) as Record<string, string>
    expect(body.signature).toBe(tokenSignature(DEMO.clientSecret, body.id!, body.issued_at!))
  })

  it('counts logins per user in the stats', async () => {
    const before = emu.stats().logins[DEMO.username] ?? 0
    await token(emu.url, passwordParams())
    expect(emu.stats().logins[DEMO.username]).toBe(before + 1)
  })
})

describe('org settings for the password flow', () => {
  it('lets a caller in a trusted IP range omit the security token, and refuses inactive users', async () => {
    const org: OrgFile = {
      settings: { trustedIpRanges: ['127.0.0.0/8'] },
      users: [
        { username: 'a@example.com', password: 'pw', securityToken: 'TOKEN' },
        { username: 'b@example.com', password: 'pw', securityToken: 'TOKEN', active: false },
      ],
      connectedApps: [
        { name: 'app', consumerKey: 'key', consumerSecret: 'secret', flows: ['password'] },
      ],
    }
    const emu = await startEmulator({ org })
    try {
      const base = { grant_type: 'password', client_id: 'key', client_secret: 'secret' }
      expect(
        (await token(emu.url, { ...base, username: 'a@example.com', password: 'pw' })).status,
      ).toBe(200)
      expect(
        (await token(emu.url, { ...base, username: 'a@example.com', password: 'pwTOKEN' })).status,
      ).toBe(200)
      const inactive = await token(emu.url, {
        ...base,
        username: 'b@example.com',
        password: 'pwTOKEN',
      })
      expect(inactive.body).toEqual({ error: 'invalid_grant', error_description: 'inactive user' })
    } finally {
      await emu.close()
    }
  })

  it('refuses logins over the hourly limit per user', async () => {
    const emu = await startEmulator({
      org: {
        settings: { loginsPerUserPerHour: 2 },
        users: [{ username: 'u@x.io', password: 'p' }],
        connectedApps: [{ name: 'a', consumerKey: 'k', consumerSecret: 's' }],
      },
    })
    try {
      const p = {
        grant_type: 'password',
        client_id: 'k',
        client_secret: 's',
        username: 'u@x.io',
        password: 'p',
      }
      expect((await token(emu.url, p)).status).toBe(200)
      expect((await token(emu.url, p)).status).toBe(200)
      const third = await token(emu.url, p)
      expect(third.status).toBe(400)
      expect(third.body.error).toBe('rate_limit_exceeded')
    } finally {
      await emu.close()
    }
  })

  it('expires a session left idle longer than the session timeout', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const emu = await startEmulator({
      clock: () => now,
      org: {
        settings: { sessionTimeoutMinutes: 15 },
        users: [{ username: 'u@x.io', password: 'p' }],
        connectedApps: [{ name: 'a', consumerKey: 'k', consumerSecret: 's' }],
      },
    })
    try {
      const { body } = await token(emu.url, {
        grant_type: 'password',
        client_id: 'k',
        client_secret: 's',
        username: 'u@x.io',
        password: 'p',
      })
      const call = () =>
        fetch(`${emu.url}/services/data/v62.0/limits`, {
          headers: { authorization: `Bearer ${body.access_token}` },
        })
      now = new Date(now.getTime() + 14 * 60_000)
      expect((await call()).status).toBe(200)
      now = new Date(now.getTime() + 16 * 60_000)
      const expired = await call()
      expect(expired.status).toBe(401)
      expect(await expired.json()).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
    } finally {
      await emu.close()
    }
  })
})

describe('client credentials flow', () => {
  const org: OrgFile = {
    users: [{ username: 'integration@example.com', password: 'p' }],
    connectedApps: [
      {
        name: 'cc',
        consumerKey: 'cc-key',
        consumerSecret: 'cc-secret',
        flows: ['client_credentials'],
        runAs: 'integration@example.com',
      },
      {
        name: 'no-user',
        consumerKey: 'nu-key',
        consumerSecret: 'nu-secret',
        flows: ['client_credentials'],
      },
    ],
  }
  let emu: EmulatorHandle
  beforeAll(async () => {
    emu = await startEmulator({ org })
  })
  afterAll(() => emu.close())

  it('runs as the run-as user, with Basic client authentication', async () => {
    const basic = Buffer.from('cc-key:cc-secret').toString('base64')
    const res = await token(
      emu.url,
      { grant_type: 'client_credentials' },
      { headers: { authorization: `Basic ${basic}` } },
    )
    expect(res.status).toBe(200)
    const who = await fetch(`${emu.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${res.body.access_token}` },
    })
    expect(((await who.json()) as { preferred_username: string }).preferred_username).toBe(
      'integration@example.com',
    )
  })

  it('refuses an app without a run-as user and a wrong secret', async () => {
    const none = await token(emu.url, {
      grant_type: 'client_credentials',
      client_id: 'nu-key',
      client_secret: 'nu-secret',
    })
    expect(none.body).toEqual({
      error: 'invalid_grant',
      error_description: 'no client credentials user enabled',
    })
    const bad = await token(emu.url, {
      grant_type: 'client_credentials',
      client_id: 'cc-key',
      client_secret: 'x',
    })
    expect(bad.body).toEqual({
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    })
  })

  it('is refused in generic login host mode', async () => {
    emu.settings({ genericLoginHost: true })
    try {
      const res = await token(emu.url, {
        grant_type: 'client_credentials',
        client_id: 'cc-key',
        client_secret: 'cc-secret',
      })
      expect(res.status).toBe(400)
      expect(res.body.error_description).toBe('request not supported on this domain')
    } finally {
      emu.settings({ genericLoginHost: false })
    }
  })
})

describe('JWT bearer flow', () => {
  let emu: EmulatorHandle
  let privateKey: Awaited<ReturnType<typeof importPKCS8>>
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-jwt-'))
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=forcebridge-test',
    ])
    privateKey = await importPKCS8(readFileSync(join(dir, 'key.pem'), 'utf8'), 'RS256')
    const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8')
    rmSync(dir, { recursive: true, force: true })
    emu = await startEmulator({
      org: {
        users: [
          { username: 'jwt@example.com', password: 'p' },
          { username: 'off@example.com', password: 'p', active: false },
        ],
        connectedApps: [
          {
            name: 'jwt',
            consumerKey: 'jwt-key',
            consumerSecret: 'jwt-secret',
            flows: ['jwt_bearer'],
            certificate,
          },
        ],
      },
    })
  })
  afterAll(() => emu.close())

  const assertion = (claims: Record<string, unknown>, expInS = 180) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + expInS)
      .sign(privateKey)

  const grant = async (jwt: string) =>
    token(emu.url, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt })

  it('issues a token for a valid assertion, without refresh token or signature', async () => {
    const res = await grant(
      await assertion({
        iss: 'jwt-key',
        sub: 'jwt@example.com',
        aud: 'https://login.salesforce.com',
      }),
    )
    expect(res.status).toBe(200)
    expect(Object.keys(res.body)).toEqual([
      'access_token',
      'instance_url',
      'id',
      'token_type',
      'scope',
    ])
  })

  it('accepts the emulator URL as the audience', async () => {
    expect(
      (await grant(await assertion({ iss: 'jwt-key', sub: 'jwt@example.com', aud: emu.url })))
        .status,
    ).toBe(200)
  })

  it.each([
    [
      'a wrong audience',
      { iss: 'jwt-key', sub: 'jwt@example.com', aud: 'https://evil.example.com' },
      180,
      'invalid_grant',
      'audience is invalid',
    ],
    [
      'an unknown issuer',
      { iss: 'nope', sub: 'jwt@example.com', aud: 'https://login.salesforce.com' },
      180,
      'invalid_client_id',
      'client identifier invalid',
    ],
    [
      'an expired assertion',
      { iss: 'jwt-key', sub: 'jwt@example.com', aud: 'https://login.salesforce.com' },
      -60,
      'invalid_grant',
      'invalid assertion',
    ],
    [
      'an exp too far ahead',
      { iss: 'jwt-key', sub: 'jwt@example.com', aud: 'https://login.salesforce.com' },
      3600,
      'invalid_grant',
      'invalid assertion',
    ],
    [
      'an inactive user',
      { iss: 'jwt-key', sub: 'off@example.com', aud: 'https://login.salesforce.com' },
      180,
      'invalid_grant',
      'inactive user',
    ],
  ])('refuses %s', async (_name, claims, exp, error, description) => {
    const res = await grant(await assertion(claims, exp))
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ error, error_description: description })
  })

  it('refuses an assertion signed with another key', async () => {
    const other = await (await import('jose')).generateKeyPair('RS256')
    const jwt = await new SignJWT({
      iss: 'jwt-key',
      sub: 'jwt@example.com',
      aud: 'https://login.salesforce.com',
    })
      .setProtectedHeader({ alg: 'RS256' })
      .setExpirationTime('2m')
      .sign(other.privateKey)
    expect((await grant(jwt)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid assertion',
    })
  })
})

describe('refresh tokens, revoke and identity', () => {
  const org: OrgFile = {
    users: [{ username: 'r@example.com', password: 'p', firstName: 'Rae', lastName: 'Fresh' }],
    connectedApps: [
      { name: 'plain', consumerKey: 'plain', consumerSecret: 'ps', flows: ['refresh_token'] },
      {
        name: 'rotating',
        consumerKey: 'rot',
        consumerSecret: 'rs',
        flows: ['refresh_token'],
        refreshTokenRotation: true,
      },
    ],
  }
  let emu: EmulatorHandle
  beforeAll(async () => {
    emu = await startEmulator({ org })
  })
  afterAll(() => emu.close())

  const refresh = (clientId: string, rt: string) =>
    token(emu.url, { grant_type: 'refresh_token', client_id: clientId, refresh_token: rt })

  it('refreshes without a new refresh token when rotation is off', async () => {
    const rt = emu.issueRefreshToken('r@example.com', 'plain')
    const first = await refresh('plain', rt)
    expect(first.status).toBe(200)
    expect(first.body.refresh_token).toBeUndefined()
    expect((await refresh('plain', rt)).status).toBe(200)
  })

  it('rotates: the new refresh token works, the old one is revoked', async () => {
    const rt = emu.issueRefreshToken('r@example.com', 'rot')
    const first = await refresh('rot', rt)
    expect(first.body.refresh_token).toMatch(/^5Aep861/)
    const again = await refresh('rot', rt)
    expect(again.body).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    })
    expect((await refresh('rot', first.body.refresh_token!)).status).toBe(200)
  })

  it('revoking a refresh token revokes it and its access tokens', async () => {
    const rt = emu.issueRefreshToken('r@example.com', 'plain')
    const { body } = await refresh('plain', rt)
    const limits = () =>
      fetch(`${emu.url}/services/data/v62.0/limits`, {
        headers: { authorization: `Bearer ${body.access_token}` },
      })
    expect((await limits()).status).toBe(200)
    const revoked = await fetch(`${emu.url}/services/oauth2/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: rt }),
    })
    expect(revoked.status).toBe(200)
    expect(await revoked.text()).toBe('')
    expect((await limits()).status).toBe(401)
    expect((await refresh('plain', rt)).status).toBe(400)
  })

  it('introspects access and refresh tokens for an authenticated app', async () => {
    const rt = emu.issueRefreshToken('r@example.com', 'plain')
    const { body } = await refresh('plain', rt)
    const introspect = async (tokenValue: string, secret = 'ps') => {
      const res = await fetch(`${emu.url}/services/oauth2/introspect`, {
        method: 'POST',
        body: new URLSearchParams({ token: tokenValue, client_id: 'plain', client_secret: secret }),
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    const access = await introspect(body.access_token!)
    expect(access.body).toMatchObject({
      active: true,
      client_id: 'plain',
      username: 'r@example.com',
      token_type: 'access_token',
      sub: body.id,
    })
    expect(access.body.exp as number).toBeGreaterThan(access.body.iat as number)
    expect((await introspect(rt)).body).toMatchObject({ active: true, token_type: 'refresh_token' })
    expect((await introspect('nope')).body).toEqual({ active: false })
    expect((await introspect(rt, 'wrong')).status).toBe(400)
  })

  it('answers the identity URL and userinfo for the session user', async () => {
    const { body } = await refresh('plain', emu.issueRefreshToken('r@example.com', 'plain'))
    const auth = { authorization: `Bearer ${body.access_token}` }
    const id = (await (await fetch(body.id!, { headers: auth })).json()) as Record<string, unknown>
    expect(id).toMatchObject({
      username: 'r@example.com',
      organization_id: emu.orgId,
      display_name: 'Rae Fresh',
    })
    expect((id.urls as Record<string, string>).rest).toContain('/services/data/v{version}/')
    const info = (await (
      await fetch(`${emu.url}/services/oauth2/userinfo`, { headers: auth })
    ).json()) as Record<string, unknown>
    expect(info).toMatchObject({
      preferred_username: 'r@example.com',
      family_name: 'Fresh',
      sub: body.id,
    })
    const bad = await fetch(`${emu.url}/services/oauth2/userinfo`, {
      headers: { authorization: 'Bearer nope' },
    })
    expect(bad.status).toBe(403)
  })
})
