// A POST that provably never reached Salesforce (the connection was refused, or the socket was
// reset before the request was written) is sent again; a POST reset after it was written is not,
// since Salesforce may have acted on it. Against small misbehaving servers on 127.0.0.1.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createClient } from '../../src/salesforce/index.js'
import type { RetryEvent, SalesforceClient, SalesforceError } from '../../src/salesforce/index.js'
import { CLIENT_SECRET, passwordAuth, signatureOf, startFakeOrg } from './fake-org.js'
import type { FakeOrg } from './fake-org.js'

let org: FakeOrg
let client: SalesforceClient
let retries: RetryEvent[]
let port: number
let servers: (Server | HttpServer)[]
/** Requests that reached the instance server whole. */
let received: string[]

async function freePort(): Promise<number> {
  const s = createNetServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const p = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return p
}

function listen(server: Server | HttpServer): Promise<void> {
  servers.push(server)
  return new Promise((r) => server.listen(port, '127.0.0.1', () => r()))
}

/** An instance that answers 201 to every request it reads whole. */
function answering(): HttpServer {
  return createHttpServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`)
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id: '001000000000001AAA', success: true, errors: [] }))
    })
  })
}

beforeEach(async () => {
  servers = []
  received = []
  port = await freePort()
  org = await startFakeOrg()
  // Logins send the client to the instance on `port`, where each test puts its server.
  org.onToken = () => {
    const id = `${org.loginUrl}/id/00D000000000001AAA/005000000000001AAA`
    const issuedAt = String(Date.now())
    return {
      status: 200,
      body: {
        access_token: '00D000000000001!neversent',
        instance_url: `http://127.0.0.1:${port}/`,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature: signatureOf(CLIENT_SECRET, id, issuedAt),
        scope: 'api',
      },
    }
  }
  client = createClient({
    loginUrl: org.loginUrl,
    auth: passwordAuth(),
    retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 50 },
  })
  retries = []
  client.on('retry', (e) => retries.push(e))
})
afterEach(async () => {
  await client.close()
  await org.close()
  await Promise.all(
    servers.map((s) => new Promise((r) => (s.listening ? s.close(r) : r(undefined)))),
  )
})

describe('a POST that never reached Salesforce', () => {
  it('is sent again after the connection was refused, and writes once', async () => {
    // Nothing listens on the instance port until the client has been refused once.
    client.once('retry', () => void listen(answering()))
    const created = await client.post('sobjects/Account', { Name: 'Refused first' })
    expect(created).toMatchObject({ id: '001000000000001AAA' })
    expect(retries[0]).toMatchObject({ method: 'POST', reason: 'ECONNREFUSED' })
    expect(received).toHaveLength(1)
    expect(received[0]).toContain('Refused first')
  })

  it('is not sent again when the reset came after the request was written', async () => {
    // Reads the whole request, then drops the connection without an answer.
    const sink = createNetServer((socket) => {
      let seen = ''
      socket.on('data', (d: Buffer) => {
        seen += d.toString()
        if (seen.includes('"Name"')) {
          received.push(seen)
          socket.resetAndDestroy()
        }
      })
    })
    await listen(sink)
    const err = (await client
      .post('sobjects/Account', { Name: 'Written then reset' })
      .catch((e: unknown) => e)) as SalesforceError
    expect(err.code).toBe('NETWORK_ERROR')
    expect(received).toHaveLength(1)
    expect(retries).toEqual([])
  })

  it('still retries a GET after a reset that came after the request was written', async () => {
    let drops = 1
    const flaky = createNetServer((socket) => {
      socket.once('data', () => {
        if (drops-- > 0) return void socket.resetAndDestroy()
        received.push('GET')
        socket.end(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{"ok":true}',
        )
      })
    })
    await listen(flaky)
    await expect(client.get('sobjects')).resolves.toEqual({ ok: true })
    expect(retries).toHaveLength(1)
  })
})
