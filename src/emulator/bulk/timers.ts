// The timers that move Bulk jobs forward in the background; all are cancelled when the
// emulator closes, so no job outlives its server. A chunk of rows also has a time budget
// (`sliceMs`): past it, the rest of the chunk waits for the next turn of the event loop, so
// that a loaded machine never holds the loop for long. Requests, and Pub/Sub streams asking
// for the change events the chunk made, are served in between: on one event loop a 500-row
// chunk that took 20 ms under load let a change-event stream fall seconds behind.

/** Time budget of one piece of a Bulk chunk, in ms. */
export const DEFAULT_SLICE_MS = 2

export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>()
  private readonly immediates = new Set<NodeJS.Immediate>()

  constructor(
    private readonly delayMs: number,
    private readonly sliceMs: number = DEFAULT_SLICE_MS,
  ) {}

  /** Runs `fn` after the pace's delay (`tickMs`). */
  later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer)
      fn()
    }, this.delayMs)
    timer.unref()
    this.pending.add(timer)
  }

  /** Runs `fn` on the next turn of the event loop, after pending I/O: the rest of a chunk. */
  soon(fn: () => void): void {
    const immediate = setImmediate(() => {
      this.immediates.delete(immediate)
      fn()
    })
    // Not unref'd: an unref'd immediate does not keep the event loop from blocking in its
    // I/O poll, so each piece waited for the next request to arrive (about 3 pieces a second
    // on an idle server). stop() clears them, so none outlives the server.
    this.immediates.add(immediate)
  }

  /** Starts a slice; the function returned tells whether its time budget is spent. */
  slice(): () => boolean {
    const end = performance.now() + this.sliceMs
    return () => performance.now() >= end
  }

  stop(): void {
    for (const timer of this.pending) clearTimeout(timer)
    this.pending.clear()
    for (const immediate of this.immediates) clearImmediate(immediate)
    this.immediates.clear()
  }
}
