// What a failed login leaves behind (LoginCooldown; in memory by default, Redis can implement it
// for a cluster): for a while, calls fail at once with the same error instead of logging in
// again, because Salesforce locks a user out after about 3,600 logins an hour.

import type { LoginError } from './login-error.js'

export interface LoginFailure {
  /** The error to repeat while the cooldown runs. */
  error: LoginError
  /** Epoch milliseconds when the next login may be tried. */
  until: number
  /** Consecutive failures so far: each one doubles the wait. */
  count: number
}

/**
 * The last login failure per key (the client's `tokenKey`), until a login succeeds. A shared
 * one (Redis) makes the whole cluster wait, not each node on its own; it stores the error's
 * code, message and OAuth fields and rebuilds a LoginError from them.
 */
export interface LoginCooldown {
  get(key: string): Promise<LoginFailure | undefined>
  set(key: string, failure: LoginFailure): Promise<void>
  /** Forgets the failures of `key` (after a successful login). */
  clear(key: string): Promise<void>
}

/** The default: a Map in this process. */
export class MemoryLoginCooldown implements LoginCooldown {
  private readonly failures = new Map<string, LoginFailure>()

  get(key: string): Promise<LoginFailure | undefined> {
    return Promise.resolve(this.failures.get(key))
  }

  set(key: string, failure: LoginFailure): Promise<void> {
    this.failures.set(key, failure)
    return Promise.resolve()
  }

  clear(key: string): Promise<void> {
    this.failures.delete(key)
    return Promise.resolve()
  }
}
