// Admin sign-in limits over real HTTP, each guesser on its own loopback address (127.0.0.x): they
// stop guessing without locking the owner out from elsewhere. Per user and address, per address
// across user names, and a backoff per user that slows guessing spread over many addresses; a
// signed-in admin lists and clears lock-outs, audited. The limiter's clock is driven by the test.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { adminPlugin, ensureAdminUser } from '../../src/admin/index.js'
import {
  createLogger,
  createRuntime,
  createSharedState,
  MemorySignInLimiter,
  type Runtime,
  type SignInLimiterOptions,
} from '../../src/runtime/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { testDatabase } from '../fixtures/test-store.js'

const OWNER = { name: 'admin', password: 'the-owners-long-password' }

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: { error?: { code: string }; csrfToken?: string; [k: string]: unknown }
}

let open: { runtime: Runtime; store: Store; dir: string } | undefined
afterEach(async () => {
  if (!open) return
  await open.runtime.close()
  await open.store.close()
  rmSync(open.dir, { recursive: true, force: true })
  open = undefined
})

/** A server with the default limits, or smaller ones where a test would spend long hashing. */
async function server(signIn: SignInLimiterOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fb-sign-in-'))
  // Ahead of the wall clock: a session must begin after its user row was written (wall clock).
  let now = Date.now() + 600_000
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) }
  const store = await openStore({
    home: join(dir, 'home'),
    ...(await testDatabase(join(dir, 'home'))),
  })
  const log = createLogger({ level: 'silent' })
  const runtime = await createRuntime({
    store,
    log,
    watch: false,
    sharedState: createSharedState({ now: clock.now, signIn }),
  })
  await ensureAdminUser(store, OWNER.name, OWNER.password)
  await runtime.http.register(adminPlugin, { store, runtime, log })
  const url = await runtime.listen('127.0.0.1', 0)
  open = { runtime, store, dir }
  return { url, store, clock }
}

/** One request from `from` (a loopback address of its own), JSON in and out. */
function call(
  url: string,
  from: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        localAddress: from,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Answer['body']) : {},
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const signIn = (url: string, from: string, name: string, password: string) =>
  call(url, from, 'POST', '/admin/api/session', { name, password })

/** Signs the owner in from `from`; the cookie and CSRF token for further calls. */
async function ownerSession(url: string, from: string) {
  const res = await signIn(url, from, OWNER.name, OWNER.password)
  expect(res.status).toBe(200)
  const cookie = String(res.headers['set-cookie']).split(';')[0]!
  return { cookie, 'x-csrf-token': res.body.csrfToken! }
}

