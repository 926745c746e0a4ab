import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'

const CALLBACK = 'http://127.0.0.1:9/callback'
let emu: EmulatorHandle

beforeAll(async () => {
  emu = await startEmulator({
    org: {
      users: [{ username: 'web@example.com', password: 'pw', securityToken: 'TOK' }],
      connectedApps: [
        {
          name: 'Web App',
          consumerKey: 'web',
          consumerSecret: 'web-secret',
          flows: ['authorization_code', 'refresh_token'],
          callbackUrls: [CALLBACK],
        },
      ],
    },
  })
})
afterAll(() => emu.close())

async function authorize(
  extra: Record<string, string> = {},
  password = 'pw',
  consent: 'allow' | 'deny' = 'allow',
) {
  const query = {
    response_type: 'code',
    client_id: 'web',
    redirect_uri: CALLBACK,
    state: 'xyz',
    ...extra,
  }
  const form = await fetch(
    `${emu.url}/services/oauth2/authorize?${new URLSearchParams(query).toString()}`,
  )
  expect(form.status).toBe(200)
  expect(await form.text()).toContain('<form method="post"')
  const login = await fetch(`${emu.url}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...query, username: 'web@example.com', password }),
  })
  if (login.status !== 200) return login
  // The consent page: the scopes asked for, and Allow / Deny.
  const html = await login.text()
  expect(html).toContain('Allow Access?')
  const ticket = /name="consent_ticket" value="([^"]+)"/.exec(html)?.[1]
  expect(ticket).toBeDefined()
  return fetch(`${emu.url}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ consent_ticket: ticket!, consent }),
  })
}

async function exchange(params: Record<string, string>) {
  const res = await fetch(`${emu.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'web',
      redirect_uri: CALLBACK,
      ...params,
    }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, string> }
}

describe('web-server flow', () => {
  it('logs in, redirects with code and state, and exchanges the code (with PKCE) for tokens once', async () => {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const res = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(CALLBACK)
    expect(location.searchParams.get('state')).toBe('xyz')
    const code = location.searchParams.get('code')!

    const wrong = await exchange({ code, code_verifier: 'not-the-verifier' })
    expect(wrong.body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    })

    const again = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })
    const code2 = new URL(again.headers.get('location')!).searchParams.get('code')!
    const ok = await exchange({ code: code2, code_verifier: verifier })
    expect(ok.status).toBe(200)
    expect(ok.body.refresh_token).toMatch(/^5Aep861/)
    expect(ok.body.access_token).toContain('!')

    const reused = await exchange({ code: code2, code_verifier: verifier })
    expect(reused.body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid authorization code',
    })

    const refreshed = await fetch(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: 'web',
        client_secret: 'web-secret',
        refresh_token: ok.body.refresh_token!,
      }),
    })
    expect(refreshed.status).toBe(200)
  })

  it('needs the client secret without PKCE (a refused client does not use up the code)', async () => {
    const res = await authorize()
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    expect((await exchange({ code })).body.error).toBe('invalid_client')
    expect((await exchange({ code, client_secret: 'web-secret' })).status).toBe(200)
  })

  it('redirects with access_denied when the user denies access, and takes one decision per sign-in', async () => {
    const res = await authorize({ scope: 'api refresh_token' }, 'pw', 'deny')
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('state')).toBe('xyz')
    expect(location.searchParams.get('code')).toBeNull()
    const replay = await fetch(`${emu.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ consent_ticket: 'made-up', consent: 'allow' }),
    })
    expect(replay.status).toBe(400)
  })

  it('shows the login page again for a wrong password, and refuses an unknown callback', async () => {
    const res = await authorize({}, 'wrong')
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('Please check your username and password')
    const bad = await fetch(
      `${emu.url}/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'web', redirect_uri: 'https://evil.example.com/cb' }).toString()}`,
    )
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('redirect_uri_mismatch')
  })
})
