// Graceful shutdown of the channels' invocations: while the server closes, running ones get up to
// a drain timeout to finish (their callers get real answers), then the rest are aborted.
import { ForcebridgeError } from '../../util/index.js'

/** Default of FORCEBRIDGE_SHUTDOWN_TIMEOUT_MS. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000
/** After aborting, how long the aborted calls get to send their 503 before sockets are closed. */
const ABORT_GRACE_MS = 2_000

/** What the drain aborts: an AbortController, or the channels' LazyAbort. */
export interface Abortable {
  abort(reason: Error): void
}

export class ChannelDrain {
  readonly #running = new Set<Abortable>()
  #idle: (() => void) | undefined
  #draining = false

  /** True once drain() has begun: answers should close their connection. */
  get draining(): boolean {
    return this.#draining
  }

  /** How many invocations are running (their answers not yet sent). */
  get running(): number {
    return this.#running.size
  }

  /** Registers a running invocation; call finish() with it once its answer is sent. */
  start(call: Abortable): void {
    this.#running.add(call)
  }

  /** The invocation's answer is sent (or it ended otherwise); once is enough, more is harmless. */
  finish(call: Abortable): void {
    if (this.#running.delete(call) && this.#running.size === 0) this.#idle?.()
  }

  /**
   * Waits until no invocation runs, or `timeoutMs` passed; then aborts those still running with
   * SHUTTING_DOWN (their callers get a 503) and gives them a moment to send it.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true
    await this.#whenIdle(timeoutMs)
    if (this.#running.size === 0) return
    const reason = new ForcebridgeError(
      'SHUTTING_DOWN',
      `the server is shutting down and the invocation did not finish within ${timeoutMs} ms; call again`,
    )
    for (const controller of this.#running) controller.abort(reason)
    await this.#whenIdle(ABORT_GRACE_MS)
  }

  async #whenIdle(timeoutMs: number): Promise<void> {
    if (this.#running.size === 0) return
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>((resolve) => {
      this.#idle = resolve
      timer = setTimeout(resolve, timeoutMs)
    })
    clearTimeout(timer)
    this.#idle = undefined
  }
}
