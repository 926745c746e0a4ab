import { createServer } from 'node:http'
import type { ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient } from '../../src/salesforce/index.js'
import type { RetryEvent, SalesforceClient, SalesforceError } from '../../src/salesforce/index.js'
import { parseRetryAfter } from '../../src/salesforce/retry-policy.js'
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
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 },
  })
  retries = []
  client.on('retry', (e) => retries.push(e))
})
afterEach(async () => {
  await client.close()
  await org.close()
})

/** Fails the first `n` data calls with `fail`, then answers 200. */
function failFirst(n: number, fail: (res: ServerResponse) => void) {
  let seen = 0
  org.onData = (_req, res) => {
    seen++
    if (seen <= n) fail(res)
    else sendJson(res, 200, { ok: true, attempt: seen })
  }
}
const reset = (res: ServerResponse) => res.socket?.destroy()
const unavailable = (res: ServerResponse) => {
  res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '0' })
  res.end('<html><title>Service Not Available</title></html>')
}
const locked = (res: ServerResponse) =>
  sendJson(res, 400, [
    {
      message: 'unable to obtain exclusive access to this record',
      errorCode: 'UNABLE_TO_LOCK_ROW',
    },
  ])

describe('retries', () => {
  it('retries a GET after a connection reset', async () => {
    failFirst(2, reset)
    await expect(client.get('sobjects')).resolves.toEqual({ ok: true, attempt: 3 })
    expect(retries.map((r) => r.attempt)).toEqual([1, 2])
  })

  it('does not replay a POST after a reset unless retry is always', async () => {
    failFirst(1, reset)
    const err = (await client
      .post('sobjects/Account', { Name: 'A' })
      .catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('NETWORK_ERROR')
    expect(org.dataRequests).toHaveLength(1)
    failFirst(1, reset)
    await expect(
      client.post('sobjects/Account', { Name: 'A' }, { retry: 'always' }),
    ).resolves.toEqual({
      ok: true,
      attempt: 2,
    })
  })

  it('retries a GET on 503 with Retry-After, not a POST', async () => {
    failFirst(1, unavailable)
    await expect(client.get('sobjects')).resolves.toMatchObject({ ok: true })
    expect(retries[0]).toMatchObject({ reason: '503', delayMs: 0 })
    failFirst(1, unavailable)
    await expect(client.post('sobjects/Account', {})).rejects.toMatchObject({
      code: 'NON_JSON_RESPONSE',
      status: 503,
      retryable: true,
    })
  })

  it('does not wait for a Retry-After longer than maxDelayMs', async () => {
    failFirst(1, (res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '3600' })
      res.end('[{"errorCode":"SERVER_BUSY","message":"busy"}]')
    })
    await expect(client.get('sobjects')).rejects.toMatchObject({ status: 503 })
    expect(retries).toEqual([])
  })

  it('retries UNABLE_TO_LOCK_ROW even for a POST', async () => {
    failFirst(2, locked)
    await expect(client.post('sobjects/Account', { Name: 'A' })).resolves.toEqual({
      ok: true,
      attempt: 3,
    })
    expect(retries.map((r) => r.reason)).toEqual(['UNABLE_TO_LOCK_ROW', 'UNABLE_TO_LOCK_ROW'])
  })

  it('stops after maxAttempts and never retries with retry: never', async () => {
    failFirst(10, locked)
    await expect(client.post('x', {})).rejects.toMatchObject({ code: 'UNABLE_TO_LOCK_ROW' })
    expect(org.dataRequests).toHaveLength(3)
    await expect(client.post('x', {}, { retry: 'never' })).rejects.toMatchObject({
      code: 'UNABLE_TO_LOCK_ROW',
    })
    expect(org.dataRequests).toHaveLength(4)
  })

  it('sends a stream body once: no retry, no replay after a 401', async () => {
    failFirst(1, locked)
    const body = Readable.from([Buffer.from('Name\nA\n')])
    await expect(
      client.request({
        method: 'PUT',
        path: 'jobs/ingest/1/batches',
        body,
        headers: { 'content-type': 'text/csv' },
      }),
    ).rejects.toMatchObject({ code: 'UNABLE_TO_LOCK_ROW' })
    expect(org.dataRequests).toHaveLength(1)
  })

  it('retries a login host that answers 503, but not a refused login', async () => {
    let n = 0
    org.onToken = () =>
      ++n === 1
        ? { status: 503, contentType: 'text/html', body: '<title>Unavailable</title>' }
        : undefined
    await expect(client.get('sobjects')).resolves.toMatchObject({ ok: true })
    expect(org.logins).toBe(2)
    await client.close()
    client = createClient({
      loginUrl: org.loginUrl,
      auth: passwordAuth(),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 },
    })
    org.onToken = () => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'authentication failure' },
    })
    await expect(client.get('sobjects')).rejects.toMatchObject({ code: 'LOGIN_FAILED' })
    expect(org.logins).toBe(3)
  })

  for (const status of [429, 502, 504]) {
    it(`retries a GET on ${status}, not a POST`, async () => {
      const answer = (res: ServerResponse) => {
        res.writeHead(status, { 'content-type': 'text/html' })
        res.end(`<html><title>${status}</title></html>`)
      }
      failFirst(2, answer)
      await expect(client.get('sobjects')).resolves.toEqual({ ok: true, attempt: 3 })
      expect(retries.map((r) => r.reason)).toEqual([String(status), String(status)])
      expect(org.dataRequests).toHaveLength(3)
      failFirst(1, answer)
      await expect(client.post('sobjects/Account', {})).rejects.toMatchObject({ status })
      expect(org.dataRequests).toHaveLength(4)
    })
  }

  it('retries a GET whose connection closed before an answer or in the middle of one', async () => {
    const closedCleanly = (res: ServerResponse) => res.socket?.end()
    const cutMidBody = (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"partial":')
      setImmediate(() => res.socket?.destroy())
    }
    failFirst(1, closedCleanly)
    await expect(client.get('sobjects')).resolves.toEqual({ ok: true, attempt: 2 })
    failFirst(1, cutMidBody)
    await expect(client.get('sobjects')).resolves.toEqual({ ok: true, attempt: 2 })
    expect(retries.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^UND_ERR_SOCKET|ECONNRESET$/),
      expect.stringMatching(/^UND_ERR_SOCKET|ECONNRESET$/),
    ])
    // A POST cut the same way is not replayed: it may have been written.
    failFirst(1, closedCleanly)
    await expect(client.post('sobjects/Account', {})).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
    })
  })

  it('ends a GET that gets no answer with TIMEOUT at its deadline', async () => {
    await client.close()
    client = createClient({
      loginUrl: org.loginUrl,
      auth: passwordAuth(),
      timeoutMs: 300,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 },
    })
    // The server holds every data request without answering.
    org.onData = () => undefined
    await expect(client.get('sobjects')).rejects.toMatchObject({ code: 'TIMEOUT' })
  })

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('5', now)).toBe(5000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('concurrency and redirects', () => {
  it('keeps at most maxConcurrency calls in flight', async () => {
    await client.close()
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), maxConcurrency: 3 })
    let inFlight = 0
    let peak = 0
    org.onData = async (_req, res) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, 5))
      inFlight--
      sendJson(res, 200, {})
    }
    await Promise.all(Array.from({ length: 20 }, () => client.get('x')))
    expect(peak).toBe(3)
    expect(org.dataRequests).toHaveLength(20)
  })

  it('follows a GET redirect to another host without the Authorization header', async () => {
    const seen: Array<string | undefined> = []
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization)
      sendJson(res, 200, { moved: true })
    })
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
    try {
      org.onData = (req, res) => {
        if (req.url.pathname.endsWith('/same')) {
          res.writeHead(302, { location: '/services/data/v66.0/target' }).end()
        } else if (req.url.pathname.endsWith('/target')) {
          sendJson(res, 200, { auth: req.headers.authorization !== undefined })
        } else {
          res.writeHead(307, { location: `${otherUrl}/file` }).end()
        }
      }
      await expect(client.get('same')).resolves.toEqual({ auth: true })
      await expect(client.get('elsewhere')).resolves.toEqual({ moved: true })
      expect(seen).toEqual([undefined])
    } finally {
      other.closeAllConnections()
      await new Promise((r) => other.close(r))
    }
  })
})
