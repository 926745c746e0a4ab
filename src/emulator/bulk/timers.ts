// The timers that move Bulk jobs forward in the background; all are cancelled when the
// emulator closes, so no job outlives its server. A chunk of rows also has a time budget
// (`sliceMs`, its commit included): past it, the rest of the chunk waits for the next turn of the event loop, so
// that a loaded machine never holds the loop for long. Requests, and Pub/Sub streams asking
// for the change events the chunk made, are served in between: on one event loop a 500-row
// chunk that took 20 ms under load let a change-event stream fall seconds behind.

/** Time budget of one piece of a Bulk chunk, in ms. */
export const DEFAULT_SLICE_MS = 2

export class Timers {
  /** What a step costs once the loop is over (its share of the commit), learnt slice by slice. */
  private readonly tail = { msPerStep: 0 }
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

  /** Starts a slice of a chunk: work steps until its time budget is spent. */
  slice(): Slice {
    return new Slice(this.sliceMs, this.tail)
  }

  stop(): void {
    for (const timer of this.pending) clearTimeout(timer)
    this.pending.clear()
    for (const immediate of this.immediates) clearImmediate(immediate)
    this.immediates.clear()
  }
}

/**
 * One piece of a chunk. Its budget covers what the rows cost after the loop too: writing them
 * to SQLite and turning them into change events happen when the slice's transaction commits,
 * and once took three times the loop's 2 ms (a 2 ms slice held the event loop 5 to 15 ms), so
 * a Pub/Sub stream waiting for its turn fell a second behind a Bulk job.
 */
export class Slice {
  private readonly started = performance.now()
  private last = this.started
  private steps = 0

  constructor(
    private readonly budgetMs: number,
    private readonly tail: { msPerStep: number },
  ) {}

  /** After each step: whether the budget is spent, counting the steps' cost still to come. */
  spent(): boolean {
    this.steps++
    this.last = performance.now()
    return this.last - this.started + this.steps * this.tail.msPerStep >= this.budgetMs
  }

  /** The slice's work is over (its transaction committed): learn what a step cost after the loop. */
  end(): void {
    if (this.steps === 0) return
    const perStep = (performance.now() - this.last) / this.steps
    // A moving average: one slow commit (a page split, a pause of the machine) weighs little.
    this.tail.msPerStep = this.tail.msPerStep * 0.75 + perStep * 0.25
  }
}
