import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js'
import { defaultOrg } from '../../src/emulator/org/default-org.js'
import { apiClient, passwordLogin } from './login-helper.js'

let emu: EmulatorHandle
let api: ReturnType<typeof apiClient>

beforeAll(async () => {
  const org = { ...defaultOrg, settings: { dailyApiRequests: 50, maxConcurrentLongRunning: 1 } }
  emu = await startEmulator({ org, longRunningMs: 100 })
  api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
})
afterAll(() => emu.close())
afterEach(() => {
  emu.faults.clear()
  emu.limits.reset()
})

describe('limits', () => {
  it('adds Sforce-Limit-Info to every counted call and reports DailyApiRequests in /limits', async () => {
    const first = await api('GET', '/sobjects')
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/50')
    const limits = await api('GET', '/limits')
    expect(limits.headers.get('sforce-limit-info')).toBe('api-usage=2/50')
    expect(limits.body).toMatchObject({ DailyApiRequests: { Max: 50, Remaining: 48 } })
    expect(emu.stats().apiUsage).toEqual({ used: 2, max: 50 })
  })

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily allowance is spent', async () => {
    emu.limits.spend()
    const res = await api('GET', '/sobjects')
    expect(res.status).toBe(403)
    expect(res.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ])
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=50/50')
  })

  it('answers 403 ConcurrentPerOrgLongTxn when too many long-running calls are in flight', async () => {
    emu.faults.set({ latencyMs: 400 })
    const slow = api('GET', '/limits')
    await new Promise((r) => setTimeout(r, 200))
    const refused = await api('GET', '/limits')
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual([
      { message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ])
    expect((await slow).status).toBe(200)
  })
})

describe('fault injection', () => {
  const cases = [
    ['serverUnavailable', 503, 'application/json', 'SERVER_UNAVAILABLE'],
    ['unableToLockRow', 400, 'application/json', 'UNABLE_TO_LOCK_ROW'],
    ['internalError', 500, 'application/json', 'UNKNOWN_EXCEPTION'],
    ['badGatewayHtml', 502, 'text/html', 'Bad Gateway'],
    ['maintenanceHtml', 503, 'text/html', 'down for maintenance'],
  ] as const

  it.each(cases)('injects %s', async (kind, status, type, marker) => {
    emu.faults.set({ errorRates: { [kind]: 1 } })
    const res = await api('POST', '/sobjects/Account', { Name: 'x' })
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toContain(type)
    expect(typeof res.body === 'string' ? res.body : JSON.stringify(res.body)).toContain(marker)
    // Nothing was written.
    expect([...emu.org.rows('Account')]).toHaveLength(0)
  })

  it('injects UNABLE_TO_LOCK_ROW only on writes', async () => {
    emu.faults.set({ errorRates: { unableToLockRow: 1 } })
    expect((await api('GET', '/limits')).status).toBe(200)
  })

  it('resets the connection', async () => {
    emu.faults.set({ errorRates: { connectionReset: 1 } })
    await expect(api('GET', '/limits')).rejects.toThrow()
    emu.faults.clear()
    expect((await api('GET', '/limits')).status).toBe(200)
  })

  it('adds latency', async () => {
    // No clock: a call made under a long latency is still unanswered after a later call, made
    // once the latency is cleared, has been answered. Without the latency it would have been
    // answered first (it reached the emulator first).
    const { access_token } = await passwordLogin(emu.url)
    emu.faults.set({ latencyMs: 20_000 })
    const before = emu.stats().requests
    const abort = new AbortController()
    let settled = false
    const slow = fetch(`${emu.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${access_token}` },
      signal: abort.signal,
    }).finally(() => (settled = true))
    slow.catch(() => undefined)
    while (emu.stats().requests === before) await new Promise((r) => setImmediate(r))
    emu.faults.clear()
    expect((await api('GET', '/limits')).status).toBe(200)
    expect((await api('GET', '/limits')).status).toBe(200)
    expect(settled).toBe(false)
    abort.abort()
    await expect(slow).rejects.toThrow()
  })

  it('expires every session after N calls', async () => {
    const call = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
    emu.faults.set({ expireSessionsEvery: 2 })
    expect((await call('GET', '/limits')).status).toBe(200)
    expect((await call('GET', '/limits')).status).toBe(200)
    expect((await call('GET', '/limits')).status).toBe(401)
    api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
  })

  it('expires every session now', async () => {
    const call = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
    emu.expireSessions()
    expect((await call('GET', '/limits')).status).toBe(401)
    api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
  })

  it('blocks the password flow', async () => {
    emu.faults.set({ blockPasswordFlow: true })
    await expect(passwordLogin(emu.url)).rejects.toThrow(/authentication failure/)
  })

  it('gives the same faults for the same seed', async () => {
    const sequence = async () => {
      const local = await startEmulator({ seed: 42 })
      try {
        const call = apiClient(local.url, (await passwordLogin(local.url)).access_token)
        local.faults.set({ errorRates: { serverUnavailable: 0.5 } })
        const statuses: number[] = []
        for (let i = 0; i < 12; i++) statuses.push((await call('GET', '/limits')).status)
        return statuses
      } finally {
        await local.close()
      }
    }
    const a = await sequence()
    expect(a).toContain(503)
    expect(a).toContain(200)
    expect(await sequence()).toEqual(a)
  })
})

describe('admin API', () => {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${emu.url}/__emulator${path}`, init)

  it('sets and clears faults, spends the limit and reports stats over HTTP', async () => {
    const set = await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ errorRates: { serverUnavailable: 1 } }),
    })
    expect(await set.json()).toEqual({ errorRates: { serverUnavailable: 1 } })
    expect((await api('GET', '/limits')).status).toBe(503)
    expect((await admin('/faults', { method: 'DELETE' })).status).toBe(204)
    expect((await api('GET', '/limits')).status).toBe(200)
    expect((await admin('/limits/spend', { method: 'POST' })).status).toBe(204)
    expect((await api('GET', '/limits')).status).toBe(403)
    const stats = (await (await admin('/stats')).json()) as {
      logins: Record<string, number>
      requests: number
    }
    expect(stats.logins['my.user@example.com']).toBeGreaterThanOrEqual(1)
    expect(stats.requests).toBeGreaterThan(0)
  })

  it('refuses bad fault settings with the bad path', async () => {
    const res = await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ errorRates: { serverUnavailable: 2 } }),
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).toContain('errorRates.serverUnavailable')
  })

  it('issues refresh tokens for tests and expires sessions', async () => {
    const res = await admin('/refresh-tokens', {
      method: 'POST',
      body: JSON.stringify({
        username: 'my.user@example.com',
        consumerKey: '3MVG9forcebridge.demo.consumer.key',
      }),
    })
    expect(((await res.json()) as { refresh_token: string }).refresh_token).toMatch(/^5Aep861/)
    expect((await admin('/sessions/expire', { method: 'POST' })).status).toBe(204)
    expect((await api('GET', '/limits')).status).toBe(401)
    api = apiClient(emu.url, (await passwordLogin(emu.url)).access_token)
  })
})
