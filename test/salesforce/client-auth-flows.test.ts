import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { jwtVerify } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, LoginError } from '../../src/salesforce/index.js'
import type { SalesforceClient } from '../../src/salesforce/index.js'
import { jwtAudience } from '../../src/salesforce/jwt-assertion.js'
import { CLIENT_ID, CLIENT_SECRET, USERNAME, sendJson, startFakeOrg } from './fake-org.js'
import type { FakeOrg, TokenHandler } from './fake-org.js'

let org: FakeOrg
let client: SalesforceClient

beforeEach(async () => {
  org = await startFakeOrg()
})
afterEach(async () => {
  await client?.close()
  await org.close()
})

describe('client credentials flow', () => {
  it('sends the client id and secret in the form body by default', async () => {
    client = createClient({
      loginUrl: org.loginUrl,
      auth: { flow: 'client_credentials', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    })
    await client.get('limits')
    const form = new URLSearchParams(org.tokenRequests[0]?.text)
    expect(form.get('grant_type')).toBe('client_credentials')
    expect(form.get('client_id')).toBe(CLIENT_ID)
    expect(form.get('client_secret')).toBe(CLIENT_SECRET)
    expect(org.tokenRequests[0]?.headers.authorization).toBeUndefined()
  })

  it('uses HTTP Basic client authentication when asked', async () => {
    client = createClient({
      loginUrl: org.loginUrl,
      auth: {
        flow: 'client_credentials',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        clientAuth: 'basic',
      },
    })
    const token = await client.token()
    expect(token.signatureVerified).toBe(true)
    const req = org.tokenRequests[0]
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')
    expect(req?.headers.authorization).toBe(`Basic ${basic}`)
    expect(new URLSearchParams(req?.text).get('client_secret')).toBeNull()
  })

  it('refuses the generic login host, which answers unsupported_grant_type', () => {
    expect(() =>
      createClient({
        loginUrl: 'https://login.salesforce.com',
        auth: { flow: 'client_credentials', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      }),
    ).toThrow(/My Domain/)
  })

  it('hints at the My Domain host and the app settings on unsupported_grant_type', async () => {
    client = createClient({
      loginUrl: org.loginUrl,
      auth: { flow: 'client_credentials', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    })
    org.onToken = () => ({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
    })
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err).toBeInstanceOf(LoginError)
    expect(err.hint).toContain('My Domain')
  })
})

describe('JWT bearer flow', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })

  // Checks the assertion as Salesforce would: signature with the uploaded certificate's key,
  // iss, sub, aud; answers `invalid_grant`/`invalid assertion` otherwise.
  function verifyingTokenHandler(seen: { claims?: Record<string, unknown> }): TokenHandler {
    return async (form) => {
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        return { status: 400, body: { error: 'unsupported_grant_type' } }
      }
      try {
        const verified = await jwtVerify(form.get('assertion') ?? '', createPublicKey(publicKey), {
          issuer: CLIENT_ID,
          subject: USERNAME,
          audience: org.loginUrl,
          algorithms: ['RS256'],
        })
        seen.claims = verified.payload
        return undefined
      } catch {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'invalid assertion' },
        }
      }
    }
  }

  it('sends an RS256 assertion with iss, sub, aud and a short exp', async () => {
    client = createClient({
      loginUrl: org.loginUrl,
      auth: { flow: 'jwt_bearer', clientId: CLIENT_ID, username: USERNAME, privateKey },
    })
    const seen: { claims?: Record<string, unknown> } = {}
    org.onToken = verifyingTokenHandler(seen)
    const token = await client.token()
    // The documented JWT answer carries no signature to verify; this one does, without a secret.
    expect(token.signatureVerified).toBe(false)
    const now = Math.floor(Date.now() / 1000)
    expect(seen.claims?.iss).toBe(CLIENT_ID)
    expect(seen.claims?.exp).toBeGreaterThan(now)
    expect(seen.claims?.exp).toBeLessThanOrEqual(now + 181)
  })

  it('is refused by a server that checks the key when signed with another key', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    })
    client = createClient({
      loginUrl: org.loginUrl,
      auth: {
        flow: 'jwt_bearer',
        clientId: CLIENT_ID,
        username: USERNAME,
        privateKey: other.privateKey,
      },
    })
    org.onToken = verifyingTokenHandler({})
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err.code).toBe('LOGIN_FAILED')
    expect(err.error).toBe('invalid_grant')
    expect(err.hint).toContain('certificate')
  })

  it('derives aud from the login URL, an explicit audience winning', () => {
    const auth = { flow: 'jwt_bearer' as const, clientId: 'c', username: 'u', privateKey: 'k' }
    expect(jwtAudience(auth, 'https://login.salesforce.com')).toBe('https://login.salesforce.com')
    expect(jwtAudience(auth, 'https://acme.my.salesforce.com')).toBe('https://login.salesforce.com')
    expect(jwtAudience(auth, 'https://test.salesforce.com')).toBe('https://test.salesforce.com')
    expect(jwtAudience(auth, 'https://acme--uat.sandbox.my.salesforce.com')).toBe(
      'https://test.salesforce.com',
    )
    expect(jwtAudience(auth, 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000')
    expect(jwtAudience({ ...auth, audience: 'https://site.example.com' }, 'https://x')).toBe(
      'https://site.example.com',
    )
  })
})

describe('refresh token flow', () => {
  it('uses a rotated refresh token and hands it to onRefreshTokenRotated', async () => {
    const live = new Set(['refresh-1'])
    let n = 1
    org.onToken = (form) => {
      const given = form.get('refresh_token') ?? ''
      if (form.get('grant_type') !== 'refresh_token' || !live.has(given)) {
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
        }
      }
      // Rotation: the old refresh token dies, a new one comes with the access token.
      live.delete(given)
      n++
      live.add(`refresh-${n}`)
      org.validTokens.add(`access-${n}`)
      return {
        status: 200,
        body: {
          access_token: `access-${n}`,
          instance_url: org.instanceUrl,
          id: 'x',
          token_type: 'Bearer',
          refresh_token: `refresh-${n}`,
        },
      }
    }
    const rotated: string[] = []
    client = createClient({
      loginUrl: org.loginUrl,
      auth: { flow: 'refresh_token', clientId: CLIENT_ID, refreshToken: 'refresh-1' },
      onRefreshTokenRotated: (t) => {
        rotated.push(t)
      },
    })
    await client.get('sobjects')
    org.expireAll()
    await client.get('sobjects')
    expect(rotated).toEqual(['refresh-2', 'refresh-3'])
    expect(org.tokenRequests.map((r) => new URLSearchParams(r.text).get('refresh_token'))).toEqual([
      'refresh-1',
      'refresh-2',
    ])
  })

  it('explains an expired refresh token', async () => {
    org.onToken = () => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    })
    client = createClient({
      loginUrl: org.loginUrl,
      auth: { flow: 'refresh_token', clientId: CLIENT_ID, refreshToken: 'r' },
    })
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err.hint).toContain('authorise the app again')
  })
})

describe('revoke', () => {
  it('revokes the current token and logs in again on the next call', async () => {
    client = createClient({
      loginUrl: org.loginUrl,
      auth: {
        flow: 'password',
        username: USERNAME,
        password: 'p',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
    })
    const token = await client.token()
    expect(org.validTokens.has(token.accessToken)).toBe(true)
    await client.revoke()
    expect(org.validTokens.has(token.accessToken)).toBe(false)
    org.onData = (_req, res) => sendJson(res, 200, { ok: true })
    await client.get('sobjects')
    expect(org.logins).toBe(2)
  })
})
