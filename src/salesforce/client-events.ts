// Events the client emits (a Node EventEmitter on the client) and the logger hook.
// No payload ever holds a token, a secret, a header value or a request body.

import type { LimitInfo } from './limit-info.js'
import type { AuthFlow } from './login-error.js'

/** pino-compatible: `logger.info({ status }, 'message')`. */
export interface ClientLogger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface RequestEvent {
  connection: string
  method: string
  /** Path without the query string, which may hold data. */
  path: string
  /** 1 for the first attempt. */
  attempt: number
}

export interface ResponseEvent extends RequestEvent {
  status: number
  durationMs: number
}

export interface LoginEvent {
  connection: string
  flow: AuthFlow
  ok: boolean
  durationMs: number
  instanceUrl?: string
  /** The error code when `ok` is false. */
  code?: string
}

export interface RetryEvent extends RequestEvent {
  /** Milliseconds until the next attempt. */
  delayMs: number
  /** What failed: an HTTP status, a Salesforce errorCode, or a network error code. */
  reason: string
}

export interface ClientEventMap {
  request: [RequestEvent]
  response: [ResponseEvent]
  login: [LoginEvent]
  retry: [RetryEvent]
  limits: [LimitInfo]
}
export type ClientEventName = keyof ClientEventMap
