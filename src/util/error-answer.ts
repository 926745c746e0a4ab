// The one function from a thrown value to the status, code and message an HTTP caller gets,
// read from the error catalogue; channels (http-server.ts) and the admin API shape the body.
import { catalogueEntry } from './error-catalogue.js'
import { ForcebridgeError } from './forcebridge-error.js'

/** `channel`: public callers, who never see internal messages; `admin`: the operators' API. */
export type ErrorSurface = 'channel' | 'admin'

export interface ErrorAnswer {
  status: number
  /** The code the answer carries (for the Salesforce client's errors on a channel, ours). */
  code: string
  /** The message the caller may see; undefined when it is withheld. */
  message: string | undefined
  /** False when nobody is left to answer (CALLER_GONE): end the exchange. */
  answered: boolean
  /** True for a failure the answer does not explain (500): log it in full. */
  internal: boolean
}

const INTERNAL: ErrorAnswer = {
  status: 500,
  code: 'INTERNAL_ERROR',
  message: undefined,
  answered: true,
  internal: true,
}

/** What `surface` answers for `err`. */
export function errorAnswer(err: unknown, surface: ErrorSurface): ErrorAnswer {
  if (err instanceof ForcebridgeError) return forcebridgeAnswer(err, surface)
  const status = (err as { statusCode?: unknown } | null)?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals: malformed JSON, unsupported media type, body too large.
    const code = status === 413 && surface === 'channel' ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST'
    const message = err instanceof Error ? err.message : 'bad request'
    return { status, code, message, answered: true, internal: false }
  }
  return INTERNAL
}

function forcebridgeAnswer(err: ForcebridgeError, surface: ErrorSurface): ErrorAnswer {
  const shown = { message: err.message, answered: true, internal: false }
  if (err.source !== 'forcebridge') {
    // Salesforce (or its login host) refused: the caller's request itself was fine. Channels
    // answer with our code (the client's goes in errorCode); the admin API with the client's.
    if (surface === 'admin') return { status: 502, code: err.code, ...shown }
    const code = err.source === 'salesforce-login' ? 'SALESFORCE_LOGIN_FAILED' : 'SALESFORCE_ERROR'
    return { status: 502, code, ...shown }
  }
  const entry = catalogueEntry(err.code)
  if (surface === 'admin') return { status: entry?.status ?? 500, code: err.code, ...shown }
  const channel = entry?.channel
  if (!entry || !channel) return INTERNAL
  return {
    status: channel.status ?? entry.status,
    code: err.code,
    message: channel.shows === 'message' ? err.message : undefined,
    answered: channel.shows !== 'none',
    internal: false,
  }
}
