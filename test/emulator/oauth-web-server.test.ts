import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'

const CALLBACK = 'http://127.0.0.1:9/callback'
const org = {
  users: [{ username: 'web@example.com', password: 'pw', securityToken: 'TOK' }],
  connectedApps: [
    {
      name: 'Web App',
      consumerKey: 'web',
      consumerSecret: 'web-secret',
      flows: ['authorization_code' as const, 'refresh_token' as const],
      callbackUrls: [CALLBACK],
    },
    {
      name: 'Secret App',
      consumerKey: 'confidential',
      consumerSecret: 'confidential-secret',
      flows: ['authorization_code' as const, 'refresh_token' as const],
      callbackUrls: [CALLBACK],
      requireSecretForWebServerFlow: true,
    },
  ],
}
let emu: EmulatorHandle
/** The emulator's clock is the system's plus this many milliseconds. */
let skewMs = 0

beforeAll(async () => {
  emu = await startEmulator({ org, clock: () => new Date(Date.now() + skewMs) })
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
    { redirect: 'manual' },
  )
  if (form.status === 302) return form
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

function codeOf(res: Response): string {
  const code = new URL(res.headers.get('location')!).searchParams.get('code')
  expect(code).not.toBeNull()
  return code!
}

function pkce(method: 'S256' | 'plain' = 'S256') {
  const verifier = randomBytes(32).toString('base64url')
  const challenge =
    method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
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

  it('checks a plain challenge, and reads a challenge without a method as S256', async () => {
    const plain = pkce('plain')
    const code = codeOf(
      await authorize({ code_challenge: plain.challenge, code_challenge_method: 'plain' }),
    )
    expect((await exchange({ code, code_verifier: plain.verifier })).status).toBe(200)

    const s256 = pkce()
    const noMethod = codeOf(await authorize({ code_challenge: s256.challenge }))
    expect((await exchange({ code: noMethod, code_verifier: s256.verifier })).status).toBe(200)
  })

  it('refuses an unknown challenge method at the callback', async () => {
    const res = await authorize({ code_challenge: 'abc', code_challenge_method: 'S512' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.searchParams.get('error')).toBe('invalid_request')
    expect(location.searchParams.get('state')).toBe('xyz')
  })

  it('asks a challenge-less code for the secret even when a verifier is sent', async () => {
    const code = codeOf(await authorize())
    const forged = await exchange({ code, code_verifier: pkce().verifier })
    expect(forged.body.error).toBe('invalid_client')
    expect((await exchange({ code, client_secret: 'web-secret' })).status).toBe(200)
  })

  it('needs a verifier for a code issued with a challenge', async () => {
    const { challenge } = pkce()
    const code = codeOf(await authorize({ code_challenge: challenge }))
    const missing = await exchange({ code, client_secret: 'web-secret' })
    expect(missing.body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    })
  })

  it('needs the secret with PKCE when the app requires it', async () => {
    const { verifier, challenge } = pkce()
    const code = codeOf(await authorize({ client_id: 'confidential', code_challenge: challenge }))
    const params = { code, code_verifier: verifier, client_id: 'confidential' }
    expect((await exchange(params)).body.error).toBe('invalid_client')
    const ok = await exchange({ ...params, client_secret: 'confidential-secret' })
    expect(ok.status).toBe(200)
  })

  it('binds the code to its redirect_uri', async () => {
    const { verifier, challenge } = pkce()
    const code = codeOf(await authorize({ code_challenge: challenge }))
    const other = await exchange({
      code,
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:9/other',
    })
    expect(other.body.error).toBe('redirect_uri_mismatch')
  })

  it('lets a code expire after 15 minutes, answered invalid_grant even to a public client', async () => {
    const { verifier, challenge } = pkce()
    const code = codeOf(await authorize({ code_challenge: challenge }))
    skewMs = 15 * 60_000 + 1_000
    try {
      const late = await exchange({ code, code_verifier: verifier })
      expect(late.body).toEqual({
        error: 'invalid_grant',
        error_description: 'invalid authorization code',
      })
    } finally {
      skewMs = 0
    }
  })
})
