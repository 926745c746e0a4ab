// One undici Pool per origin with keep-alive and timeouts, and body reading with gzip/deflate
// decompression. Knows nothing about Salesforce.
//
// Why not undici's own interceptors: `interceptors.redirect` follows 300 (Salesforce's "several
// records matched", whose body the caller needs) and POSTs, throws on a loop, and stays within
// one Pool's origin; `interceptors.decompress` is experimental (a process warning on first
// use), skips error bodies by default and costs two objects per answer. Ours are in
// pipeline/redirect-step.ts and `decompress` below.

import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import { createGunzip, createInflate, gunzip, inflate } from 'node:zlib'
import { promisify } from 'node:util'
import { pipeline } from 'node:stream'
import type { Readable } from 'node:stream'
import { BufferingHandler } from './buffering-handler.js'
import type { AbortSource, BufferedAnswer } from './buffering-handler.js'

const gunzipAsync = promisify(gunzip)
const inflateAsync = promisify(inflate)

export interface TransportRequest {
  method: Dispatcher.HttpMethod
  /** Path and query string. */
  path: string
  headers: Record<string, string>
  body?: Dispatcher.DispatchOptions['body']
  signal: AbortSignal
  timeoutMs: number
}

export type RawResponse = Dispatcher.ResponseData

export class HttpTransport {
  private readonly pools = new Map<string, Pool>()
  private closed = false

  constructor(private readonly timeoutMs: number) {}

  /** Sends one request; the caller must read or dump the body. */
  send(origin: string, req: TransportRequest): Promise<RawResponse> {
    return this.pool(origin).request({
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    })
  }

  /**
   * Sends one request and collects the whole answer in memory (not decompressed: see
   * `decompress`). Cheaper than `send` for the small answers of most calls.
   */
  fetch(
    origin: string,
    req: Omit<TransportRequest, 'signal'> & { signal: AbortSource },
  ): Promise<BufferedAnswer> {
    const pool = this.pool(origin)
    return new Promise((resolve, reject) => {
      pool.dispatch(
        {
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        },
        new BufferingHandler(req.signal, resolve, reject),
      )
    })
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Lets calls in flight finish for `graceMs`, then ends them (a hung call must not hold a shutdown). */
  async close(graceMs: number): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(
      pools.map(async (pool) => {
        let timer: NodeJS.Timeout | undefined
        const graceful = pool.close().then(() => true)
        const expired = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs)
        })
        const closed = await Promise.race([graceful, expired])
        clearTimeout(timer)
        if (!closed) await pool.destroy()
      }),
    )
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin)
    if (!pool) {
      pool = new Pool(origin, {
        connections: 128,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: Math.min(this.timeoutMs, 30_000) },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      })
      this.pools.set(origin, pool)
    }
    return pool
  }
}

/** The first value of a response header, lower-case name. */
export function header(res: { headers: RawResponse['headers'] }, name: string): string | undefined {
  const value = res.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Reads the whole body as text, decompressed. */
export async function readText(res: RawResponse): Promise<string> {
  const encoding = header(res, 'content-encoding')
  if (!encoding || encoding === 'identity') return res.body.text()
  return (await readBuffer(res)).toString('utf8')
}

/** Reads the whole body as bytes, decompressed. */
export async function readBuffer(res: RawResponse): Promise<Buffer> {
  const raw = Buffer.from(await res.body.arrayBuffer())
  return decompress(raw, header(res, 'content-encoding'))
}

/** A whole body as received → its bytes, gunzipped or inflated as `content-encoding` says. */
export async function decompress(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (encoding === undefined || encoding === 'identity') return body
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipAsync(body)
  if (encoding === 'deflate') return inflateAsync(body)
  return body
}

/** Bytes → text as UTF-8, without a byte order mark (as undici's `body.text()` reads it). */
export function utf8Text(body: Buffer): string {
  const start = body.length > 2 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0
  return body.toString('utf8', start)
}

/** The body as a stream, decompressed on the fly. */
export function readStream(res: RawResponse): Readable {
  const encoding = header(res, 'content-encoding')
  const inflater =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : undefined
  if (!inflater) return res.body
  // pipeline, not pipe: an error on either side destroys both and reaches the reader.
  return pipeline(res.body, inflater, () => {})
}
