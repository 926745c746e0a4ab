// A cancellation that costs nothing until it is used. Making an AbortController takes 10-20 µs on
// Node 20 (its signal is a full EventTarget), more than the rest of a fast channel call, and a
// call needs one only when its service reads `ctx.signal`. This one makes the controller on the
// first read of `signal`; until then aborting calls the few internal listeners directly.
export class LazyAbort {
  #controller: AbortController | undefined
  #aborted = false
  #reason: Error | undefined
  #listeners: ((reason: Error) => void)[] = []

  get aborted(): boolean {
    return this.#aborted
  }

  /** Why it was aborted; undefined until then. */
  get reason(): Error | undefined {
    return this.#reason
  }

  /** An AbortSignal that aborts with this, made on first read (aborted already if this is). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Aborts once: the signal's listeners first (when it was made), then those of onAbort. */
  abort(reason?: Error): void {
    if (this.#aborted) return
    this.#aborted = true
    // As AbortController does: no reason given means an AbortError.
    const error = reason ?? new DOMException('This operation was aborted', 'AbortError')
    this.#reason = error
    this.#controller?.abort(error)
    for (const listener of this.#listeners.splice(0)) listener(error)
  }

  /** Calls `listener` once, on abort (not when aborted already, like addEventListener). */
  onAbort(listener: (reason: Error) => void): void {
    if (!this.#aborted) this.#listeners.push(listener)
  }

  offAbort(listener: (reason: Error) => void): void {
    const i = this.#listeners.indexOf(listener)
    if (i >= 0) this.#listeners.splice(i, 1)
  }
}
