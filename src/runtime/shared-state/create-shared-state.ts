// The state every node of a cluster must share, as one bundle, and the one factory that picks
// its backend. Only `memory` exists today (one process); a Redis backend (issue 14) is added here
// and nowhere else: callers hold the interfaces, never an implementation.
import { MemoryRateLimiter } from './memory-rate-limiter.js'
import { MemorySessionStore } from './memory-session-store.js'
import { MemorySignInLimiter } from './memory-sign-in-limiter.js'
import { MemoryUsageStore } from './memory-usage-store.js'
import type { RateLimiter } from './rate-limiter.js'
import type { SessionStore, SessionStoreOptions } from './session-store.js'
import type { SignInLimiter, SignInLimiterOptions } from './sign-in-limiter.js'
import type { UsageStore } from './usage-store.js'

export interface SharedState {
  /** Channel rate limits (the channel admission path). */
  rateLimiter: RateLimiter
  /** Admin dashboard sessions. */
  sessions: SessionStore
  /** Failed admin sign-ins per user name and address. */
  signIn: SignInLimiter
  /** API usage figures per connection (the dashboard's gauges and charts). */
  usage: UsageStore
}

export type SharedStateBackend = 'memory'

export interface SharedStateOptions {
  /** Where the state lives. Default `memory`: this process only. */
  backend?: SharedStateBackend
  /** Session lifetimes. Default 8 hours absolute, 1 hour idle. */
  sessions?: SessionStoreOptions
  /** Sign-in limits. Default 5 failures per 15 minutes per user name, 20 per address. */
  signIn?: SignInLimiterOptions
  /** Points kept per connection's usage series. Default 288. */
  usagePoints?: number
  /**
   * One clock in ms for every part (tests drive it). Default: each part's own, the monotonic
   * clock for rate limits and the wall clock for sessions and sign-in failures.
   */
  now?: () => number
}

export function createSharedState(options: SharedStateOptions = {}): SharedState {
  const backend: string = options.backend ?? 'memory'
  if (backend !== 'memory') {
    throw new Error(
      `createSharedState: unknown backend "${backend}"; the only backend today is "memory"`,
    )
  }
  const clock = options.now ? { now: options.now } : {}
  return {
    rateLimiter: new MemoryRateLimiter(clock),
    sessions: new MemorySessionStore({ ...options.sessions, ...clock }),
    signIn: new MemorySignInLimiter({ ...options.signIn, ...clock }),
    usage: new MemoryUsageStore(options.usagePoints),
  }
}
