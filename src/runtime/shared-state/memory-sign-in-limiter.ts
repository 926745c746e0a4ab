// The in-memory SignInLimiter (sign-in-limiter.ts, where the three kinds of key are explained):
// hard limits per address and per user and address, a backoff per user. Counted in this process.
import type { SignInLimiter, SignInLimiterOptions, SignInLockout } from './sign-in-limiter.js'
import { signInPolicyOf, signInWait, type SignInPolicy } from './sign-in-policy.js'

export class MemorySignInLimiter implements SignInLimiter {
  readonly #failures = new Map<string, number[]>()
  readonly #policy: SignInPolicy
  readonly #now: () => number

  constructor(options: SignInLimiterOptions = {}) {
    this.#policy = signInPolicyOf(options)
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

  #wait(key: string, now: number): number {
    const recent = this.#recent(key, now)
    return signInWait(this.#policy, key, recent.length, recent[0] ?? 0, recent.at(-1) ?? 0, now)
  }

  #recent(key: string, now: number): number[] {
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#policy.windowMs)
    if (recent.length) this.#failures.set(key, recent)
    else this.#failures.delete(key)
    return recent
  }
}
