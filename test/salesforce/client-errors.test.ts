import type { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient, SalesforceApiError, SalesforceError } from '../../src/salesforce/index.js'
import type { SalesforceClient } from '../../src/salesforce/index.js'
import { passwordAuth, sendJson, startFakeOrg } from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
let client: SalesforceClient

beforeEach(async () => {
  org = await startFakeOrg()
  client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), name: 'crm' })
})
afterEach(async () => {
  await client.close()
  await org.close()
})

const MAINTENANCE = `<!DOCTYPE html><html><head><title>Down for Maintenance</title><style>body{}</style></head>
<body><h1>We are down for maintenance.</h1><p>Sorry for the inconvenience. We'll be back shortly.</p>
${'<div>filler</div>'.repeat(500)}</body></html>`

describe('errors', () => {
  it('carries status, errorCode, fields, every error, method and path', async () => {
    org.onData = (_req, res) =>
      sendJson(res, 400, [
        {
          message: 'Required fields are missing: [LastName]',
          errorCode: 'REQUIRED_FIELD_MISSING',
          fields: ['LastName'],
        },
        {
          message: 'bad value',
          errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          fields: ['Type'],
        },
      ])
    const err = (await client
      .post('sobjects/Contact', { FirstName: 'A' })
      .catch((e: unknown) => e)) as SalesforceApiError
    expect(err).toBeInstanceOf(SalesforceApiError)
    expect(err).toBeInstanceOf(SalesforceError)
    expect(err.code).toBe('REQUIRED_FIELD_MISSING')
    expect(err.status).toBe(400)
    expect(err.errorCode).toBe('REQUIRED_FIELD_MISSING')
    expect(err.fields).toEqual(['LastName'])
    expect(err.errors).toHaveLength(2)
    expect(err.errors[1]?.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST')
    expect(err.method).toBe('POST')
    expect(err.path).toBe('/services/data/v66.0/sobjects/Contact')
    expect(err.retryable).toBe(false)
    expect(err.message).toContain("connection 'crm'")
  })

  it('keeps statusCode-style entries', async () => {
    org.onData = (_req, res) =>
      sendJson(res, 400, [
        { statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found', fields: [] },
      ])
    const err = (await client.get('x').catch((e: unknown) => e)) as SalesforceApiError
    expect(err.code).toBe('DUPLICATE_VALUE')
    expect(err.errors[0]?.statusCode).toBe('DUPLICATE_VALUE')
  })

  it('turns an HTML maintenance page into a short clear error', async () => {
    org.onData = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end(MAINTENANCE)
    }
    const err = (await client
      .post('sobjects/Account', {})
      .catch((e: unknown) => e)) as SalesforceApiError
    expect(err.code).toBe('NON_JSON_RESPONSE')
    expect(err.status).toBe(500)
    expect(err.message).toContain('Down for Maintenance')
    expect(err.message).toContain('HTTP 500')
    expect(err.message.length).toBeLessThan(500)
    expect(err.message).not.toContain('<div>')
  })

  it('uses the first 200 characters of a text page without a title', async () => {
    org.onData = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end('Service Not Available. '.repeat(100))
    }
    const err = (await client.post('x', {}).catch((e: unknown) => e)) as SalesforceApiError
    expect(err.code).toBe('NON_JSON_RESPONSE')
    expect(err.errors[0]?.message.length).toBeLessThanOrEqual(201)
  })

  it('fires the per-call timeout on a server that never answers', async () => {
    org.onData = () => new Promise(() => {})
    const err = (await client
      .get('slow', { timeoutMs: 150 })
      .catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('TIMEOUT')
    expect(err.message).toContain('150 ms')
  })

  it('times out a call whose login hangs, without waiting for the login', async () => {
    org.onToken = () => new Promise(() => {})
    const err = (await client
      .get('x', { timeoutMs: 150 })
      .catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('TIMEOUT')
    // The login is still hanging: close ends it at once.
    await client.close({ graceMs: 0 })
  })

  it('reports ABORTED when the caller aborts', async () => {
    org.onData = () => new Promise(() => {})
    const controller = new AbortController()
    const pending = client.get('slow', { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('refuses invalid options naming the field, never echoing secrets', () => {
    const bad = () =>
      createClient({
        loginUrl: 'http://example.com',
        auth: { ...passwordAuth(), password: 'hunter2' },
      })
    expect(bad).toThrow(/loginUrl/)
    try {
      createClient({
        loginUrl: 'https://login.salesforce.com',
        auth: { ...passwordAuth(), clientId: '' },
      })
      expect.unreachable()
    } catch (e) {
      expect((e as SalesforceError).code).toBe('INVALID_OPTIONS')
      expect((e as Error).message).toContain('auth.clientId')
    }
  })

  it('fails with CLIENT_CLOSED after close', async () => {
    await client.close()
    await expect(client.get('x')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' })
  })
})

describe('request pipeline', () => {
  it('puts paths under /services/data/vNN.N and keeps /services/ paths as they are', async () => {
    const seen: string[] = []
    org.onData = (req, res) => {
      seen.push(req.url.pathname + req.url.search)
      sendJson(res, 200, {})
    }
    await client.get('sobjects/Account')
    await client.get('/sobjects/Account', { query: { fields: 'Id,Name', skip: undefined } })
    await client.get('/services/apexrest/orders/1')
    await client.get(`${org.instanceUrl}/services/data/v66.0/query/01g-2000`)
    expect(seen).toEqual([
      '/services/data/v66.0/sobjects/Account',
      '/services/data/v66.0/sobjects/Account?fields=Id%2CName',
      '/services/apexrest/orders/1',
      '/services/data/v66.0/query/01g-2000',
    ])
  })

  it('refuses a full URL on another host so the token never leaves the instance', async () => {
    await expect(client.get('https://evil.example.com/services/data')).rejects.toMatchObject({
      code: 'INVALID_PATH',
    })
  })

  it('asks for gzip and decompresses the answer', async () => {
    org.onData = (req, res) => {
      const body = gzipSync(JSON.stringify({ encoding: req.headers['accept-encoding'] }))
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(body)
    }
    await expect(client.get('x')).resolves.toEqual({ encoding: 'gzip' })
  })

  it('sends a plain object as JSON and returns undefined for 204', async () => {
    let got: unknown
    org.onData = (req, res) => {
      got = { type: req.headers['content-type'], body: JSON.parse(req.text) as unknown }
      res.writeHead(204).end()
    }
    await expect(client.patch('sobjects/Account/001', { Name: 'Acme' })).resolves.toBeUndefined()
    expect(got).toEqual({ type: 'application/json', body: { Name: 'Acme' } })
  })

  it('streams a gzip answer decompressed and frees the concurrency slot when it ends', async () => {
    await client.close()
    client = createClient({ loginUrl: org.loginUrl, auth: passwordAuth(), maxConcurrency: 1 })
    org.onData = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'content-encoding': 'gzip' })
      res.end(gzipSync('Id,Name\n001,Acme\n'))
    }
    for (let i = 0; i < 2; i++) {
      const res = await client.request<Readable>({
        method: 'GET',
        path: 'jobs/query/750/results',
        responseType: 'stream',
      })
      let text = ''
      for await (const chunk of res.body) text += String(chunk)
      expect(text).toBe('Id,Name\n001,Acme\n')
    }
  })

  it('answers acceptStatuses as responses instead of errors', async () => {
    org.onData = (_req, res) => sendJson(res, 300, ['/services/data/v66.0/sobjects/Account/001'])
    const res = await client.request<string[]>({ method: 'GET', path: 'x', acceptStatuses: [300] })
    expect(res.status).toBe(300)
    expect(res.body).toHaveLength(1)
  })
})
