// The state every node of a cluster must share, as one bundle, and the one factory that picks
// its backend: `memory` (this process) or `redis` (every node on one Redis, each falling back to
// its own memory while Redis is away). Callers hold the interfaces, never an implementation.
import {
  MemoryLoginCooldown,
  MemoryLoginLock,
  MemoryTokenCache,
  type SharedTokenState,
} from '../../salesforce/index.js'
import { ForcebridgeError } from '../../util/index.js'
import { DEFAULT_REDIS_PREFIX } from '../config/index.js'
import { MemoryRateLimiter } from './memory-rate-limiter.js'
import { MemorySessionStore } from './memory-session-store.js'
import { MemorySignInLimiter } from './memory-sign-in-limiter.js'
import { MemoryUsageStore } from './memory-usage-store.js'
import type { RateLimiter } from './rate-limiter.js'
import { RedisLink } from './redis/redis-link.js'
import { RedisLoginCooldown } from './redis/redis-login-cooldown.js'
import { RedisLoginLock, type RedisLoginLockOptions } from './redis/redis-login-lock.js'
import { RedisRateLimiter } from './redis/redis-rate-limiter.js'
import { RedisSessionStore } from './redis/redis-session-store.js'
import { RedisSignInLimiter } from './redis/redis-sign-in-limiter.js'
import { RedisTokenCache } from './redis/redis-token-cache.js'
import { RedisUsageStore } from './redis/redis-usage-store.js'
import type { Sealer } from './redis/sealer.js'
import type { SessionStore, SessionStoreOptions } from './session-store.js'
import type { SharedStateLog } from './shared-state-log.js'
import type { SignInLimiter, SignInLimiterOptions } from './sign-in-limiter.js'
import type { UsageStore } from './usage-store.js'

export interface SharedState {
  /** Channel rate limits (the channel admission path). */
  rateLimiter: RateLimiter
  /** Admin dashboard sessions. */
  sessions: SessionStore
  /** Failed admin sign-ins per user name and address, per address, and per user name. */
  signIn: SignInLimiter
  /** API usage figures per connection (the dashboard's gauges and charts). */
  usage: UsageStore
  /**
   * Token cache, login lock and login cooldown for the connection clients. Empty with `memory`:
   * each client keeps its own, as a single process needs no more.
   */
  tokens: SharedTokenState
  /** The backend, and whether this node is serving from its own memory because Redis is away. */
  status(): SharedStateStatus
  /** Resolves once the backend answered or was found unreachable (then the node runs degraded). */
  ready(): Promise<void>
  /** Closes the connection to the backend. */
  close(): Promise<void>
}

export type SharedStateBackend = 'memory' | 'redis'

/** What `/readyz` shows: nothing secret (no URL, no password). */
export interface SharedStateStatus {
  backend: SharedStateBackend
  /** True while Redis does not answer and this node uses its own memory instead. */
  degraded: boolean
}

export interface RedisSharedStateOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` (FORCEBRIDGE_REDIS_URL). */
  url: string
  /** In front of every key (FORCEBRIDGE_REDIS_PREFIX). Default `forcebridge:`. */
  prefix?: string
  /** Seals tokens before they go to Redis: the store's SecretBox under the master key. */
  sealer: Sealer
  /** A connection attempt longer than this fails. Default 1,000 ms. */
  connectTimeoutMs?: number
  /** A command longer than this is served from memory instead. Default 1,000 ms. */
  commandTimeoutMs?: number
  /** The cluster-wide login lock's timings. */
  loginLock?: Omit<RedisLoginLockOptions, 'log'>
}

export interface SharedStateOptions {
  /** Where the state lives. Default `memory`: this process only. */
  backend?: SharedStateBackend
  /** Required with the `redis` backend. */
  redis?: RedisSharedStateOptions
  /** Where the fall-back warning and the recovery line go. */
  log?: SharedStateLog
  /** Session lifetimes. Default 8 hours absolute, 1 hour idle. */
  sessions?: SessionStoreOptions
  /**
   * Sign-in limits. Default, in a 15-minute window: 5 failures per user name and address, 20 per
   * address, and per user name past 10 failures a backoff from 1 s doubling to 60 s.
   */
  signIn?: SignInLimiterOptions
  /** Points kept per connection's usage series. Default 288. */
  usagePoints?: number
  /**
   * One clock in ms for every part (tests drive it). Default: each part's own, the monotonic
   * clock for rate limits in memory, Redis's clock for rate limits in Redis, and the wall clock
   * for sessions and sign-in failures.
   */
  now?: () => number
}

export function createSharedState(options: SharedStateOptions = {}): SharedState {
  const backend: string = options.backend ?? 'memory'
  const clock = options.now ? { now: options.now } : {}
  const memory = {
    rateLimiter: new MemoryRateLimiter(clock),
    sessions: new MemorySessionStore({ ...options.sessions, ...clock }),
    signIn: new MemorySignInLimiter({ ...options.signIn, ...clock }),
    usage: new MemoryUsageStore(options.usagePoints),
  }
  if (backend === 'memory') {
    return {
      ...memory,
      tokens: {},
      status: () => ({ backend: 'memory', degraded: false }),
      ready: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }
  }
  if (backend !== 'redis') {
    throw new ForcebridgeError(
      'INVALID_OPTIONS',
      `createSharedState: unknown backend "${backend}"; use "memory" or "redis"`,
    )
  }
  const redis = options.redis
  if (!redis?.url || !redis.sealer) {
    throw new ForcebridgeError(
      'INVALID_OPTIONS',
      'createSharedState: the redis backend needs `redis.url` (FORCEBRIDGE_REDIS_URL) and `redis.sealer`',
    )
  }
  const link = new RedisLink({
    url: redis.url,
    prefix: redis.prefix ?? DEFAULT_REDIS_PREFIX,
    connectTimeoutMs: redis.connectTimeoutMs ?? 1_000,
    commandTimeoutMs: redis.commandTimeoutMs ?? 1_000,
    log: options.log,
  })
  return {
    rateLimiter: new RedisRateLimiter(link, memory.rateLimiter, clock),
    sessions: new RedisSessionStore(link, memory.sessions, { ...options.sessions, ...clock }),
    signIn: new RedisSignInLimiter(link, memory.signIn, { ...options.signIn, ...clock }),
    usage: new RedisUsageStore(link, memory.usage, options.usagePoints),
    tokens: {
      tokenCache: new RedisTokenCache(link, new MemoryTokenCache(), redis.sealer, options.log),
      loginLock: new RedisLoginLock(link, new MemoryLoginLock(), {
        ...redis.loginLock,
        log: options.log,
      }),
      loginCooldown: new RedisLoginCooldown(link, new MemoryLoginCooldown(), options.now),
    },
    status: () => ({ backend: 'redis', degraded: link.degraded }),
    ready: () => link.ready(),
    close: () => link.close(),
  }
}
