// The web-server flow helpers of the client library against the emulator's authorize and
// token endpoints: the URL, the PKCE pair, and the code exchange with its typed errors.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import {
  authorizeUrl,
  createClient,
  createPkcePair,
  exchangeAuthorizationCode,
  LoginError,
  SalesforceError,
} from '../../src/salesforce/index.js'

const CALLBACK = 'http://localhost:1717/OauthRedirect'
let emu: EmulatorHandle

beforeAll(async () => {
  emu = await startEmulator({
    org: {
      users: [{ username: 'owner@example.com', password: 'pw' }],
      connectedApps: [
        {
          name: 'Public App',
          consumerKey: 'public',
          consumerSecret: 'public-secret',
          flows: ['authorization_code', 'refresh_token'],
          callbackUrls: [CALLBACK],
        },
        {
          name: 'Confidential App',
          consumerKey: 'confidential',
          consumerSecret: 'confidential-secret',
          flows: ['authorization_code', 'refresh_token'],
          callbackUrls: [CALLBACK],
          requireSecretForWebServerFlow: true,
        },
      ],
    },
  })
})
afterAll(() => emu.close())

/** Follows the URL as a user would (log in, Allow) and returns the callback's query. */
async function consent(url: string): Promise<URLSearchParams> {
  const query = Object.fromEntries(new URL(url).searchParams)
  const login = await fetch(`${emu.url}/services/oauth2/authorize`, {
    method: 'POST',
    body: new URLSearchParams({ ...query, username: 'owner@example.com', password: 'pw' }),
  })
  const ticket = /name="consent_ticket" value="([^"]+)"/.exec(await login.text())?.[1]
  expect(ticket).toBeDefined()
  const allowed = await fetch(`${emu.url}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ consent_ticket: ticket!, consent: 'allow' }),
  })
  expect(allowed.status).toBe(302)
  return new URL(allowed.headers.get('location')!).searchParams
}

async function codeFor(clientId: string, pkce = createPkcePair()) {
  const url = authorizeUrl({
    loginUrl: emu.url,
    clientId,
    redirectUri: CALLBACK,
    state: 'st',
    codeChallenge: pkce.challenge,
  })
  const back = await consent(url)
  expect(back.get('state')).toBe('st')
  return { code: back.get('code')!, verifier: pkce.verifier }
}

async function loginErrorOf(p: Promise<unknown>): Promise<LoginError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(LoginError)
  return err as LoginError
}

describe('authorizeUrl and createPkcePair', () => {
  it('builds the authorize URL with the PKCE challenge and scopes joined by %20', () => {
    const url = authorizeUrl({
      loginUrl: 'https://test.salesforce.com/',
      clientId: '3MVG9key',
      redirectUri: CALLBACK,
      state: 'abc',
      codeChallenge: 'chal',
    })
    expect(url).toBe(
      'https://test.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9key' +
        '&redirect_uri=http%3A%2F%2Flocalhost%3A1717%2FOauthRedirect&scope=api%20refresh_token' +
        '&state=abc&code_challenge=chal&code_challenge_method=S256',
    )
  })

  it('refuses a login URL over http on a non-loopback host', () => {
    expect(() =>
      authorizeUrl({
        loginUrl: 'http://login.salesforce.com',
        clientId: 'k',
        redirectUri: CALLBACK,
        state: 's',
      }),
    ).toThrow(/http on a non-loopback host/)
  })

  it('makes verifiers of 43 to 128 characters with their S256 challenge', () => {
    const short = createPkcePair()
    expect(short.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(short.challenge).toBe(createHash('sha256').update(short.verifier).digest('base64url'))
    expect(createPkcePair(96).verifier).toHaveLength(128)
    expect(createPkcePair().verifier).not.toBe(short.verifier)
    expect(() => createPkcePair(31)).toThrow(SalesforceError)
  })
})

describe('exchangeAuthorizationCode', () => {
  it('exchanges a code for an access and a refresh token that a refresh-token client can use', async () => {
    const { code, verifier } = await codeFor('public')
    const token = await exchangeAuthorizationCode({
      loginUrl: emu.url,
      clientId: 'public',
      code,
      redirectUri: CALLBACK,
      codeVerifier: verifier,
    })
    expect(token.instanceUrl).toBe(emu.url)
    expect(token.refreshToken).toMatch(/^5Aep861/)
    // Without the secret the signature cannot be checked.
    expect(token.signatureVerified).toBe(false)
    const client = createClient({
      loginUrl: emu.url,
      auth: { flow: 'refresh_token', clientId: 'public', refreshToken: token.refreshToken! },
    })
    try {
      const info = await client.get<{ preferred_username: string }>('/services/oauth2/userinfo')
      expect(info.preferred_username).toBe('owner@example.com')
    } finally {
      await client.close()
    }
  })

  it('checks the signature when the secret is given', async () => {
    const { code, verifier } = await codeFor('confidential')
    const token = await exchangeAuthorizationCode({
      loginUrl: emu.url,
      clientId: 'confidential',
      clientSecret: 'confidential-secret',
      code,
      redirectUri: CALLBACK,
      codeVerifier: verifier,
      name: 'crm',
    })
    expect(token.signatureVerified).toBe(true)
  })

  it('fails with a typed error and a hint: wrong verifier, used code, missing secret, other redirect URI', async () => {
    const first = await codeFor('public')
    const exchange = (extra: Partial<Parameters<typeof exchangeAuthorizationCode>[0]>) =>
      exchangeAuthorizationCode({
        loginUrl: emu.url,
        clientId: 'public',
        code: first.code,
        redirectUri: CALLBACK,
        codeVerifier: first.verifier,
        name: 'crm',
        ...extra,
      })
    const wrong = await loginErrorOf(exchange({ codeVerifier: createPkcePair().verifier }))
    expect(wrong.code).toBe('LOGIN_FAILED')
    expect(wrong.flow).toBe('authorization_code')
    expect(wrong.error).toBe('invalid_grant')
    expect(wrong.message).toMatch(/^connection 'crm': Salesforce answered invalid_grant/)
    expect(wrong.hint).toMatch(/code_verifier does not match/)

    const used = await loginErrorOf(exchange({}))
    expect(used.hint).toMatch(/unknown, expired or already used/)

    const confidential = await codeFor('confidential')
    const noSecret = await loginErrorOf(
      exchange({
        clientId: 'confidential',
        code: confidential.code,
        codeVerifier: confidential.verifier,
      }),
    )
    expect(noSecret.error).toBe('invalid_client')
    expect(noSecret.hint).toMatch(/requires the secret for the web-server flow/)

    const other = await codeFor('public')
    const mismatch = await loginErrorOf(
      exchange({
        code: other.code,
        codeVerifier: other.verifier,
        redirectUri: 'http://localhost:1718/OauthRedirect',
      }),
    )
    expect(mismatch.error).toBe('redirect_uri_mismatch')
    expect(mismatch.hint).toMatch(/callback URLs of the connected app/)
  })

  it('refuses a malformed verifier before sending anything, and names an unreachable host', async () => {
    await expect(
      exchangeAuthorizationCode({
        loginUrl: emu.url,
        clientId: 'public',
        code: 'x',
        redirectUri: CALLBACK,
        codeVerifier: 'too-short',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: /option 'codeVerifier'/ })
    const closed = await startEmulator({})
    const url = closed.url
    await closed.close()
    const down = await loginErrorOf(
      exchangeAuthorizationCode({
        loginUrl: url,
        clientId: 'public',
        code: 'x',
        redirectUri: CALLBACK,
      }),
    )
    expect(down.code).toBe('LOGIN_UNAVAILABLE')
  })
})
