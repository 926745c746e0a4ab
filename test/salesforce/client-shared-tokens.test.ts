import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createClient,
  LoginError,
  MemoryLoginCooldown,
  MemoryLoginLock,
  MemoryTokenCache,
} from '../../src/salesforce/index.js'
import type { ClientOptions, SalesforceClient } from '../../src/salesforce/index.js'
import { passwordAuth, startFakeOrg } from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
const clients: SalesforceClient[] = []
function make(extra: Partial<ClientOptions> = {}): SalesforceClient {
  const c = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), name: 'crm', ...extra })
  clients.push(c)
  return c
}

beforeEach(async () => {
  org = await startFakeOrg()
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
  await org.close()
})

describe('auth seam (client.auth)', () => {
  it('hands out the token the calls use, and logs in once for concurrent callers', async () => {
    const client = make()
    expect(client.auth.peek()).toBeUndefined()
    const tokens = await Promise.all([client.auth.current(), client.auth.current()])
    expect(tokens[0]).toBe(tokens[1])
    expect(org.logins).toBe(1)
    await client.get('x')
    expect(org.dataRequests[0]?.headers.authorization).toBe(`Bearer ${tokens[0]?.accessToken}`)
    expect(client.auth.peek()).toBe(tokens[0])
  })

  it('invalidates a refused token only while it is still the current one', async () => {
    const client = make()
    const old = await client.auth.current()
    await client.auth.invalidate(old)
    const fresh = await client.auth.current()
    expect(fresh.accessToken).not.toBe(old.accessToken)
    expect(org.logins).toBe(2)
    // A late report about the old token (by access token, as a gRPC error carries it) keeps
    // the fresh one.
    await client.auth.invalidate(old.accessToken)
    expect(await client.auth.current()).toBe(fresh)
    expect(org.logins).toBe(2)
  })

  it('logs in no more once the client is closed', async () => {
    const client = make()
    await client.close()
    await expect(client.auth.current()).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
    expect(org.logins).toBe(0)
  })
})

describe('tokens shared between clients', () => {
  it('costs one login for clients that share a cache and a login lock and need a token at once', async () => {
    const shared = { tokenCache: new MemoryTokenCache(), loginLock: new MemoryLoginLock() }
    const a = make(shared)
    const b = make(shared)
    org.onToken = async () => {
      // A slow login host: the second client asks while the first login is still running.
      await new Promise((resolve) => setTimeout(resolve, 50))
      return undefined
    }
    const [x, y] = await Promise.all([a.get('x'), b.get('y')])
    expect([x, y]).toEqual([expect.anything(), expect.anything()])
    expect(org.logins).toBe(1)
  })

  it('logs in once per client without a shared lock (the lock is what orders them)', async () => {
    const tokenCache = new MemoryTokenCache()
    const a = make({ tokenCache })
    const b = make({ tokenCache })
    org.onToken = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      return undefined
    }
    await Promise.all([a.get('x'), b.get('y')])
    expect(org.logins).toBe(2)
  })

  it('shares a login failure: a second client fails at once without logging in', async () => {
    const loginCooldown = new MemoryLoginCooldown()
    let now = 1_000_000
    const clock = { now: () => now, loginFailureCooldownMs: 5_000 }
    const a = make({ loginCooldown, ...clock })
    const b = make({ loginCooldown, ...clock })
    org.onToken = () => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'authentication failure' },
    })
    const first = await a.get('x').catch((e: unknown) => e)
    expect(first).toBeInstanceOf(LoginError)
    await expect(b.get('x')).rejects.toBe(first)
    expect(org.logins).toBe(1)
    now += 5_001
    org.onToken = undefined
    await expect(b.get('x')).resolves.toBeDefined()
    expect(org.logins).toBe(2)
    // The success cleared the shared failure: the other client logs in at once too.
    await expect(a.get('x')).resolves.toBeDefined()
  })
})
