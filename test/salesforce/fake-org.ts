// Test-only: a purpose-built loopback "Salesforce" for the client tests. A login host and an
// instance host on 127.0.0.1 (port 0) that count token requests, check bearer tokens, and
// misbehave on purpose through replaceable handlers.

import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const CLIENT_ID = 'test-consumer-key'
export const CLIENT_SECRET = 'test-consumer-secret'
export const USERNAME = 'user@example.com'
export const PASSWORD = 'pa55word'
export const SECURITY_TOKEN = 'SECTOKEN'

export interface SeenRequest {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  text: string
}

export interface TokenAnswer {
  status: number
  body: unknown
  contentType?: string
}

export type TokenHandler = (
  form: URLSearchParams,
  req: SeenRequest,
) => TokenAnswer | undefined | Promise<TokenAnswer | undefined>
export type DataHandler = (
  req: SeenRequest,
  res: ServerResponse,
  token: string,
) => void | Promise<void>

export interface FakeOrg {
  loginUrl: string
  instanceUrl: string
  /** Token requests received, in order. */
  tokenRequests: SeenRequest[]
  /** Data requests received on the instance host, in order. */
  dataRequests: SeenRequest[]
  readonly logins: number
  validTokens: Set<string>
  /** Replaces the token endpoint; return undefined for the default answer. */
  onToken: TokenHandler | undefined
  /** Handles data calls that carry a valid token. Default: 200 `{ ok: true, path }`. */
  onData: DataHandler
  /** Every issued token stops working (sessions expired). */
  expireAll(): void
  close(): Promise<void>
}

export function signatureOf(secret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', secret)
    .update(id + issuedAt)
    .digest('base64')
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
  res.end(text)
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function collect(req: IncomingMessage): Promise<SeenRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', reject)
    req.on('end', () =>
      resolve({
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      }),
    )
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

export async function startFakeOrg(): Promise<FakeOrg> {
  let issued = 0
  const org: FakeOrg = {
    loginUrl: '',
    instanceUrl: '',
    tokenRequests: [],
    dataRequests: [],
    get logins() {
      return org.tokenRequests.length
    },
    validTokens: new Set(),
    onToken: undefined,
    onData: (req, res) => sendJson(res, 200, { ok: true, path: req.url.pathname }),
    expireAll: () => org.validTokens.clear(),
    close: async () => {
      await Promise.all([close(login), close(instance)])
    },
  }
  const login = createServer((req, res) => {
    void collect(req).then(async (seen) => {
      if (seen.url.pathname === '/services/oauth2/revoke') {
        org.validTokens.delete(new URLSearchParams(seen.text).get('token') ?? '')
        res.writeHead(200).end()
        return
      }
      org.tokenRequests.push(seen)
      const form = new URLSearchParams(seen.text)
      const custom = await org.onToken?.(form, seen)
      if (custom) {
        res.writeHead(custom.status, { 'content-type': custom.contentType ?? 'application/json' })
        res.end(typeof custom.body === 'string' ? custom.body : JSON.stringify(custom.body))
        return
      }
      issued++
      const accessToken = `00D000000000001!token${issued}`
      org.validTokens.add(accessToken)
      const id = `${org.loginUrl}/id/00D000000000001AAA/005000000000001AAA`
      const issuedAt = String(Date.now())
      sendJson(res, 200, {
        access_token: accessToken,
        instance_url: `${org.instanceUrl}/`,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature: signatureOf(CLIENT_SECRET, id, issuedAt),
        scope: 'api',
      })
    })
  })
  const instance = createServer((req, res) => {
    void collect(req).then(async (seen) => {
      org.dataRequests.push(seen)
      const auth = seen.headers.authorization ?? ''
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
      if (!org.validTokens.has(token)) {
        sendJson(res, 401, [
          { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
        ])
        return
      }
      await org.onData(seen, res, token)
    })
  })
  org.loginUrl = await listen(login)
  org.instanceUrl = await listen(instance)
  return org
}

export function passwordAuth() {
  return {
    flow: 'password' as const,
    username: USERNAME,
    password: PASSWORD,
    securityToken: SECURITY_TOKEN,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  }
}
