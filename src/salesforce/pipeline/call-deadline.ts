// The overall timeout of one call (all attempts, logins and backoff waits), joined with the
// caller's own AbortSignal. Whatever waits on the call watches it: a send in flight, a wait for
// a login or a slot, a backoff. A plain list of watchers costs less per call than an
// AbortController or an EventEmitter; an AbortSignal is made only for a streamed answer.

import { SalesforceError } from '../salesforce-error.js'

/** Told once when the call is aborted or times out. */
export interface AbortWatcher {
  onAbort(): void
}

export class CallDeadline {
  aborted = false
  timedOut = false
  reason: unknown = undefined
  private readonly timer: NodeJS.Timeout
  private readonly userSignal: AbortSignal | undefined
  private readonly onUserAbort: (() => void) | undefined
  /** Usually one watcher at a time (the send in flight): kept inline, a list only beyond. */
  private watcher: AbortWatcher | undefined
  private others: AbortWatcher[] | undefined
  private controller: AbortController | undefined

  constructor(
    readonly timeoutMs: number,
    userSignal: AbortSignal | undefined,
  ) {
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

  watch(watcher: AbortWatcher): void {
    if (this.watcher === undefined) this.watcher = watcher
    else (this.others ??= []).push(watcher)
  }

  unwatch(watcher: AbortWatcher): void {
    if (this.watcher === watcher) {
      this.watcher = undefined
      return
    }
    const i = this.others ? this.others.indexOf(watcher) : -1
    if (i !== -1) this.others?.splice(i, 1)
  }

  /** An AbortSignal that follows this deadline, for APIs that want one (a streamed answer). */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController())
      if (this.aborted) controller.abort(this.reason)
      else this.watch({ onAbort: () => controller.abort(this.reason) })
    }
    return this.controller.signal
  }

  private abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const { watcher, others } = this
    this.watcher = undefined
    this.others = undefined
    watcher?.onAbort()
    if (others) for (const w of others) w.onAbort()
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
      const watcher = { onAbort: () => reject(new Error('aborted')) }
      this.watch(watcher)
      promise.then(
        (v) => {
          this.unwatch(watcher)
          resolve(v)
        },
        (e: unknown) => {
          this.unwatch(watcher)
          reject(e instanceof Error ? e : new Error(String(e)))
        },
      )
    })
  }

  /** Sleeps `ms`, ending early (rejecting) when the call is aborted. */
  sleep(ms: number): Promise<void> {
    return this.race(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()))
  }

  /**
   * The error to throw once aborted: TIMEOUT or ABORTED. A POST or PATCH that timed out may
   * have reached Salesforce, and was not sent again: the message says to check before resending.
   */
  abortError(connection: string, what: string, cause?: unknown, method?: string): SalesforceError {
    const written =
      method === 'POST' || method === 'PATCH'
        ? `; it may have reached Salesforce, so check whether it took effect before sending it again`
        : ''
    return this.timedOut
      ? new SalesforceError(
          'TIMEOUT',
          `connection '${connection}': ${what} did not finish within ${this.timeoutMs} ms; raise timeoutMs for this call or connection if it is expected to be slow${written}`,
          { connection, cause },
        )
      : new SalesforceError(
          'ABORTED',
          `connection '${connection}': ${what} was aborted by the caller`,
          { connection, cause: cause ?? this.reason },
        )
  }
}
