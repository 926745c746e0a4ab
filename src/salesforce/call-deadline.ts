// The overall timeout of one call (all attempts, logins and backoff waits), joined with the
// caller's own AbortSignal. A timer and a controller rather than AbortSignal.any, which
// keeps listeners alive on long-lived signals in Node 20.

import { SalesforceError } from './salesforce-error.js'

export class CallDeadline {
  readonly signal: AbortSignal
  timedOut = false
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout
  private readonly userSignal: AbortSignal | undefined
  private readonly onUserAbort: (() => void) | undefined

  constructor(
    readonly timeoutMs: number,
    userSignal: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.controller.abort()
    }, timeoutMs)
    this.userSignal = userSignal
    if (userSignal) {
      if (userSignal.aborted) this.controller.abort(userSignal.reason)
      else {
        this.onUserAbort = () => this.controller.abort(userSignal.reason)
        userSignal.addEventListener('abort', this.onUserAbort, { once: true })
      }
    }
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
    if (this.signal.aborted) return Promise.reject(new Error('aborted'))
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('aborted'))
      this.signal.addEventListener('abort', onAbort, { once: true })
      promise.then(
        (v) => {
          this.signal.removeEventListener('abort', onAbort)
          resolve(v)
        },
        (e: unknown) => {
          this.signal.removeEventListener('abort', onAbort)
          reject(e instanceof Error ? e : new Error(String(e)))
        },
      )
    })
  }

  /** Sleeps `ms`, ending early (rejecting) when the call is aborted. */
  sleep(ms: number): Promise<void> {
    return this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()))
  }

  /** The error to throw when the signal fired: TIMEOUT or ABORTED. */
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
          {
            connection,
            cause: cause ?? this.userSignal?.reason,
          },
        )
  }
}
