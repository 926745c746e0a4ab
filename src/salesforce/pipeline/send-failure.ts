// A call that got no answer: the connection failed, dropped or timed out on the way. The retry
// step reads `networkCode` to decide whether the same call may go out again.

import { SalesforceError } from '../salesforce-error.js'

export class SendFailure extends SalesforceError {
  /** The Node or undici code (ECONNRESET, UND_ERR_SOCKET...), when the failure had one. */
  readonly networkCode: string | undefined

  /** True when the request provably never reached the server (refused, or nothing written). */
  readonly neverSent: boolean

  constructor(
    code: 'NETWORK_ERROR' | 'TIMEOUT',
    message: string,
    options: {
      connection: string
      cause: unknown
      networkCode: string | undefined
      neverSent?: boolean
    },
  ) {
    super(code, message, options)
    this.networkCode = options.networkCode
    this.neverSent = options.neverSent ?? false
  }
}
