// The per-channel rate limit as a caller experiences it, on a clock the test drives: at most
// `requests` calls in any `perSeconds`, a burst passes at once, and Retry-After says exactly when.
import { describe, expect, it } from 'vitest'
import { MemoryRateLimiter } from '../../../src/runtime/shared-state/index.js'

const T0 = 1_800_000_000_000

describe('MemoryRateLimiter', () => {
  it('lets a burst of N pass, then refuses until the oldest call leaves the window', () => {
    const limiter = new MemoryRateLimiter()
    const limit = { requests: 2, perSeconds: 60 }
    expect(limiter.take('c', limit, T0)).toMatchObject({ allowed: true, remaining: 1 })
    expect(limiter.take('c', limit, T0 + 10_000)).toMatchObject({ allowed: true, remaining: 0 })
    // The first call leaves the window at T0 + 60 s: 59 s from now; both by T0 + 70 s.
    expect(limiter.take('c', limit, T0 + 1_000)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 59,
      resetSeconds: 69,
    })
    expect(limiter.take('c', limit, T0 + 59_999).allowed).toBe(false)
    expect(limiter.take('c', limit, T0 + 60_000)).toMatchObject({ allowed: true, remaining: 0 })
    expect(limiter.take('c', limit, T0 + 60_001)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 10,
    })
  })

  it('never lets more than N through in any window, whatever the arrival pattern', () => {
    const limiter = new MemoryRateLimiter()
    const limit = { requests: 5, perSeconds: 10 }
    const allowedAt: number[] = []
    // A call every 700 ms for two minutes.
    for (let t = 0; t < 120_000; t += 700) {
      if (limiter.take('c', limit, T0 + t).allowed) allowedAt.push(t)
    }
    for (const start of allowedAt) {
      const inWindow = allowedAt.filter((t) => t >= start && t < start + 10_000).length
      expect(inWindow).toBeLessThanOrEqual(5)
    }
    // And it does let the full rate through: 5 at once, then 5 about every 10.5 s.
    expect(allowedAt.slice(0, 5)).toEqual([0, 700, 1400, 2100, 2800])
    expect(allowedAt.length).toBeGreaterThanOrEqual(55)
    expect(allowedAt.length).toBeLessThanOrEqual(60)
  })

  it('keeps channels apart, and starts afresh when a limit is edited or a channel is gone', () => {
    const limiter = new MemoryRateLimiter()
    const one = { requests: 1, perSeconds: 60 }
    expect(limiter.take('a', one, T0).allowed).toBe(true)
    expect(limiter.take('a', one, T0).allowed).toBe(false)
    expect(limiter.take('b', one, T0).allowed).toBe(true)
    expect(limiter.take('a', { requests: 2, perSeconds: 60 }, T0).allowed).toBe(true)
    limiter.retain(new Set(['a']))
    expect(limiter.take('b', one, T0).allowed).toBe(true)
  })
})
