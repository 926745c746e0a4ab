import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, LoginError, SalesforceApiError } from '../../src/salesforce/index.js'
import type { SalesforceClient } from '../../src/salesforce/index.js'
import {
  CLIENT_SECRET,
  PASSWORD,
  SECURITY_TOKEN,
  passwordAuth,
  sendJson,
  signatureOf,
  startFakeOrg,
} from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
let client: SalesforceClient

beforeEach(async () => {
  org = await startFakeOrg()
})
afterEach(async () => {
  await client?.close()
  await org.close()
})

describe('password flow and token manager', () => {
  it('logs in once for 50 concurrent calls and sends them to instance_url', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), name: 'crm' })
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.get<{ path: string }>('/sobjects/Account/001')),
    )
    expect(org.logins).toBe(1)
    expect(results.every((r) => r.path === '/services/data/v66.0/sobjects/Account/001')).toBe(true)
    expect(org.dataRequests).toHaveLength(50)
  })

  it('sends credentials form-encoded in the body, the security token appended, none in the URL', async () => {
    client = createClient({ loginUrl: `${org.loginUrl}/`, auth: passwordAuth() })
    await client.get('limits')
    const [req] = org.tokenRequests
    expect(req?.method).toBe('POST')
    expect(req?.url.pathname).toBe('/services/oauth2/token')
    expect(req?.url.search).toBe('')
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const form = new URLSearchParams(req?.text)
    expect(form.get('grant_type')).toBe('password')
    expect(form.get('password')).toBe(PASSWORD + SECURITY_TOKEN)
    expect(form.get('client_secret')).toBe(CLIENT_SECRET)
  })

  it('returns the token with a verified signature and reuses it', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    const token = await client.token()
    expect(token.instanceUrl).toBe(org.instanceUrl)
    expect(token.signatureVerified).toBe(true)
    expect(token.tokenType).toBe('Bearer')
    expect(await client.token()).toBe(token)
    expect(org.logins).toBe(1)
    const fresh = await client.login()
    expect(fresh.accessToken).not.toBe(token.accessToken)
    expect(org.logins).toBe(2)
  })

  it('after every session expires mid-traffic, the next calls cost one login and none fails', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    await Promise.all(Array.from({ length: 20 }, () => client.get('sobjects')))
    expect(org.logins).toBe(1)
    org.expireAll()
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => client.get('sobjects')),
    )
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    expect(org.logins).toBe(2)
  })

  it('fails clearly on a second 401 right after a fresh login, without looping', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), name: 'crm' })
    org.onData = (_req, res) =>
      sendJson(res, 401, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ])
    const err = await client.get('sobjects').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SalesforceApiError)
    expect((err as SalesforceApiError).code).toBe('INVALID_SESSION_ID')
    expect((err as SalesforceApiError).status).toBe(401)
    expect((err as Error).message).toContain("connection 'crm'")
    expect(org.logins).toBe(2)
    expect(org.dataRequests).toHaveLength(2)
  })

  it('never logs in again on a 403', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    org.onData = (_req, res) =>
      sendJson(res, 403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ])
    const err = await client.get('sobjects').catch((e: unknown) => e)
    expect((err as SalesforceApiError).code).toBe('REQUEST_LIMIT_EXCEEDED')
    expect((err as SalesforceApiError).status).toBe(403)
    expect((err as SalesforceApiError).retryable).toBe(false)
    expect(org.logins).toBe(1)
    expect(org.dataRequests).toHaveLength(1)
  })

  it('refuses a token answer whose signature does not match the consumer secret', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    org.onToken = () => {
      const id = `${org.loginUrl}/id/00D/005`
      return {
        status: 200,
        body: {
          access_token: 'x',
          instance_url: org.instanceUrl,
          id,
          issued_at: '1278448832702',
          token_type: 'Bearer',
          signature: signatureOf('another-secret', id, '1278448832702'),
        },
      }
    }
    const err = await client.get('sobjects').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LoginError)
    expect((err as LoginError).code).toBe('LOGIN_SIGNATURE_INVALID')
    expect(org.dataRequests).toHaveLength(0)
  })

  it('explains authentication failure and does not retry the login in a tight loop', async () => {
    let now = 1_000_000
    client = createClient({
      loginUrl: org.loginUrl,
      auth: passwordAuth(),
      name: 'crm',
      loginFailureCooldownMs: 5_000,
      now: () => now,
    })
    org.onToken = () => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'authentication failure' },
    })
    const first = await client.get('sobjects').catch((e: unknown) => e)
    expect(first).toBeInstanceOf(LoginError)
    const err = first as LoginError
    expect(err.code).toBe('LOGIN_FAILED')
    expect(err.error).toBe('invalid_grant')
    expect(err.message).toContain('security token')
    expect(err.message).toContain('username-password flow')
    expect(err.message).not.toContain(PASSWORD)
    await expect(client.get('sobjects')).rejects.toBe(first)
    expect(org.logins).toBe(1)
    now += 5_001
    org.onToken = undefined
    await expect(client.get('sobjects')).resolves.toBeDefined()
    expect(org.logins).toBe(2)
  })

  it.each([
    ['invalid_client_id', 'client identifier invalid', 'consumer key'],
    ['invalid_client', 'invalid client credentials', 'consumer secret'],
    ['unsupported_grant_type', 'grant type not supported', 'enabled'],
  ])('names the likely cause of %s', async (error, description, hint) => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    org.onToken = () => ({ status: 400, body: { error, error_description: description } })
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err.code).toBe('LOGIN_FAILED')
    expect(err.hint).toContain(hint)
  })

  it('reports a login host that answers with an HTML page as LOGIN_UNAVAILABLE', async () => {
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth() })
    org.onToken = () => ({
      status: 503,
      contentType: 'text/html',
      body: '<html><head><title>Down for maintenance</title></head><body>x</body></html>',
    })
    const err = (await client.token().catch((e: unknown) => e)) as LoginError
    expect(err.code).toBe('LOGIN_UNAVAILABLE')
    expect(err.message).toContain('Down for maintenance')
  })
})
