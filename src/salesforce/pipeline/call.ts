// One call on its way through the request pipeline (request-pipeline.ts): the caller's options,
// the state the steps share, and the answer they hand back. Each field names the step that
// writes it; the others only read it.

import { Readable } from 'node:stream'
import type { TokenInfo } from '../token-info.js'
import { pathOnly } from '../request-target.js'
import type { Instance } from '../request-target.js'
import type { HttpMethod, RequestOptions, RetryPolicy } from '../requester.js'
import type { IncomingHttpHeaders } from '../buffering-handler.js'
import { header, utf8Text } from '../http-transport.js'
import { apiErrorFromResponse } from '../api-error-from-response.js'
import type { SalesforceApiError } from '../salesforce-error.js'
import type { CallDeadline } from './call-deadline.js'

/** What a send gives back: the final answer of one attempt, after redirects. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** The whole body, decompressed; undefined only when `stream` is set. */
  body: Buffer | undefined
  /** A successful answer to a `responseType: 'stream'` call: read by the caller, decompressed. */
  stream: Readable | undefined
  /** The error this answer stands for, built once by `answerError`. */
  error: SalesforceApiError | undefined
}

/** Sends a call on (the next step, or the network); resolves with the answer. */
export type Send = (call: Call) => Promise<Answer>

/**
 * A step of the pipeline: given what comes after it, the function that does its part and calls
 * on. Built once per client (request-pipeline.ts), run for every call.
 */
export type Step = (next: Send) => Send

const NO_INSTANCE: Instance = { origin: '', prefix: '' }

export class Call {
  readonly method: HttpMethod
  readonly policy: RetryPolicy
  /** The body as sent: JSON text, bytes, or a stream. */
  readonly payload: string | Buffer | Uint8Array | Readable | undefined
  readonly contentType: string | undefined
  /** False for a stream body: it can be sent only once, so never retried or replayed. */
  readonly replayable: boolean
  /** Set by the deadline step, the first step that needs one; every later step may use it. */
  deadline!: CallDeadline
  /**
   * How long one attempt may wait for headers, or between body pieces (retry step): shorter than
   * the deadline when a stalled attempt may be sent again, else the whole deadline.
   */
  attemptTimeoutMs = 0
  /** Attempts started, 1 for the first (retry step). A replay after a new login is no attempt. */
  attempt = 0
  /** New logins this call caused (auth step). */
  relogins = 0
  /** The token of this attempt, its instance and `Bearer <token>` (auth step). */
  token: TokenInfo | undefined = undefined
  instance: Instance = NO_INSTANCE
  authorization = ''
  /** Where the attempt goes: the instance's origin and the path with its query (auth step). */
  origin = ''
  path = ''
  /** Where a redirect of this attempt leads, while the redirect step follows it. */
  redirect: { origin: string; path: string } | undefined = undefined

  constructor(
    /** The client's name, for messages and events. */
    readonly connection: string,
    readonly options: RequestOptions,
  ) {
    this.method = options.method
    this.policy = options.retry ?? 'auto'
    const body = options.body
    if (body === undefined || body === null) {
      this.payload = undefined
      this.contentType = undefined
      this.replayable = true
    } else if (typeof body === 'string' || body instanceof Uint8Array) {
      this.payload = body
      this.contentType = undefined
      this.replayable = true
    } else if (body instanceof Readable) {
      this.payload = body
      this.contentType = undefined
      this.replayable = false
    } else if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      this.payload = Readable.from(body as AsyncIterable<Uint8Array | string>, {
        objectMode: false,
      })
      this.contentType = undefined
      this.replayable = false
    } else {
      this.payload = JSON.stringify(body)
      this.contentType = 'application/json'
      this.replayable = true
    }
  }
}

/**
 * Is this answer the call's result? 2xx, 304, and what the caller handles itself
 * (`acceptStatuses`: 300, 304, a composite 400). Anything else is an error, never a result.
 */
export function isAccepted(call: Call, status: number): boolean {
  return (
    (status >= 200 && status < 300) ||
    status === 304 ||
    (call.options.acceptStatuses !== undefined && call.options.acceptStatuses.includes(status))
  )
}

/** The SalesforceApiError a refused answer stands for (built once, then kept on the answer). */
export function answerError(call: Call, answer: Answer): SalesforceApiError {
  return (answer.error ??= apiErrorFromResponse(
    { connection: call.connection, method: call.method, path: pathOnly(call.path) },
    answer.status,
    header(answer, 'content-type'),
    answer.body ? utf8Text(answer.body) : '',
  ))
}
