import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, MemoryTokenCache, parseLimitInfo } from '../../src/salesforce/index.js'
import type {
  LimitInfo,
  SalesforceClient,
  TokenInfo,
  TokenStore,
} from '../../src/salesforce/index.js'
import {
  CLIENT_SECRET,
  PASSWORD,
  SECURITY_TOKEN,
  passwordAuth,
  sendJson,
  startFakeOrg,
} from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
const clients: SalesforceClient[] = []
function make(extra: Partial<Parameters<typeof createClient>[0]> = {}): SalesforceClient {
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

describe('Sforce-Limit-Info', () => {
  it('parses api-usage without mistaking per-app-api-usage for it', () => {
    const at = new Date(0)
    expect(parseLimitInfo('api-usage=18/5000', at)).toEqual({ used: 18, max: 5000, at })
    expect(
      parseLimitInfo('per-app-api-usage=17/250(appName=sample-app); api-usage=25/5000', at),
    ).toEqual({
      used: 25,
      max: 5000,
      perApp: { used: 17, max: 250, app: 'sample-app' },
      at,
    })
    expect(parseLimitInfo('api-usage=10018/100000; api-bursts=1/750', at)).toMatchObject({
      used: 10018,
      max: 100000,
    })
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)', at)).toBeUndefined()
  })

  it('exposes the latest figures on the client and as an event', async () => {
    const client = make()
    const seen: LimitInfo[] = []
    client.on('limits', (l) => seen.push(l))
    let used = 10
    org.onData = (_req, res) =>
      sendJson(res, 200, {}, { 'sforce-limit-info': `api-usage=${++used}/5000` })
    expect(client.limits).toBeUndefined()
    await client.get('x')
    await client.get('x')
    expect(client.limits).toMatchObject({ used: 12, max: 5000 })
    expect(seen.map((l) => l.used)).toEqual([11, 12])
  })

  it('fails fast with API_LIMIT_RESERVE below the reserve, and lets calls through once the figures are stale', async () => {
    let now = 1_000_000
    const client = make({ limitReserve: 100, now: () => now })
    org.onData = (_req, res) =>
      sendJson(res, 200, {}, { 'sforce-limit-info': 'api-usage=4950/5000' })
    await client.get('x')
    await expect(client.get('x')).rejects.toMatchObject({ code: 'API_LIMIT_RESERVE' })
    expect(org.dataRequests).toHaveLength(1)
    now += 61_000
    await client.get('x')
    expect(org.dataRequests).toHaveLength(2)
  })
})

describe('token cache and store', () => {
  it('lets a restarted client reuse the stored token without logging in', async () => {
    const saved = new Map<string, TokenInfo>()
    const store: TokenStore = {
      load: (k) => Promise.resolve(saved.get(k)),
      save: (k, t) => {
        saved.set(k, t)
        return Promise.resolve()
      },
      delete: (k) => {
        saved.delete(k)
        return Promise.resolve()
      },
    }
    await make({ tokenStore: store }).get('x')
    expect(org.logins).toBe(1)
    expect(saved.size).toBe(1)
    await make({ tokenStore: store }).get('x')
    expect(org.logins).toBe(1)
  })

  it('shares one token between clients on one cache and key', async () => {
    const cache = new MemoryTokenCache()
    await make({ tokenCache: cache }).get('x')
    await make({ tokenCache: cache }).get('x')
    expect(org.logins).toBe(1)
  })

  it('compare-and-delete keeps a newer token', async () => {
    const cache = new MemoryTokenCache()
    const token = { accessToken: 'new' } as TokenInfo
    await cache.set('k', token)
    expect(await cache.delete('k', 'old')).toBe(false)
    expect(await cache.get('k')).toBe(token)
    expect(await cache.delete('k', 'new')).toBe(true)
  })
})

describe('events and logger', () => {
  it('reports request, response, login and retry without tokens or secrets', async () => {
    const logged: unknown[] = []
    const log = (obj: object, msg: string) => logged.push({ obj, msg })
    const client = make({
      logger: { debug: log, info: log, warn: log, error: log },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    })
    const events: unknown[] = []
    for (const name of ['request', 'response', 'login', 'retry'] as const) {
      client.on(name, (e: object) => events.push({ name, ...e }))
    }
    let n = 0
    org.onData = (_req, res) => {
      if (++n === 1) sendJson(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'later' }])
      else sendJson(res, 200, {})
    }
    await client.get('sobjects', { query: { q: 'secret-data' } })
    const token = await client.token()
    expect(events).toEqual([
      expect.objectContaining({ name: 'login', ok: true, flow: 'password' }),
      expect.objectContaining({ name: 'request', attempt: 1 }),
      expect.objectContaining({
        name: 'response',
        status: 503,
        path: '/services/data/v66.0/sobjects',
      }),
      expect.objectContaining({ name: 'retry', reason: 'SERVER_UNAVAILABLE', attempt: 1 }),
      expect.objectContaining({ name: 'request', attempt: 2 }),
      expect.objectContaining({ name: 'response', status: 200 }),
    ])
    const text = JSON.stringify([events, logged])
    for (const secret of [
      token.accessToken,
      PASSWORD,
      SECURITY_TOKEN,
      CLIENT_SECRET,
      'secret-data',
    ]) {
      expect(text).not.toContain(secret)
    }
    expect(logged.length).toBeGreaterThanOrEqual(2)
  })
})
