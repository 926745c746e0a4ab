import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-channel-security-'))
const logLines: string[] = []
const ISSUER = 'https://issuer.example.test'
const AUDIENCE = 'forcebridge-tests'
const HS_SECRET = 'a-shared-secret-of-at-least-32-characters!'
const PASSWORD = 'correct horse battery'
let store: Store
let runtime: Runtime
let base: string
let apiKey: string
let basicId: string
let rsPublicPem: string
let rsKey: CryptoKey
let jwksKey: CryptoKey
let otherRsKey: CryptoKey
let jwksServer: Server
let jwksFetches = 0

beforeAll(async () => {
  store = await openStore({ home: join(dir, 'home'), ...(await testDatabase(join(dir, 'home'))) })
  const log = createLogger({
    level: 'info',
    destination: { write: (l: string) => void logLines.push(l) },
  })
  runtime = await createRuntime({
    store,
    log,
    watch: false,
    async: { concurrency: 0, scheduler: false },
  })
  runtime.registry.register(
    defineService({ name: 'whoami', input: z.unknown(), handle: () => ({ ok: true }) }),
  )

  const rs = await generateKeyPair('RS256', { extractable: true })
  rsKey = rs.privateKey
  rsPublicPem = await exportSPKI(rs.publicKey)
  otherRsKey = (await generateKeyPair('RS256')).privateKey
  const jwks = await generateKeyPair('RS256', { extractable: true })
  jwksKey = jwks.privateKey
  const jwk = { ...(await exportJWK(jwks.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }
  jwksServer = createServer((_req, res) => {
    jwksFetches++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
  const address = jwksServer.address()
  const jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jwks.json`

  const api = await store.security.createApiKey('api')
  apiKey = api.key
  const basic = await store.security.create({
    kind: 'basic',
    name: 'basic',
    username: 'ada',
    password: PASSWORD,
  })
  basicId = basic.definition.id
  const hs = await store.security.create({
    kind: 'jwt',
    name: 'hs',
    algorithm: 'HS256',
    secret: HS_SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
  })
  const rsDef = await store.security.create({
    kind: 'jwt',
    name: 'rs',
    algorithm: 'RS256',
    publicKey: rsPublicPem,
    issuer: ISSUER,
    audience: AUDIENCE,
  })
  const jwksDef = await store.security.create({
    kind: 'jwt',
    name: 'jwks',
    algorithm: 'RS256',
    jwksUrl,
  })
  const channels: [string, string][] = [
    ['/api/key', api.definition.id],
    ['/api/basic', basicId],
    ['/api/hs', hs.definition.id],
    ['/api/rs', rsDef.definition.id],
    ['/api/jwks', jwksDef.definition.id],
  ]
  for (const [path, id] of channels) {
    await store.channels.add({ method: 'POST', path, service: 'whoami', securityDefinitionId: id })
  }
  base = await runtime.listen('127.0.0.1', 0)
})

afterAll(async () => {
  await runtime?.close()
  await store?.close()
  await new Promise((resolve) => jwksServer?.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

function call(path: string, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  })
}

const basicAuth = (user: string, pass: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
})
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

interface Claims {
  iss?: string
  aud?: string
  /** Seconds from now; null leaves `exp` out. */
  expiresIn?: number | null
}

async function hsToken(claims: Claims = {}, secret: string | Uint8Array = HS_SECRET) {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  return sign(new SignJWT({ sub: 'caller' }).setProtectedHeader({ alg: 'HS256' }), claims, key)
}

async function rsToken(key: CryptoKey, claims: Claims = {}, kid?: string) {
  const header = kid ? { alg: 'RS256', kid } : { alg: 'RS256' }
  return sign(new SignJWT({ sub: 'caller' }).setProtectedHeader(header), claims, key)
}

function sign(jwt: SignJWT, claims: Claims, key: CryptoKey | Uint8Array) {
  jwt.setIssuedAt()
  if (claims.iss !== '') jwt.setIssuer(claims.iss ?? ISSUER)
  if (claims.aud !== '') jwt.setAudience(claims.aud ?? AUDIENCE)
  const expiresIn = claims.expiresIn === undefined ? 300 : claims.expiresIn
  if (expiresIn !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
  return jwt.sign(key)
}

/** An unsecured JWT (`alg: none`) with valid-looking claims. */
function noneToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'caller', iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}.`
}

async function expectRefused(path: string, headers: Record<string, string>, challenge: RegExp) {
  const res = await call(path, headers)
  expect(res.status, `${path} with ${JSON.stringify(Object.keys(headers))}`).toBe(401)
  expect(await res.json()).toEqual({ error: 'UNAUTHORIZED' })
  expect(res.headers.get('www-authenticate')).toMatch(challenge)
}

describe('API key channel', () => {
  it('accepts the key as X-API-Key or as a Bearer token', async () => {
    expect((await call('/api/key', { 'x-api-key': apiKey })).status).toBe(200)
    const res = await call('/api/key', bearer(apiKey))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('refuses a wrong key, no key, and valid credentials of other kinds', async () => {
    const challenge = /^Bearer realm="forcebridge"$/
    await expectRefused('/api/key', { 'x-api-key': `${apiKey}x` }, challenge)
    await expectRefused('/api/key', {}, challenge)
    await expectRefused('/api/key', basicAuth('ada', PASSWORD), challenge)
    await expectRefused('/api/key', bearer(await hsToken()), challenge)
  })
})

describe('HTTP Basic channel', () => {
  const challenge = /^Basic realm="forcebridge"/

  it('accepts the username and password, again and again', async () => {
    for (let i = 0; i < 3; i++)
      expect((await call('/api/basic', basicAuth('ada', PASSWORD))).status).toBe(200)
  })

  it('refuses a wrong password, a wrong user, no header, and other kinds', async () => {
    await expectRefused('/api/basic', basicAuth('ada', `${PASSWORD}!`), challenge)
    await expectRefused('/api/basic', basicAuth('grace', PASSWORD), challenge)
    await expectRefused('/api/basic', {}, challenge)
    await expectRefused('/api/basic', { authorization: 'Basic bm8tY29sb24taGVyZQ==' }, challenge)
    await expectRefused('/api/basic', { 'x-api-key': apiKey }, challenge)
    await expectRefused('/api/basic', bearer(await hsToken()), challenge)
  })

  it('forgets a remembered success when the password changes', async () => {
    expect((await call('/api/basic', basicAuth('ada', PASSWORD))).status).toBe(200)
    await store.security.update(basicId, { password: 'a brand new password' })
    await expectRefused('/api/basic', basicAuth('ada', PASSWORD), challenge)
    expect((await call('/api/basic', basicAuth('ada', 'a brand new password'))).status).toBe(200)
    await store.security.update(basicId, { password: PASSWORD })
  })

  it('sheds a flood of wrong passwords with 503 instead of queueing scrypt without end', async () => {
    // Distinct wrong passwords: none shares a check; at most 2 run and 64 wait at once.
    const flood = await Promise.all(
      Array.from({ length: 120 }, (_, i) => call('/api/basic', basicAuth('ada', `guess-${i}`))),
    )
    const statuses = flood.map((r) => r.status)
    const shed = flood.filter((r) => r.status === 503)
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(66)
    expect(shed.length).toBeGreaterThan(0)
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true)
    expect(await shed[0]?.json()).toEqual({ error: 'AUTH_UNAVAILABLE' })
    expect(shed[0]?.headers.get('retry-after')).toBe('1')
    // The flood over, the right password is checked as before.
    expect((await call('/api/basic', basicAuth('ada', PASSWORD))).status).toBe(200)
    // 66 scrypt checks, two at a time: seconds on an idle machine, far longer on a loaded one.
  }, 120_000)
})

describe('JWT channel, HS256', () => {
  const invalid = /^Bearer realm="forcebridge", error="invalid_token"$/

  it('accepts a token signed with the secret, with the right issuer and audience', async () => {
    expect((await call('/api/hs', bearer(await hsToken()))).status).toBe(200)
  })

  it('refuses expired, unexpiring, wrong issuer, wrong audience and wrong secret tokens', async () => {
    await expectRefused('/api/hs', bearer(await hsToken({ expiresIn: -120 })), invalid)
    await expectRefused('/api/hs', bearer(await hsToken({ expiresIn: null })), invalid)
    await expectRefused('/api/hs', bearer(await hsToken({ iss: 'https://someone.else' })), invalid)
    await expectRefused('/api/hs', bearer(await hsToken({ aud: 'another-api' })), invalid)
    await expectRefused('/api/hs', bearer(await hsToken({}, `${HS_SECRET}-not`)), invalid)
  })

  it('refuses alg none, other kinds and a missing header', async () => {
    await expectRefused('/api/hs', bearer(noneToken()), invalid)
    await expectRefused('/api/hs', bearer(apiKey), invalid)
    await expectRefused('/api/hs', basicAuth('ada', PASSWORD), /^Bearer realm="forcebridge"$/)
    await expectRefused('/api/hs', {}, /^Bearer realm="forcebridge"$/)
  })
})

describe('JWT channel, RS256 with a public key', () => {
  const invalid = /error="invalid_token"/

  it('accepts a token signed with the private key', async () => {
    expect((await call('/api/rs', bearer(await rsToken(rsKey)))).status).toBe(200)
  })

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const confused = await hsToken({}, new TextEncoder().encode(rsPublicPem))
    await expectRefused('/api/rs', bearer(confused), invalid)
  })

  it('refuses another key, an expired token, a wrong audience, alg none and an HS256 token', async () => {
    await expectRefused('/api/rs', bearer(await rsToken(otherRsKey)), invalid)
    await expectRefused('/api/rs', bearer(await rsToken(rsKey, { expiresIn: -120 })), invalid)
    await expectRefused('/api/rs', bearer(await rsToken(rsKey, { aud: 'another-api' })), invalid)
    await expectRefused('/api/rs', bearer(noneToken()), invalid)
    await expectRefused('/api/rs', bearer(await hsToken()), invalid)
  })
})

describe('JWT channel, RS256 with a JWKS URL', () => {
  const invalid = /error="invalid_token"/

  it('accepts tokens signed with a published key, fetching the key set once', async () => {
    for (let i = 0; i < 3; i++) {
      const token = await rsToken(jwksKey, { iss: '', aud: '' }, 'key-1')
      expect((await call('/api/jwks', bearer(token))).status).toBe(200)
    }
    expect(jwksFetches).toBe(1)
  })

  it('refuses a token from a key that is not published, an expired one and alg none', async () => {
    await expectRefused(
      '/api/jwks',
      bearer(await rsToken(otherRsKey, { iss: '', aud: '' }, 'key-1')),
      invalid,
    )
    await expectRefused(
      '/api/jwks',
      bearer(await rsToken(jwksKey, { iss: '', aud: '', expiresIn: -120 }, 'key-1')),
      invalid,
    )
    await expectRefused('/api/jwks', bearer(noneToken()), invalid)
    await expectRefused('/api/jwks', {}, /^Bearer realm="forcebridge"$/)
  })
})

describe('refusal logs', () => {
  it('name the channel and the reason class, never the credential', async () => {
    const token = await hsToken({ expiresIn: -120 })
    await call('/api/hs', bearer(token))
    const refusals = logLines.filter((l) => l.includes('credential refused'))
    expect(refusals.length).toBeGreaterThan(0)
    const last = JSON.parse(refusals.at(-1) ?? '{}') as Record<string, unknown>
    expect(last).toMatchObject({
      level: 40,
      channel: 'POST /api/hs',
      kind: 'jwt',
      reason: 'expired',
    })
    const all = logLines.join('\n')
    for (const secret of [apiKey, PASSWORD, token, HS_SECRET]) expect(all).not.toContain(secret)
  })
})
