// Limits failed sign-ins per user name and per client address: after `maxFailures` inside the
// window, further attempts are refused (429 with Retry-After) until the oldest failure ages out.

export interface SignInLimiterOptions {
  /** Failures allowed per user name in the window. Default 5. */
  maxFailures?: number
  /**
   * Failures allowed per client address in the window. Default 20: higher than per user, so
   * one mistyping operator does not lock out colleagues behind the same address.
   */
  maxFailuresPerAddress?: number
  /** Default 15 minutes. */
  windowMs?: number
  now?: () => number
}

export class SignInLimiter {
  readonly #failures = new Map<string, number[]>()
  readonly #max: number
  readonly #maxPerAddress: number
  readonly #windowMs: number
  readonly #now: () => number

  constructor(options: SignInLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 5
    this.#maxPerAddress = options.maxFailuresPerAddress ?? 20
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  /**
   * Seconds to wait before any of `keys` may try again; 0 when none is blocked. Keys starting
   * with `ip:` are addresses, the others user names.
   */
  retryAfter(keys: string[]): number {
    const now = this.#now()
    let wait = 0
    for (const key of keys) {
      const recent = this.#recent(key, now)
      const oldest = recent[0]
      const max = key.startsWith('ip:') ? this.#maxPerAddress : this.#max
      if (recent.length >= max && oldest !== undefined) {
        wait = Math.max(wait, Math.ceil((oldest + this.#windowMs - now) / 1000))
      }
    }
    return wait
  }

  fail(keys: string[]): void {
    const now = this.#now()
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now), now])
  }

  /** A successful sign-in clears the user's failures (not the address's: one IP, many users). */
  succeed(key: string): void {
    this.#failures.delete(key)
  }

  #recent(key: string, now: number): number[] {
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs)
    if (recent.length) this.#failures.set(key, recent)
    else this.#failures.delete(key)
    return recent
  }
}