describe('admin sign-in limits', () => {
  it('an attacker from one address cannot lock the owner out from another', async () => {
    const { url } = await server()
    const answers: number[] = []
    for (let i = 0; i < 30; i++)
      answers.push((await signIn(url, '127.0.0.2', OWNER.name, `guess-${i}-password`)).status)
    // Five wrong guesses, then refused without checking: the password is not tried further.
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(new Set(answers.slice(5))).toEqual(new Set([429]))
    const rightButBlocked = await signIn(url, '127.0.0.2', OWNER.name, OWNER.password)
    expect(rightButBlocked.status).toBe(429)
    expect(rightButBlocked.body.error?.code).toBe('SIGN_IN_RATE_LIMITED')
    // The owner, elsewhere, signs in at once.
    expect((await signIn(url, '127.0.0.3', OWNER.name, OWNER.password)).status).toBe(200)
  })

  it('the per-address limit holds across user names', async () => {
    // Each check hashes a password; six stand for the default twenty.
    const { url } = await server({ maxFailuresPerAddress: 6 })
    for (let i = 0; i < 6; i++)
      expect((await signIn(url, '127.0.0.4', `user${i}`, 'not-the-password')).status).toBe(401)
    const next = await signIn(url, '127.0.0.4', 'someone-new', 'not-the-password')
    expect(next.status).toBe(429)
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0)
    expect((await signIn(url, '127.0.0.4', OWNER.name, OWNER.password)).status).toBe(429)
    expect((await signIn(url, '127.0.0.5', OWNER.name, OWNER.password)).status).toBe(200)
  })

  it('a backoff per user slows guessing spread over many addresses, never a lock-out', async () => {
    // Four free failures and a 8 s cap stand for the default ten and 60 s.
    const { url, clock } = await server({ userFreeFailures: 4, userMaxBackoffMs: 8_000 })
    // Four guesses from two addresses, two each (under the per-address limits): free.
    for (let a = 10; a < 12; a++)
      for (let i = 0; i < 2; i++)
        expect((await signIn(url, `127.0.0.${a}`, OWNER.name, `g${a}-${i}-password`)).status).toBe(
          401,
        )
    // The fifth is checked, then every further try waits a delay doubling after each failure.
    expect((await signIn(url, '127.0.0.20', OWNER.name, 'g-11-password')).status).toBe(401)
    const waits: number[] = []
    for (let i = 0; i < 5; i++) {
      const from = `127.0.0.${21 + i}`
      const refused = await signIn(url, from, OWNER.name, `g-${i}-password`)
      expect(refused.status).toBe(429)
      const wait = Number(refused.headers['retry-after'])
      waits.push(wait)
      clock.advance(wait * 1000)
      expect((await signIn(url, from, OWNER.name, `g-${i}-password`)).status).toBe(401)
    }
    expect(waits).toEqual([1, 2, 4, 8, 8])
    // The owner from a new address waits at most the longest delay, then signs in.
    const owner = await signIn(url, '127.0.0.40', OWNER.name, OWNER.password)
    expect(owner.status).toBe(429)
    expect(Number(owner.headers['retry-after'])).toBeLessThanOrEqual(8)
    clock.advance(8_000)
    expect((await signIn(url, '127.0.0.40', OWNER.name, OWNER.password)).status).toBe(200)
  })

  it('a signed-in admin lists and clears lock-outs, and the clearing is audited', async () => {
    const { url, store } = await server()
    for (let i = 0; i < 5; i++) await signIn(url, '127.0.0.6', OWNER.name, `guess-${i}-password`)
    expect((await call(url, '127.0.0.6', 'GET', '/admin/api/sign-in-lockouts')).status).toBe(401)
    const session = await ownerSession(url, '127.0.0.7')
    const listed = await call(url, '127.0.0.7', 'GET', '/admin/api/sign-in-lockouts', undefined, {
      cookie: session.cookie,
    })
    expect(listed.status).toBe(200)
    expect(listed.body.lockouts).toEqual([
      expect.objectContaining({
        key: 'pair:127.0.0.6 admin',
        kind: 'user and address',
        user: 'admin',
        address: '127.0.0.6',
        failures: 5,
      }),
    ])
    const page = await fetch(`${url}/admin/audit`, { headers: { cookie: session.cookie } })
    expect(await page.text()).toContain('127.0.0.6')
    const cleared = await call(
      url,
      '127.0.0.7',
      'POST',
      '/admin/api/sign-in-lockouts/clear',
      { key: 'pair:127.0.0.6 admin' },
      session,
    )
    expect(cleared.status).toBe(200)
    expect((await signIn(url, '127.0.0.6', OWNER.name, OWNER.password)).status).toBe(200)
    const again = await call(
      url,
      '127.0.0.7',
      'POST',
      '/admin/api/sign-in-lockouts/clear',
      { key: 'pair:127.0.0.6 admin' },
      session,
    )
    expect(again.status).toBe(404)
    expect(again.body.error?.code).toBe('LOCKOUT_NOT_FOUND')
    const audit = await store.audit.list({ action: 'admin.sign_in_lockout_cleared' })
    expect(audit.map((e) => [e.actor, e.target])).toEqual([['admin', 'pair:127.0.0.6 admin']])
  })
})

describe('memory sign-in limiter', () => {
  it('has the documented defaults: 5 per user and address, 20 per address, backoff past 10', async () => {
    let now = 0
    const limiter = new MemorySignInLimiter({ now: () => now })
    for (let i = 0; i < 5; i++) await limiter.fail(['pair:10.0.0.1 ops'])
    for (let i = 0; i < 19; i++) await limiter.fail(['ip:10.0.0.2'])
    for (let i = 0; i < 10; i++) await limiter.fail(['user:ops'])
    expect(await limiter.retryAfter(['pair:10.0.0.1 ops'])).toBe(900)
    expect(await limiter.retryAfter(['ip:10.0.0.2'])).toBe(0)
    expect(await limiter.retryAfter(['user:ops'])).toBe(0)
    await limiter.fail(['ip:10.0.0.2'])
    expect(await limiter.retryAfter(['ip:10.0.0.2'])).toBe(900)
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      await limiter.fail(['user:ops'])
      waits.push(await limiter.retryAfter(['user:ops']))
      now += 1
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60])
  })

  it('forgets failures after the window and lists only blocked keys', async () => {
    let now = 0
    const limiter = new MemorySignInLimiter({ now: () => now, windowMs: 60_000 })
    await limiter.fail(['pair:10.0.0.1 ops', 'ip:10.0.0.1', 'user:ops'])
    expect(await limiter.lockouts()).toEqual([])
    for (let i = 0; i < 4; i++) await limiter.fail(['pair:10.0.0.1 ops'])
    expect(await limiter.lockouts()).toEqual([
      { key: 'pair:10.0.0.1 ops', failures: 5, retryAfter: 60 },
    ])
    now = 60_000
    expect(await limiter.retryAfter(['pair:10.0.0.1 ops', 'ip:10.0.0.1', 'user:ops'])).toBe(0)
    expect(await limiter.lockouts()).toEqual([])
  })
})
