// A cancellation that costs nothing until it is used. Making an AbortController takes 10-20 µs on
// Node 20 (its signal is a full EventTarget), more than the rest of a fast channel call, and a
// call needs one only when its service reads `ctx.signal`. This one makes the controller on the
// first read of `signal`; until then aborting calls the few internal listeners directly.
type Listener = (reason: Error) => void

export class LazyAbort {
  #controller: AbortController | undefined
  #aborted = false
  #reason: Error | undefined
  /** The first listener, and the others in order: a call has one or two, so no array at first. */
  #first: Listener | undefined
  #more: Listener[] | undefined

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
    const first = this.#first
    const more = this.#more
    this.#first = undefined
    this.#more = undefined
    first?.(error)
    if (more) for (const listener of more) listener(error)
  }

  /** Calls `listener` once, on abort (not when aborted already, like addEventListener). */
  onAbort(listener: Listener): void {
    if (this.#aborted) return
    if (!this.#first && !this.#more?.length) this.#first = listener
    else (this.#more ??= []).push(listener)
  }

  offAbort(listener: Listener): void {
    if (this.#first === listener) {
      this.#first = undefined
      return
    }
    const i = this.#more?.indexOf(listener) ?? -1
    if (i >= 0) this.#more?.splice(i, 1)
  }
}
