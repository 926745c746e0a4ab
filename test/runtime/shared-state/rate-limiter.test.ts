// The RateLimiter contract (src/runtime/shared-state/rate-limiter.ts), run against every backend:
// an exact sliding window, refusals not counted, exact Retry-After, and one winner for the last
// slot when calls race.
import { afterEach, describe, expect, it } from 'vitest'
import type { SharedState } from '../../../src/runtime/index.js'
import { drivenClock, sharedStateBackends } from './backends.js'

for (const backend of sharedStateBackends) {
  describe(`RateLimiter (${backend.name})`, () => {
    let state: SharedState | undefined
    const clock = drivenClock()
    const open = async () => (state = await backend.open({ now: clock.now }))
    afterEach(async () => {
      if (state) await backend.close(state)
      state = undefined
    })

    it('lets a burst of N pass, then refuses until the oldest call leaves the window', async () => {
      const { rateLimiter } = await open()
      const limit = { requests: 3, perSeconds: 60 }
      for (const remaining of [2, 1, 0]) {
        expect(await rateLimiter.consume('c', limit)).toMatchObject({
          allowed: true,
          limit: 3,
          remaining,
        })
        clock.advance(5_000)
      }
      // Calls at 0, 5 and 10 s; now 15 s: the first leaves at 60 s, the last at 70 s.
      expect(await rateLimiter.consume('c', limit)).toEqual({
        allowed: false,
        limit: 3,
        remaining: 0,
        retryAfterSeconds: 45,
        resetSeconds: 55,
      })
      clock.advance(44_999)
      expect((await rateLimiter.consume('c', limit)).allowed).toBe(false)
      clock.advance(1)
      expect(await rateLimiter.consume('c', limit)).toMatchObject({ allowed: true, remaining: 0 })
    })

    it('never lets more than N through in any window, and does not count refusals', async () => {
      const { rateLimiter } = await open()
      const limit = { requests: 4, perSeconds: 10 }
      const passed: number[] = []
      // A fixed, uneven arrival pattern: bursts, gaps, steady trickles.
      const gaps = [0, 0, 0, 100, 200, 3_000, 0, 0, 9_000, 50, 50, 50, 10_000, 1, 1, 1, 1, 4_999]
      for (let round = 0; round < 5; round++) {
        for (const gap of gaps) {
          clock.advance(gap)
          const now = clock.now()
          const inWindow = passed.filter((t) => now - t < 10_000).length
          const decision = await rateLimiter.consume('c', limit)
          // The reference: allowed exactly when fewer than N passed in the 10 s before.
          expect(decision.allowed).toBe(inWindow < 4)
          if (decision.allowed) passed.push(now)
        }
      }
      expect(passed.length).toBeGreaterThan(10)
    })

    it('keeps keys apart and starts afresh when a key’s limit changes', async () => {
      const { rateLimiter } = await open()
      const one = { requests: 1, perSeconds: 60 }
      expect((await rateLimiter.consume('a', one)).allowed).toBe(true)
      expect((await rateLimiter.consume('a', one)).allowed).toBe(false)
      expect((await rateLimiter.consume('b', one)).allowed).toBe(true)
      const two = { requests: 2, perSeconds: 60 }
      expect(await rateLimiter.consume('a', two)).toMatchObject({ allowed: true, remaining: 1 })
    })

    it('gives the last slots to exactly N of many calls racing for them', async () => {
      const { rateLimiter } = await open()
      const limit = { requests: 25, perSeconds: 60 }
      const decisions = await Promise.all(
        Array.from({ length: 60 }, () => rateLimiter.consume('race', limit)),
      )
      expect(decisions.filter((d) => d.allowed)).toHaveLength(25)
      const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining)
      // Each winner saw its own count: 24 down to 0, once each.
      expect(new Set(remaining).size).toBe(25)
    })

    it('forgets keys that are no longer retained', async () => {
      const { rateLimiter } = await open()
      const one = { requests: 1, perSeconds: 60 }
      await rateLimiter.consume('gone', one)
      await rateLimiter.consume('kept', one)
      rateLimiter.retain(new Set(['kept']))
      expect((await rateLimiter.consume('kept', one)).allowed).toBe(false)
      // A backend may keep the counter until it expires on its own; memory forgets at once.
      if (backend.name === 'memory') {
        expect((await rateLimiter.consume('gone', one)).allowed).toBe(true)
      }
    })
  })
}
