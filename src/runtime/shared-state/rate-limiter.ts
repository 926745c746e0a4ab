// The channel rate limit as a contract: one call asks whether a key (a channel) may pass under
// its limit and counts it when it may. Memory today (memory-rate-limiter.ts); Redis in a cluster.
import type { RateLimit } from '../../store/index.js'

/** The answer to one call, with what the RateLimit-* and Retry-After headers say. */
export interface RateDecision {
  allowed: boolean
  limit: number
  /** Calls still allowed now (after this one, when allowed). */
  remaining: number
  /** Seconds until the whole allowance is back (RateLimit-Reset). */
  resetSeconds: number
  /** When refused: whole seconds (at least 1) after which a call would be allowed. */
  retryAfterSeconds: number
}

/**
 * Counts calls per key under a limit of `requests` per `perSeconds`. What every backend must keep,
 * a cluster one across all its nodes together:
 * - **Exact sliding window**: a call passes when fewer than `requests` calls of that key passed
 *   in the `perSeconds` before it, counted over every node (not per node, not fixed buckets);
 *   a burst of `requests` passes at once. Check and count are one atomic step, so two nodes
 *   racing for the last slot cannot both pass.
 * - **Refused calls are not counted**, so a caller retrying too early does not push the window.
 * - **Retry-After is exact**: when the oldest counted call leaves the window, never later.
 * - **A changed limit starts counting afresh** for that key.
 * - **Rebuildable**: losing the counters (a restart) lets at most one window's worth through
 *   again; nothing else depends on them.
 * The admission path awaits `consume` on every limited call: keep it to one round trip.
 */
export interface RateLimiter {
  consume(key: string, limit: RateLimit): Promise<RateDecision>
  /**
   * Forgets keys not in `keys` (called when the channels change). A backend whose counters expire
   * on their own may do nothing.
   */
  retain(keys: ReadonlySet<string>): void
}
