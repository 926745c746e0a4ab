// Each attempt has its own timeout (attemptTimeoutMs), shorter than the call's deadline: a GET
// whose attempt stalls is sent again and the caller gets the second answer; a POST that stalled
// may have reached Salesforce, so it is never sent again. Against a loopback server that holds
// chosen requests without answering.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient } from '../../src/salesforce/index.js'
import type { RetryEvent, SalesforceClient, SalesforceError } from '../../src/salesforce/index.js'
import { passwordAuth, sendJson, startFakeOrg } from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
let client: SalesforceClient
let retries: RetryEvent[]

beforeEach(async () => {
  org = await startFakeOrg()
  client = createClient({
    loginUrl: org.loginUrl,
    auth: passwordAuth(),
    timeoutMs: 10_000,
    attemptTimeoutMs: 200,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 },
  })
  retries = []
  client.on('retry', (e) => retries.push(e))
})
afterEach(async () => {
  await client.close()
  await org.close()
})

/** The first `stalls` data requests are held without an answer; later ones are answered. */
function stallFirst(stalls: number): void {
  let seen = 0
  org.onData = (req, res) => {
    seen++
    if (seen <= stalls) return
    sendJson(res, 200, { answeredAttempt: seen, path: req.url.pathname })
  }
}

describe('the per-attempt timeout', () => {
  it('sends a stalled GET again and hands the caller the second answer', async () => {
    stallFirst(1)
    const body = await client.get('sobjects/Account/001000000000001AAA')
    expect(body).toEqual({
      answeredAttempt: 2,
      path: '/services/data/v66.0/sobjects/Account/001000000000001AAA',
    })
    expect(org.dataRequests).toHaveLength(2)
    expect(retries).toEqual([
      expect.objectContaining({ method: 'GET', attempt: 1, reason: 'UND_ERR_HEADERS_TIMEOUT' }),
    ])
  })

  it('ends a GET whose every attempt stalls with a TIMEOUT naming the call and the option', async () => {
    stallFirst(Number.POSITIVE_INFINITY)
    const err = (await client.get('limits').catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('TIMEOUT')
    expect(err.message).toContain('GET /services/data/v66.0/limits')
    expect(err.message).toContain('200 ms attempt timeout after 3 attempts')
    expect(err.message).toContain('raise attemptTimeoutMs')
    expect(org.dataRequests).toHaveLength(3)
    expect(retries).toHaveLength(2)
  })

  it('never sends a stalled POST again, and says it may have reached Salesforce', async () => {
    stallFirst(Number.POSITIVE_INFINITY)
    const err = (await client
      .post('sobjects/Account', { Name: 'Stalled' }, { timeoutMs: 600 })
      .catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('TIMEOUT')
    expect(err.message).toContain('POST /services/data/v66.0/sobjects/Account')
    expect(err.message).toContain('check whether it took effect')
    expect(org.dataRequests).toHaveLength(1)
    expect(retries).toEqual([])
  })

  it('sends a stalled POST again when the caller says a replay is safe', async () => {
    stallFirst(1)
    const body = await client.post('sobjects/Account', { Name: 'Safe' }, { retry: 'always' })
    expect(body).toMatchObject({ answeredAttempt: 2 })
    expect(org.dataRequests).toHaveLength(2)
  })

  it('lets one call set its own attempt timeout', async () => {
    // undici checks the headers timeout about once a second, so the answer comes after 1.5 s:
    // too slow for the client's 200 ms, fine for the call's own 5,000 ms.
    org.onData = (_req, res) => void setTimeout(() => sendJson(res, 200, { slow: true }), 1_500)
    await expect(client.get('limits', { attemptTimeoutMs: 5_000 })).resolves.toEqual({
      slow: true,
    })
    expect(org.dataRequests).toHaveLength(1)
  })

  it('refuses a bad attemptTimeoutMs, naming the option', async () => {
    await expect(client.get('limits', { attemptTimeoutMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("option 'attemptTimeoutMs'") as unknown,
    })
    expect(() =>
      createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), attemptTimeoutMs: 0 }),
    ).toThrow(/option 'attemptTimeoutMs' is invalid/)
  })
})
