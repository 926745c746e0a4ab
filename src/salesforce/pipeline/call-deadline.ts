// The overall timeout of one call (all attempts, logins and backoff waits), joined with the
// caller's own AbortSignal. It is itself the abort signal handed to undici, which accepts an
// EventEmitter: cheaper on the hot path than an AbortController and EventTarget per call.

import { EventEmitter } from 'node:events'
import { SalesforceError } from '../salesforce-error.js'

export class CallDeadline extends EventEmitter<{ abort: [] }> {
  aborted = false
  timedOut = false
  reason: unknown = undefined
  private readonly timer: NodeJS.Timeout
  private readonly userSignal: AbortSignal | undefined
  private readonly onUserAbort: (() => void) | undefined

  constructor(
    readonly timeoutMs: number,
    userSignal: AbortSignal | undefined,
  ) {
    super()
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.abort(undefined)
    }, timeoutMs)
    this.userSignal = userSignal
    if (userSignal) {
      if (userSignal.aborted) this.abort(userSignal.reason)
      else {
        this.onUserAbort = () => this.abort(userSignal.reason)
        userSignal.addEventListener('abort', this.onUserAbort, { once: true })
      }
    }
  }

  private abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.emit('abort')
  }

  /** Stops the timer; `keepUserAbort` leaves the caller's signal able to abort a stream. */
  dispose(keepUserAbort = false): void {
    clearTimeout(this.timer)
    if (!keepUserAbort && this.onUserAbort) {
      this.userSignal?.removeEventListener('abort', this.onUserAbort)
    }
  }

  /** Waits for `promise`, or rejects as soon as the call is aborted or times out. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(new Error('aborted'))
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('aborted'))
      this.once('abort', onAbort)
      promise.then(
        (v) => {
          this.off('abort', onAbort)
          resolve(v)
        },
        (e: unknown) => {
          this.off('abort', onAbort)
          reject(e instanceof Error ? e : new Error(String(e)))
        },
      )
    })
  }

  /** Sleeps `ms`, ending early (rejecting) when the call is aborted. */
  sleep(ms: number): Promise<void> {
    return this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()))
  }

  /** The error to throw once aborted: TIMEOUT or ABORTED. */
  abortError(connection: string, what: string, cause?: unknown): SalesforceError {
    return this.timedOut
      ? new SalesforceError(
          'TIMEOUT',
          `connection '${connection}': ${what} did not finish within ${this.timeoutMs} ms; raise timeoutMs for this call or connection if it is expected to be slow`,
          { connection, cause },
        )
      : new SalesforceError(
          'ABORTED',
          `connection '${connection}': ${what} was aborted by the caller`,
          { connection, cause: cause ?? this.reason },
        )
  }
}
