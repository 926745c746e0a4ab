// The retry policy, the one place that decides retry or dead letter: which errors are final,
// the attempt budget, lost leases, and the backoff delay (exponential, capped, equal jitter).
import { describe, expect, it } from 'vitest'
import { LEASE_EXPIRED, RetryPolicy } from '../../src/runtime/queue/index.js'
// Services throw codes of their own: the public entry's ForcebridgeError takes any code.
import { ForcebridgeError, hasCode } from '../../src/index.js'

const backoff = { baseMs: 1_000, maxMs: 60_000 }

describe('job retry policy', () => {
  it('retries an ordinary error after the backoff while attempts remain', () => {
    const policy = new RetryPolicy({ backoff, random: () => 0 })
    const error = Object.assign(new Error('unable to lock row'), { code: 'UNABLE_TO_LOCK_ROW' })
    expect(policy.decide({ attempt: 2, attemptLimit: 5, error })).toEqual({
      retry: true,
      delayMs: 1_000,
      error: { message: 'unable to lock row', code: 'UNABLE_TO_LOCK_ROW' },
    })
    expect(policy.decide({ attempt: 5, attemptLimit: 5, error })).toMatchObject({ retry: false })
  })

  it('sends errors no retry can fix to the dead letters at once', () => {
    const policy = new RetryPolicy({ backoff })
    for (const code of ['SERVICE_NOT_FOUND', 'INVALID_INPUT', 'INVALID_OUTPUT']) {
      const error = new ForcebridgeError(code, `the service said ${code}`)
      expect(policy.decide({ attempt: 1, attemptLimit: 5, error })).toEqual({
        retry: false,
        error: { message: `the service said ${code}`, code },
      })
    }
    const refused = Object.assign(new Error('refused'), { retryable: false })
    expect(policy.decide({ attempt: 1, attemptLimit: 5, error: refused }).retry).toBe(false)
    const custom = new RetryPolicy({ permanentCodes: ['PARTNER_REFUSED'] })
    const partner = new ForcebridgeError('PARTNER_REFUSED', 'no')
    expect(custom.decide({ attempt: 1, attemptLimit: 5, error: partner }).retry).toBe(false)
    const invalid = new ForcebridgeError('INVALID_INPUT', 'no')
    expect(custom.decide({ attempt: 1, attemptLimit: 5, error: invalid }).retry).toBe(true)
  })

  it('retries a lost lease at once, unless it was the last attempt', () => {
    const policy = new RetryPolicy({ backoff })
    const error = new ForcebridgeError(LEASE_EXPIRED, 'the runner stopped')
    expect(policy.decide({ attempt: 1, attemptLimit: 3, error })).toMatchObject({
      retry: true,
      delayMs: 0,
    })
    expect(policy.decide({ attempt: 3, attemptLimit: 3, error }).retry).toBe(false)
  })

  it('records what was thrown even when it is not an Error', () => {
    const policy = new RetryPolicy()
    expect(policy.decide({ attempt: 1, attemptLimit: 1, error: 'plain text' })).toEqual({
      retry: false,
      error: { message: 'plain text', code: null },
    })
  })

  it('doubles the delay with each failed attempt, between half and all of the planned delay', () => {
    const low = new RetryPolicy({ backoff, random: () => 0 })
    const high = new RetryPolicy({ backoff, random: () => 0.999_999 })
    expect([1, 2, 3, 4].map((a) => low.delayAfter(a))).toEqual([500, 1_000, 2_000, 4_000])
    expect([1, 2, 3, 4].map((a) => high.delayAfter(a))).toEqual([1_000, 2_000, 4_000, 8_000])
  })

  it('never waits longer than maxMs, even after many attempts', () => {
    expect(new RetryPolicy({ backoff, random: () => 0.999_999 }).delayAfter(10)).toBe(60_000)
    expect(new RetryPolicy({ backoff, random: () => 0.5 }).delayAfter(500)).toBe(45_000)
  })

  it('rejects a negative delay, naming it', () => {
    const error = (() => {
      try {
        return new RetryPolicy({ backoff: { baseMs: -1, maxMs: 10 } })
      } catch (e) {
        return e
      }
    })()
    expect(hasCode(error, 'INVALID_QUEUE_OPTIONS')).toBe(true)
    expect((error as Error).message).toContain('backoff.baseMs')
  })
})
