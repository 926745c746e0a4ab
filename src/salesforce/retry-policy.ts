// When a failed attempt may be sent again, and how long to wait (exponential backoff with full
// jitter, honouring Retry-After).

import type { HttpMethod, RetryPolicy } from './requester.js'

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE'])
const RETRY_STATUS = new Set([429, 502, 503, 504])
/** Codes that mean Salesforce wrote nothing, so even a POST may be replayed (issue 3). */
const NOTHING_WRITTEN = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'])

// undici and Node codes for a connection that failed or dropped before an answer.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])

// Codes of a connection that was never made: no byte of the request left this process, so
// Salesforce cannot have acted on it, whatever the method.
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * True when `err` proves the request never reached the server: the connection was refused or
 * never made, or undici's socket error says the socket wrote no byte (reset before the request
 * went out). A reset after the request was written, or on a reused socket, is not proof.
 */
export function requestNeverSent(err: unknown, code: string | undefined): boolean {
  if (code !== undefined && NEVER_CONNECTED.has(code)) return true
  for (let e = err, depth = 0; e && depth < 4; depth++) {
    const socket = (e as { socket?: { bytesWritten?: unknown } }).socket
    if (socket && socket.bytesWritten === 0) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

/** The network error code of `err` (or of its cause), if it is one. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** May an answer with this status / error code be retried under `policy`? */
export function mayRetryAnswer(
  method: HttpMethod,
  policy: RetryPolicy,
  status: number,
  errorCodes: readonly string[],
): boolean {
  if (policy === 'never') return false
  if (errorCodes.some((c) => NOTHING_WRITTEN.has(c))) return true
  if (!RETRY_STATUS.has(status)) return false
  // A 503/502/504 on a POST may come after the write happened; only the caller can say.
  return policy === 'always' || IDEMPOTENT.has(method)
}

/**
 * May a network error be retried? Only idempotent calls, unless the caller says 'always' or the
 * request provably never left (`neverSent`, see requestNeverSent): then any method may go again.
 */
export function mayRetryNetworkError(
  method: HttpMethod,
  policy: RetryPolicy,
  neverSent = false,
): boolean {
  if (policy === 'never') return false
  if (neverSent) return true
  return policy === 'always' || IDEMPOTENT.has(method)
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^(attempt-1))].
 * (The queue's `backoffDelay` is another rule: "equal jitter", half fixed and half random.)
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1))
  return Math.floor(Math.random() * ceiling)
}

/** Retry-After as delta seconds or an HTTP date → milliseconds from now; undefined if absent/bad. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
