// The retry delay of failed jobs: exponential, capped, with equal jitter.
import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/runtime/queue/index.js'

const options = { baseMs: 1_000, maxMs: 60_000 }

describe('job backoff delay', () => {
  it('doubles with each failed attempt, between half and all of the planned delay', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000,
    ])
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => 0.999_999))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ])
  })

  it('never waits longer than maxMs, even after many attempts', () => {
    expect(backoffDelay(10, options, () => 0.999_999)).toBe(60_000)
    expect(backoffDelay(500, options, () => 0.5)).toBe(45_000)
  })
})
