// The admin sign-in limiter as a contract: failed sign-ins counted per key (user name, client
// address) in a sliding window. Memory today (memory-sign-in-limiter.ts); Redis in a cluster.

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
  /** Wall clock in epoch ms (tests drive it). Default Date.now. */
  now?: () => number
}

/**
 * Keys starting with `ip:` are client addresses, the others user names (`user:<name>`). What
 * every backend must keep, a cluster one across nodes:
 * - **Counted across the cluster**: failures on every node add up, so a guesser spreading tries
 *   over nodes gets no more than on one.
 * - **Sliding window**: a key is blocked while it has its maximum of failures in the window, and
 *   `retryAfter` says in whole seconds when its oldest failure ages out (never earlier).
 * - `succeed` clears one key at once everywhere.
 */
export interface SignInLimiter {
  /** Seconds to wait before any of `keys` may try again; 0 when none is blocked. */
  retryAfter(keys: readonly string[]): Promise<number>
  /** Counts one failure on each of `keys`. */
  fail(keys: readonly string[]): Promise<void>
  /** Clears the failures of `key` (a successful sign-in clears the user's, not the address's). */
  succeed(key: string): Promise<void>
}
