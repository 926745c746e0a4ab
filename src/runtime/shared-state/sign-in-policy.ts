// The arithmetic of the sign-in limits (sign-in-limiter.ts), shared by every backend so that
// memory and Redis answer alike: how long a key waits given its failures in the window.
import type { SignInLimiterOptions } from './sign-in-limiter.js'

export interface SignInPolicy {
  readonly maxFailures: number
  readonly maxFailuresPerAddress: number
  readonly userFreeFailures: number
  readonly userBackoffMs: number
  readonly userMaxBackoffMs: number
  readonly windowMs: number
}

export function signInPolicyOf(options: SignInLimiterOptions = {}): SignInPolicy {
  return Object.freeze({
    maxFailures: options.maxFailures ?? 5,
    maxFailuresPerAddress: options.maxFailuresPerAddress ?? 20,
    userFreeFailures: options.userFreeFailures ?? 10,
    userBackoffMs: options.userBackoffMs ?? 1_000,
    userMaxBackoffMs: options.userMaxBackoffMs ?? 60_000,
    windowMs: options.windowMs ?? 15 * 60 * 1000,
  })
}

/**
 * Whole seconds `key` must wait at `now` with `count` failures in the window, the oldest and
 * newest at those times (epoch ms); 0 when it may try.
 */
export function signInWait(
  policy: SignInPolicy,
  key: string,
  count: number,
  oldest: number,
  newest: number,
  now: number,
): number {
  if (count <= 0) return 0
  let until = 0
  if (key.startsWith('user:')) {
    const over = count - policy.userFreeFailures
    if (over > 0)
      until = newest + Math.min(policy.userBackoffMs * 2 ** (over - 1), policy.userMaxBackoffMs)
  } else {
    const max = key.startsWith('ip:') ? policy.maxFailuresPerAddress : policy.maxFailures
    if (count >= max) until = oldest + policy.windowMs
  }
  return until > now ? Math.ceil((until - now) / 1000) : 0
}
