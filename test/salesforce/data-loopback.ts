// Test-only pieces for the data-helper tests: a loopback HTTP server with a route table, and a
// tiny Requester (undici, fixed bearer token) that behaves like the client's contract.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { request } from 'undici'
import type {
  Requester,
  RequestOptions,
  SalesforceResponse,
} from '../../src/salesforce/requester.js'

export interface LoopbackRequest {
  method: string
  url: URL
  headers: IncomingMessage['headers']
  text: string
  json: () => unknown
}

export type Handler = (req: LoopbackRequest, res: ServerResponse) => unknown

export interface Loopback {
  baseUrl: string
  calls: LoopbackRequest[]
  close(): Promise<void>
}

export async function startLoopback(handler: Handler): Promise<Loopback> {
  const calls: LoopbackRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const entry: LoopbackRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        text,
        json: () => JSON.parse(text) as unknown,
      }
      calls.push(entry)
      Promise.resolve(handler(entry, res)).catch((err: unknown) => {
        res.statusCode = 500
        res.end(JSON.stringify([{ errorCode: 'TEST_SERVER', message: String(err) }]))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
  res.end(body === undefined ? undefined : JSON.stringify(body))
}

/** Shaped like the client's SalesforceApiError: status, errorCode and the parsed body. */
export class TestApiError extends Error {
  readonly code: string
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const first = Array.isArray(body)
      ? (body[0] as { errorCode?: string; message?: string } | undefined)
      : undefined
    super(`HTTP ${status}: ${first?.message ?? JSON.stringify(body)}`)
    this.code = first?.errorCode ?? `HTTP_${status}`
  }
  get errorCode(): string {
    return this.code
  }
}

export class TestRequester implements Requester {
  readonly apiVersion = '66.0'
  constructor(private readonly baseUrl: string) {}

  async request<T = unknown>(o: RequestOptions): Promise<SalesforceResponse<T>> {
    const path = o.path.startsWith('/services/')
      ? o.path
      : `/services/data/v${this.apiVersion}/${o.path.replace(/^\//, '')}`
    const url = new URL(path, this.baseUrl)
    for (const [k, v] of Object.entries(o.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v))
    const headers: Record<string, string> = { authorization: 'Bearer test-token', ...o.headers }
    let body: string | Buffer | Readable | undefined
    if (o.body === undefined) body = undefined
    else if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) body = o.body
    else if (o.body instanceof Readable) body = o.body
    else if (typeof (o.body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
      body = Readable.from(o.body as AsyncIterable<string | Uint8Array>)
    else {
      body = JSON.stringify(o.body)
      headers['content-type'] = 'application/json'
    }
    const res = await request(url, { method: o.method, headers, body, signal: o.signal })
    const flat: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v
    if (res.statusCode >= 200 && res.statusCode < 300 && o.responseType === 'stream') {
      return { status: res.statusCode, headers: flat, body: Readable.from(res.body) as T }
    }
    const text = await res.body.text()
    const parsed: unknown =
      text === '' ? undefined : flat['content-type']?.includes('json') ? JSON.parse(text) : text
    const accepted = o.acceptStatuses?.includes(res.statusCode) ?? false
    if ((res.statusCode < 200 || res.statusCode >= 300) && !accepted)
      throw new TestApiError(res.statusCode, parsed)
    if (o.responseType === 'text') return { status: res.statusCode, headers: flat, body: text as T }
    if (o.responseType === 'buffer')
      return { status: res.statusCode, headers: flat, body: Buffer.from(text) as T }
    return { status: res.statusCode, headers: flat, body: parsed as T }
  }
}
