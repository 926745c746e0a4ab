// How long a failed job waits before its next attempt: exponential, capped, with jitter so that
// jobs failing together (a Salesforce outage, UNABLE_TO_LOCK_ROW on one record) do not retry in
// lockstep.

export interface BackoffOptions {
  /** Delay before the second attempt, before jitter. */
  baseMs: number
  /** Upper bound of any delay. */
  maxMs: number
}

/**
 * "Equal jitter": half of the exponential delay is fixed, the other half random, so a retry is
 * never sooner than half the planned delay. `attempt` is the attempt that just failed (1-based).
 *
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 60_000 }) // between 2000 and 4000
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 50)
  const planned = Math.min(options.maxMs, options.baseMs * 2 ** exponent)
  return Math.round(planned / 2 + random() * (planned / 2))
}
