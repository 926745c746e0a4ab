// The end of the pipeline: one HTTP request to the call's target with its headers and body,
// through the transport's pool. The answer comes back whole and decompressed, or as a stream
// when the caller asked for one and it succeeded. A failure on the way is a SendFailure.

import type { BufferedAnswer } from '../buffering-handler.js'
import { decompress, header, readStream } from '../http-transport.js'
import type { HttpTransport, RawResponse } from '../http-transport.js'
import { networkErrorCode, requestNeverSent } from '../retry-policy.js'
import { pathOnly } from '../request-target.js'
import { isAccepted } from './call.js'
import type { Answer, Call, Send } from './call.js'
import { SendFailure } from './send-failure.js'

export function sendStep(transport: HttpTransport): Send {
  return async (call) => {
    const headers = requestHeaders(call)
    if (call.options.responseType === 'stream') return sendForStream(transport, call, headers)
    let res: BufferedAnswer
    try {
      res = await transport.fetch(call.redirect?.origin ?? call.origin, {
        method: call.method,
        path: call.redirect?.path ?? call.path,
        headers,
        body: call.payload,
        signal: call.deadline,
        timeoutMs: call.attemptTimeoutMs || call.deadline.timeoutMs,
      })
    } catch (err) {
      throw failure(call, err)
    }
    const encoding = header(res, 'content-encoding')
    return {
      status: res.statusCode,
      headers: res.headers,
      body: encoding === undefined ? res.body : await decompress(res.body, encoding),
      stream: undefined,
      error: undefined,
    }
  }
}

async function sendForStream(
  transport: HttpTransport,
  call: Call,
  headers: Record<string, string>,
): Promise<Answer> {
  let res: RawResponse
  try {
    res = await transport.send(call.redirect?.origin ?? call.origin, {
      method: call.method,
      path: call.redirect?.path ?? call.path,
      headers,
      body: call.payload,
      signal: call.deadline.signal,
      timeoutMs: call.attemptTimeoutMs || call.deadline.timeoutMs,
    })
    if (isAccepted(call, res.statusCode)) {
      const stream = readStream(res)
      return {
        status: res.statusCode,
        headers: res.headers,
        body: undefined,
        stream,
        error: undefined,
      }
    }
  } catch (err) {
    throw failure(call, err)
  }
  // An error or a redirect: read whole, like any other answer.
  let raw: Buffer
  try {
    raw = Buffer.from(await res.body.arrayBuffer())
  } catch (err) {
    throw failure(call, err)
  }
  const body = await decompress(raw, header(res, 'content-encoding'))
  return { status: res.statusCode, headers: res.headers, body, stream: undefined, error: undefined }
}

/** Accept JSON and gzip; the caller's headers; the token only on its own instance. */
function requestHeaders(call: Call): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-encoding': 'gzip',
  }
  const own = call.options.headers
  if (own) {
    for (const k in own) headers[k.toLowerCase()] = own[k] as string
  }
  if (call.contentType && headers['content-type'] === undefined) {
    headers['content-type'] = call.contentType
  }
  if ((call.redirect?.origin ?? call.origin) === call.instance.origin) {
    headers.authorization = call.authorization
  } else delete headers.authorization
  return headers
}

/** TIMEOUT or ABORTED when the deadline ended the send; else NETWORK_ERROR (or TIMEOUT). */
function failure(call: Call, err: unknown): Error {
  const what = `${call.method} ${pathOnly(call.path)}`
  if (call.deadline.aborted) {
    return call.deadline.abortError(call.connection, what, err, call.method)
  }
  const net = networkErrorCode(err)
  const attempts = call.attempt > 1 ? ` after ${call.attempt} attempts` : ''
  const options = {
    connection: call.connection,
    cause: err,
    networkCode: net,
    neverSent: requestNeverSent(err, net),
  }
  if (net === 'UND_ERR_HEADERS_TIMEOUT' || net === 'UND_ERR_BODY_TIMEOUT') {
    // The attempt timeout, not the deadline: the retry step may still send it again.
    return new SendFailure(
      'TIMEOUT',
      `connection '${call.connection}': ${what} to ${call.instance.origin} stalled (no answer within the ${call.attemptTimeoutMs} ms attempt timeout${attempts}); raise attemptTimeoutMs (per attempt) or timeoutMs (whole call) if the call is expected to be slow, else check the instance and retry later`,
      options,
    )
  }
  return new SendFailure(
    'NETWORK_ERROR',
    `connection '${call.connection}': ${what} to ${call.instance.origin} failed (${net ?? (err as Error).message})${attempts}; check the network and the instance, or retry later`,
    options,
  )
}
