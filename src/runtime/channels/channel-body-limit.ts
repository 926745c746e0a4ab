// A channel's largest request body (`maxBodyBytes`, default 1 MiB). Fastify's body limit is set
// per route, and every channel is served by one catch-all route, so the route allows the largest
// size any channel may have and this module holds each request to its own channel's limit:
// refused from Content-Length before a byte is read, or counted as a chunked body streams in.
import type { IncomingHttpHeaders } from 'node:http'
import { Transform, type Readable } from 'node:stream'
import { ForcebridgeError } from '../../util/index.js'

/** The body limit of a channel that sets none. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
/** The largest limit a channel may set (the store refuses more); the catch-all route's limit. */
export const MAX_CHANNEL_BODY_BYTES = 1024 ** 3

/** A body over the channel's limit (HTTP 413). */
export class PayloadTooLargeError extends ForcebridgeError {
  readonly statusCode = 413
  readonly limit: number

  constructor(limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `the request body is over this channel's limit of ${limit} bytes; send less, or raise the channel's maxBodyBytes`,
    )
    this.limit = limit
  }
}

/** The refusal when Content-Length already says the body is too large, else undefined. */
export function declaredTooLarge(
  headers: IncomingHttpHeaders,
  limit: number,
): PayloadTooLargeError | undefined {
  const declared = headers['content-length']
  return declared !== undefined && Number(declared) > limit
    ? new PayloadTooLargeError(limit)
    : undefined
}

/**
 * `payload` unchanged when Content-Length bounds it (Node's parser reads exactly that many
 * bytes, and declaredTooLarge has checked it), else a pass-through that fails with
 * PAYLOAD_TOO_LARGE once more than `limit` bytes have come.
 */
export function limitBody(
  headers: IncomingHttpHeaders,
  payload: Readable,
  limit: number,
): Readable {
  if (headers['content-length'] !== undefined) return payload
  let received = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length
      if (received > limit) done(new PayloadTooLargeError(limit))
      else done(null, chunk)
    },
  })
  payload.on('error', (err) => counter.destroy(err))
  return payload.pipe(counter)
}
