// Typed errors of the Salesforce client. Callers match on `code` (stable), never on the message.
// The table of codes lives in docs/client.md.

import {
  ForcebridgeError,
  foreignCode,
  type ErrorCode,
  type ErrorSource,
  type ForeignCode,
} from '../util/index.js'

/** Every error the client throws. `connection` is the client's name, for messages and logs. */
export class SalesforceError extends ForcebridgeError {
  readonly connection: string
  override get source(): ErrorSource {
    return 'salesforce'
  }

  constructor(
    code: ErrorCode | ForeignCode,
    message: string,
    options: { connection: string; cause?: unknown },
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SalesforceError'
    this.connection = options.connection
  }
}

/**
 * One entry of a Salesforce error body. Data APIs use `errorCode`; record-level results inside
 * collections, tree and Bulk use `statusCode` (salesforce-api.md §0), so both are kept.
 */
export interface SalesforceErrorEntry {
  message: string
  errorCode?: string
  statusCode?: string
  fields?: string[]
  [key: string]: unknown
}

export interface SalesforceApiErrorDetails {
  connection: string
  status: number
  method: string
  /** The path as sent, without the query string (which may hold data). */
  path: string
  errors: SalesforceErrorEntry[]
  retryable: boolean
  cause?: unknown
}

/**
 * A non-2xx answer from the data API. `code` is the first entry's `errorCode` (Salesforce's
 * codes are stable: `INVALID_SESSION_ID`, `REQUEST_LIMIT_EXCEEDED`, ...), `NON_JSON_RESPONSE`
 * for an HTML or text body, or `HTTP_<status>` when the body names no code.
 */
export class SalesforceApiError extends SalesforceError {
  readonly status: number
  readonly errorCode: string | undefined
  readonly fields: string[]
  readonly errors: SalesforceErrorEntry[]
  /** True when sending the same call again is safe and may succeed (lock, 503, 429...). */
  readonly retryable: boolean
  readonly method: string
  readonly path: string

  constructor(code: string, message: string, details: SalesforceApiErrorDetails) {
    // The code is Salesforce's own (or the HTTP status's), not one of the catalogue.
    super(foreignCode(code), message, { connection: details.connection, cause: details.cause })
    this.name = 'SalesforceApiError'
    const first = details.errors[0]
    this.status = details.status
    this.errorCode = first?.errorCode ?? first?.statusCode
    this.fields = first?.fields ?? []
    this.errors = details.errors
    this.retryable = details.retryable
    this.method = details.method
    this.path = details.path
  }
}
