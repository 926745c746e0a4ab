// The in-memory RateLimiter (rate-limiter.ts): per-channel limits (`rateLimit: { requests,
// perSeconds }`) counted in this process's memory, so behind a load balancer each process allows
// the full rate; a cluster needs the shared backend.
//
// Exact sliding windows: the times of the last `requests` calls let through are kept in a ring,
// so a call passes when fewer than `requests` passed in the `perSeconds` before it. That is the
// limit as an operator reads it ("at most 100 in any 60 s"), a burst of `requests` passes at once,
// and `Retry-After` is exact: when the oldest of those calls leaves the window, never later.
// Memory is 8 bytes per allowed request of the limit, taken on the channel's first call. Only
// calls that passed security are counted (the server asks after checking credentials), so
// strangers cannot spend real callers' allowance.
import type { RateLimit } from '../../store/index.js'
import type { RateDecision, RateLimiter } from './rate-limiter.js'

/** The last `requests` allowed calls of one channel, oldest first from `head`. */
interface Log {
  requests: number
  windowMs: number
  times: Float64Array
  head: number
  size: number
}

export interface MemoryRateLimiterOptions {
  /** A clock in ms that does not jump back. Default: the monotonic clock (performance.now). */
  now?: () => number
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #logs = new Map<string, Log>()
  readonly #now: () => number

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? (() => performance.now())
  }

  /** `take` on the limiter's clock, as a settled promise: the only allocation it adds. */
  consume(key: string, limit: RateLimit): Promise<RateDecision> {
    return Promise.resolve(this.take(key, limit, this.#now()))
  }

  /**
   * Counts one call on `channelId` when `limit` allows it, synchronously. `now` is in ms from a
   * clock that does not jump back (default: the limiter's clock).
   */
  take(channelId: string, limit: RateLimit, now: number = this.#now()): RateDecision {
    const log = this.#log(channelId, limit)
    const since = now - log.windowMs
    const inWindow = log.size - firstAfter(log, since)
    if (inWindow >= log.requests) {
      // Full: the oldest of the last `requests` calls must leave the window first.
      const oldest = at(log, 0)
      return {
        allowed: false,
        limit: log.requests,
        remaining: 0,
        resetSeconds: seconds(at(log, log.size - 1) + log.windowMs - now),
        retryAfterSeconds: seconds(oldest + log.windowMs - now),
      }
    }
    push(log, now)
    return {
      allowed: true,
      limit: log.requests,
      remaining: log.requests - inWindow - 1,
      resetSeconds: seconds(log.windowMs),
      retryAfterSeconds: 0,
    }
  }

  /** Forgets channels that are gone (called when the channels change). */
  retain(channelIds: ReadonlySet<string>): void {
    for (const id of this.#logs.keys()) if (!channelIds.has(id)) this.#logs.delete(id)
  }

  #log(channelId: string, limit: RateLimit): Log {
    const windowMs = limit.perSeconds * 1000
    let log = this.#logs.get(channelId)
    if (!log || log.requests !== limit.requests || log.windowMs !== windowMs) {
      // New channel or edited limit: start counting afresh.
      log = {
        requests: limit.requests,
        windowMs,
        times: new Float64Array(limit.requests),
        head: 0,
        size: 0,
      }
      this.#logs.set(channelId, log)
    }
    return log
  }
}

/** Whole seconds, at least 1, for Retry-After and RateLimit-Reset. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

/** The i-th oldest kept time. */
function at(log: Log, i: number): number {
  return log.times[(log.head + i) % log.requests] ?? 0
}

/** Keeps `time`, dropping the oldest when the ring is full. */
function push(log: Log, time: number): void {
  if (log.size < log.requests) {
    log.times[(log.head + log.size) % log.requests] = time
    log.size++
  } else {
    log.times[log.head] = time
    log.head = (log.head + 1) % log.requests
  }
}

/** Index (0 = oldest) of the first kept time after `since`; binary search, times ascend. */
function firstAfter(log: Log, since: number): number {
  let lo = 0
  let hi = log.size
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (at(log, mid) > since) hi = mid
    else lo = mid + 1
  }
  return lo
}
