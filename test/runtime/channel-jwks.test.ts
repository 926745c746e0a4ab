// A JWT channel whose keys come from a JWKS URL, when that URL misbehaves: down from the start
// (503, never 401 or 500), down after the keys were fetched (the cached keys keep working), and a
// key rotation (the new key is accepted once the key set may be fetched again, the old refused).
// A real runtime and a real JWKS server on 127.0.0.1; only the Date jose reads is moved on.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  createLogger,
  createRuntime,
  defineService,
  type Runtime,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fb-jwks-'))
let store: Store
let runtime: Runtime
let base: string
let jwksServer: Server
const jwks = { keys: [] as object[], down: false, fetches: 0 }
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
const keys: Record<string, PrivateKey> = {}
const published: Record<string, object> = {}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

beforeAll(async () => {
  for (const kid of ['key-1', 'key-2']) {
    const pair = await generateKeyPair('RS256', { extractable: true })
    keys[kid] = pair.privateKey
    published[kid] = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' }
  }
  jwks.keys = [published['key-1']!]
  jwksServer = createServer((_req, res) => {
    jwks.fetches++
    if (jwks.down) {
      res.writeHead(503, { 'content-type': 'text/html' })
      res.end('<html>down for maintenance</html>')
      return
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: jwks.keys }))
  })
  const jwksBase = await listen(jwksServer)
  // A port that was open a moment ago and is closed now: nothing answers there.
  const gone = createServer()
  const goneBase = await listen(gone)
  await new Promise((resolve) => gone.close(resolve))

  store = await openStore({ home: join(dir, 'home') })
  runtime = await createRuntime({
    store,
    log: createLogger({ level: 'silent' }),
    watch: false,
    async: { concurrency: 0, scheduler: false },
  })
  runtime.registry.register(
    defineService({ name: 'whoami', input: z.unknown(), handle: () => ({ ok: true }) }),
  )
  for (const [path, url] of [
    ['/api/rotating', `${jwksBase}/jwks.json`],
    ['/api/unreachable', `${goneBase}/jwks.json`],
  ] as const) {
    const def = await store.security.create({
      kind: 'jwt',
      name: path,
      algorithm: 'RS256',
      jwksUrl: url,
    })
    await store.channels.add({
      method: 'POST',
      path,
      service: 'whoami',
      securityDefinitionId: def.definition.id,
    })
  }
  base = await runtime.listen('127.0.0.1', 0)
})

afterEach(() => vi.useRealTimers())
afterAll(async () => {
  await runtime?.close()
  await store?.close()
  await new Promise((resolve) => jwksServer?.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

async function token(kid: string): Promise<string> {
  return new SignJWT({ sub: 'caller' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(keys[kid]!)
}

async function call(path: string, kid: string): Promise<number> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(kid)}` },
    body: '{}',
  })
  await res.arrayBuffer()
  return res.status
}

/** Moves the clock jose reads for its cooldown and cache by `ms`. */
function later(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() + ms)
}

describe('JWT channel with a JWKS URL that misbehaves', () => {
  it('answers 503 while the key set cannot be reached, never 401 or 500', async () => {
    expect(await call('/api/unreachable', 'key-1')).toBe(503)
    expect(await call('/api/unreachable', 'key-1')).toBe(503)
  })

  it('keeps accepting with the cached keys while the URL is down', async () => {
    expect(await call('/api/rotating', 'key-1')).toBe(200)
    jwks.down = true
    const fetches = jwks.fetches
    expect(await call('/api/rotating', 'key-1')).toBe(200)
    expect(jwks.fetches).toBe(fetches)
    // An unknown key while the URL is down: the set cannot be refreshed, so 503, not 401.
    later(31_000)
    expect(await call('/api/rotating', 'key-2')).toBe(503)
    jwks.down = false
  })

  it('accepts the new key after a rotation and refuses the retired one', async () => {
    jwks.keys = [published['key-2']!]
    // Past jose's cooldown between fetches, an unknown kid fetches the set again.
    later(62_000)
    expect(await call('/api/rotating', 'key-2')).toBe(200)
    expect(await call('/api/rotating', 'key-1')).toBe(401)
  })
})
