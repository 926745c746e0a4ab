// The in-memory SignInLimiter (sign-in-limiter.ts): after `maxFailures` inside the window,
// further attempts are refused (429 with Retry-After) until the oldest failure ages out. Counted
// in this process only.
import type { SignInLimiter, SignInLimiterOptions } from './sign-in-limiter.js'

export class MemorySignInLimiter implements SignInLimiter {
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

  retryAfter(keys: readonly string[]): Promise<number> {
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
    return Promise.resolve(wait)
  }

  fail(keys: readonly string[]): Promise<void> {
    const now = this.#now()
    for (const key of keys) this.#failures.set(key, [...this.#recent(key, now), now])
    return Promise.resolve()
  }

  succeed(key: string): Promise<void> {
    this.#failures.delete(key)
    return Promise.resolve()
  }

  #recent(key: string, now: number): number[] {
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs)
    if (recent.length) this.#failures.set(key, recent)
    else this.#failures.delete(key)
    return recent
  }
}
