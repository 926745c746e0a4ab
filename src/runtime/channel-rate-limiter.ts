// Per-channel rate limits (`rateLimit: { requests, perSeconds }`), counted in this process's
// memory: with several processes behind a load balancer each allows the full rate.
// A sliding window estimated from two fixed windows (the previous one's count weighted by how
// much of it still overlaps the last `perSeconds`), so a burst at a window's edge cannot pass
// twice the rate, at O(1) memory per channel. Only calls that passed security are counted (the
// server asks after checking credentials), so strangers cannot spend real callers' allowance.
import type { RateLimit } from '../store/index.js'

export interface RateDecision {
  allowed: boolean
  limit: number
  /** Calls still allowed now (after this one, when allowed). */
  remaining: number
  /** Seconds until the current window ends (RateLimit-Reset). */
  resetSeconds: number
  /** When refused: whole seconds (at least 1) after which a call would be allowed. */
  retryAfterSeconds: number
}

interface Window {
  requests: number
  windowMs: number
  start: number
  current: number
  previous: number
}

export class ChannelRateLimiter {
  readonly #windows = new Map<string, Window>()

  /** Counts one call on `channelId` when `limit` allows it. */
  take(channelId: string, limit: RateLimit, now: number = Date.now()): RateDecision {
    const w = this.#window(channelId, limit, now)
    const elapsed = now - w.start
    const estimate = w.previous * (1 - elapsed / w.windowMs) + w.current
    const resetSeconds = Math.max(1, Math.ceil((w.windowMs - elapsed) / 1000))
    if (estimate + 1 <= w.requests) {
      w.current++
      const remaining = Math.max(0, Math.floor(w.requests - estimate - 1))
      return { allowed: true, limit: w.requests, remaining, resetSeconds, retryAfterSeconds: 0 }
    }
    return {
      allowed: false,
      limit: w.requests,
      remaining: 0,
      resetSeconds,
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs(w, elapsed) / 1000)),
    }
  }

  /** Forgets channels that are gone (called when the channels change). */
  retain(channelIds: Set<string>): void {
    for (const id of this.#windows.keys()) if (!channelIds.has(id)) this.#windows.delete(id)
  }

  #window(channelId: string, limit: RateLimit, now: number): Window {
    const windowMs = limit.perSeconds * 1000
    let w = this.#windows.get(channelId)
    if (!w || w.requests !== limit.requests || w.windowMs !== windowMs) {
      // New channel or edited limit: start counting afresh.
      w = { requests: limit.requests, windowMs, start: now, current: 0, previous: 0 }
      this.#windows.set(channelId, w)
      return w
    }
    const passed = Math.floor((now - w.start) / windowMs)
    if (passed >= 1) {
      w.previous = passed === 1 ? w.current : 0
      w.current = 0
      w.start += passed * windowMs
    }
    return w
  }
}

/** Milliseconds from now until `previous·(1 − elapsed/window) + current + 1 ≤ requests`. */
function waitMs(w: Window, elapsed: number): number {
  const room = w.requests - 1 - w.current
  const left = w.windowMs - elapsed
  if (room >= 0 && w.previous > 0) {
    // Still in this window: wait for enough of the previous window to slide out.
    const t = w.windowMs * (1 - room / w.previous) - elapsed
    if (t < left) return Math.max(0, t)
  }
  // In the next window this one's count becomes the weighted previous one.
  const into = w.current > 0 ? w.windowMs * Math.max(0, 1 - (w.requests - 1) / w.current) : 0
  return left + into
}
