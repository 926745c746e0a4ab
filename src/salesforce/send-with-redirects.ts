// Sends one attempt of a call, following up to 3 redirects for GET and HEAD; a redirect to
// another origin is followed without the Authorization header (issue 3).

import { header } from './http-transport.js'
import type { HttpTransport, RawResponse, TransportRequest } from './http-transport.js'
import type { HttpMethod } from './requester.js'

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 3

export interface Attempt {
  method: HttpMethod
  origin: string
  path: string
  /** Origin the token belongs to: only requests there carry it. */
  instanceOrigin: string
  accessToken: string
  userHeaders: Record<string, string> | undefined
  contentType: string | undefined
  body: TransportRequest['body']
  signal: TransportRequest['signal']
  timeoutMs: number
}

export interface AttemptResult {
  res: RawResponse
  /** Where the answer finally came from (differs from the request after a redirect). */
  origin: string
  path: string
}

export async function sendWithRedirects(
  transport: HttpTransport,
  a: Attempt,
): Promise<AttemptResult> {
  let origin = a.origin
  let path = a.path
  for (let redirects = 0; ; redirects++) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-encoding': 'gzip',
    }
    if (a.userHeaders) {
      for (const k in a.userHeaders) headers[k.toLowerCase()] = a.userHeaders[k] as string
    }
    if (a.contentType && headers['content-type'] === undefined) {
      headers['content-type'] = a.contentType
    }
    if (origin === a.instanceOrigin) headers.authorization = `Bearer ${a.accessToken}`
    else delete headers.authorization
    const res = await transport.send(origin, {
      method: a.method,
      path,
      headers,
      body: a.body,
      signal: a.signal,
      timeoutMs: a.timeoutMs,
    })
    const location = REDIRECTS.has(res.statusCode) ? header(res, 'location') : undefined
    if (!location || (a.method !== 'GET' && a.method !== 'HEAD') || redirects >= MAX_REDIRECTS) {
      return { res, origin, path }
    }
    await res.body.dump()
    const next = new URL(location, origin + path)
    origin = next.origin
    path = next.pathname + next.search
  }
}
