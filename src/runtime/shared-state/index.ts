// State a cluster's nodes must share (rate limits, admin sessions, sign-in limits, usage
// figures, Salesforce tokens): the interfaces callers hold, their in-memory implementations and
// the one factory, which also builds the Redis ones.
export type { RateLimiter, RateDecision } from './rate-limiter.js'
export type { SessionStore, SessionStoreOptions, AdminSession } from './session-store.js'
export {
  signInKeys,
  type SignInLimiter,
  type SignInLimiterOptions,
  type SignInLockout,
} from './sign-in-limiter.js'
export type { UsageStore, UsagePoint, LimitSample } from './usage-store.js'
export type { SharedStateLog } from './shared-state-log.js'
export type { Sealer } from './redis/sealer.js'
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.js'
export { MemorySessionStore } from './memory-session-store.js'
export { MemorySignInLimiter } from './memory-sign-in-limiter.js'
export { MemoryUsageStore } from './memory-usage-store.js'
export {
  createSharedState,
  type RedisSharedStateOptions,
  type SharedState,
  type SharedStateBackend,
  type SharedStateOptions,
  type SharedStateStatus,
} from './create-shared-state.js'
