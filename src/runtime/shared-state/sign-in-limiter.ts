// The admin sign-in limiter as a contract: failed sign-ins counted per key in a sliding window.
// Memory today (memory-sign-in-limiter.ts); Redis in a cluster. Three kinds of key, so that a
// guesser is stopped without locking the account's owner out from elsewhere:
//   pair:<address> <user>  a hard limit (default 5): one address guessing one user's password;
//   ip:<address>           a hard limit (default 20): one address guessing across user names
//                          (higher, as several operators may sit behind one address);
//   user:<name>            no hard limit, a backoff: past a free allowance (default 10) failures
//                          from all addresses together, each further try waits a delay that
//                          doubles from 1 s to at most 60 s after the latest failure. Guessing
//                          spread over many addresses is slowed to about one try a minute, while
//                          the owner, from an address of their own, waits at most that minute.

export interface SignInLimiterOptions {
  /** Failures allowed per user name and address (`pair:` keys) in the window. Default 5. */
  maxFailures?: number
  /** Failures allowed per client address (`ip:` keys) in the window. Default 20. */
  maxFailuresPerAddress?: number
  /** Failures per user name (`user:` keys) from all addresses before the backoff. Default 10. */
  userFreeFailures?: number
  /** The backoff's first delay, doubled at each further failure, in ms. Default 1000. */
  userBackoffMs?: number
  /** The backoff's longest delay, in ms. Default 60,000. */
  userMaxBackoffMs?: number
  /** Default 15 minutes. */
  windowMs?: number
  /** Wall clock in epoch ms (tests drive it). Default Date.now. */
  now?: () => number
}

/** A key that is blocked now: what the admin lists and may clear. */
export interface SignInLockout {
  /** `pair:<address> <user>`, `ip:<address>` or `user:<name>`. */
  key: string
  /** Failures of the key still in the window. */
  failures: number
  /** Seconds until the key may try again (always 1 or more here). */
  retryAfter: number
}

/** The limiter's keys for one attempt; the route checks and fails all three. */
export function signInKeys(user: string, address: string) {
  return {
    pair: `pair:${address} ${user}`,
    address: `ip:${address}`,
    user: `user:${user}`,
  } as const
}

/**
 * What every backend must keep, a cluster one across nodes:
 * - **Counted across the cluster**: failures on every node add up, so a guesser spreading tries
 *   over nodes gets no more than on one.
 * - **Sliding window**: failures older than the window are forgotten. A `pair:` or `ip:` key is
 *   blocked while it has its maximum of failures in the window, until its oldest failure ages out
 *   (never earlier); a `user:` key with n failures over its free allowance f is blocked until
 *   min(backoff·2^(n−f−1), maxBackoff) after its newest failure. `retryAfter` is in whole seconds,
 *   rounded up.
 * - `succeed(key)` clears one key at once everywhere (a successful sign-in clears its `pair:`
 *   key only; an admin clears any key listed by `lockouts`).
 */
export interface SignInLimiter {
  /** Seconds to wait before any of `keys` may try again; 0 when none is blocked. */
  retryAfter(keys: readonly string[]): Promise<number>
  /** Counts one failure on each of `keys`. */
  fail(keys: readonly string[]): Promise<void>
  /** Clears the failures of `key`. */
  succeed(key: string): Promise<void>
  /** Every key blocked now, longest wait first (the admin's list of lock-outs). */
  lockouts(): Promise<SignInLockout[]>
}
