// The in-memory SignInLimiter (sign-in-limiter.ts, where the three kinds of key are explained):
// hard limits per address and per user and address, a backoff per user. Counted in this process.
import type { SignInLimiter, SignInLimiterOptions, SignInLockout } from './sign-in-limiter.js'

export class MemorySignInLimiter implements SignInLimiter {
  readonly #failures = new Map<string, number[]>()
  readonly #max: number
  readonly #maxPerAddress: number
  readonly #userFree: number
  readonly #backoffMs: number
  readonly #maxBackoffMs: number
  readonly #windowMs: number
  readonly #now: () => number

  constructor(options: SignInLimiterOptions = {}) {
    this.#max = options.maxFailures ?? 5
    this.#maxPerAddress = options.maxFailuresPerAddress ?? 20
    this.#userFree = options.userFreeFailures ?? 10
    this.#backoffMs = options.userBackoffMs ?? 1_000
    this.#maxBackoffMs = options.userMaxBackoffMs ?? 60_000
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  retryAfter(keys: readonly string[]): Promise<number> {
    const now = this.#now()
    return Promise.resolve(Math.max(0, ...keys.map((key) => this.#wait(key, now))))
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

  lockouts(): Promise<SignInLockout[]> {
    const now = this.#now()
    const out: SignInLockout[] = []
    for (const key of [...this.#failures.keys()]) {
      const retryAfter = this.#wait(key, now)
      const failures = this.#failures.get(key)?.length ?? 0
      if (retryAfter > 0) out.push({ key, failures, retryAfter })
    }
    return Promise.resolve(out.sort((a, b) => b.retryAfter - a.retryAfter))
  }

  /** Whole seconds `key` must wait at `now`; 0 when it may try. */
  #wait(key: string, now: number): number {
    const recent = this.#recent(key, now)
    const oldest = recent[0]
    const newest = recent.at(-1)
    if (oldest === undefined || newest === undefined) return 0
    let until = 0
    if (key.startsWith('user:')) {
      const over = recent.length - this.#userFree
      if (over > 0) until = newest + Math.min(this.#backoffMs * 2 ** (over - 1), this.#maxBackoffMs)
    } else {
      const max = key.startsWith('ip:') ? this.#maxPerAddress : this.#max
      if (recent.length >= max) until = oldest + this.#windowMs
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0
  }

  #recent(key: string, now: number): number[] {
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs)
    if (recent.length) this.#failures.set(key, recent)
    else this.#failures.delete(key)
    return recent
  }
}
