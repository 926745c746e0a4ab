// The RateLimiter (../rate-limiter.ts) in Redis: one exact sliding window per channel for the
// whole cluster. Each check is one Lua script, atomic on the server: drop the times that left the
// window, count the rest, add this call when under the limit, and let the key expire with the
// window. Same answers as the memory limiter (Retry-After included); refusals are not counted.
//
// The limit is part of the key, so an edited limit starts counting afresh and the old window
// expires on its own. Times come from Redis's own clock (TIME), one clock for every node, unless
// a clock is given (tests drive one).
import { randomBytes } from 'node:crypto'
import type { RateLimit } from '../../../store/index.js'
import type { MemoryRateLimiter } from '../memory-rate-limiter.js'
import type { RateDecision, RateLimiter } from '../rate-limiter.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

// KEYS[1] the window; ARGV: requests, window ms, now ms ('' = the server's clock), member.
// Times are whole ms (a Lua number passed to Redis keeps 14 digits). Returns {1, in window before
// this call} or {0, in window, oldest, newest, now} (times as strings).
const CONSUME = new LuaScript(`
local requests = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= requests then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]
  return {0, count, oldest, newest, string.format('%d', now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window) + 1000)
return {1, count}
`)

export interface RedisRateLimiterOptions {
  /** A clock in ms shared by every node. Default: the Redis server's clock. */
  now?: (() => number) | undefined
}

export class RedisRateLimiter implements RateLimiter {
  readonly #link: RedisLink
  readonly #fallback: MemoryRateLimiter
  readonly #now: (() => number) | undefined
  /** Members of the sorted set must differ: this limiter's id and a counter. */
  readonly #id = randomBytes(6).toString('base64url')
  #seq = 0

  constructor(link: RedisLink, fallback: MemoryRateLimiter, options: RedisRateLimiterOptions = {}) {
    this.#link = link
    this.#fallback = fallback
    this.#now = options.now
  }

  consume(key: string, limit: RateLimit): Promise<RateDecision> {
    const windowMs = limit.perSeconds * 1000
    const redisKey = this.#link.key('rate', `${limit.requests}/${limit.perSeconds}`, key)
    const member = `${this.#id}:${++this.#seq}`
    return this.#link.run(
      async (redis) => {
        const now = this.#now?.()
        const reply = (await CONSUME.run(
          redis,
          [redisKey],
          [limit.requests, windowMs, now ?? '', member],
        )) as [number, number, string?, string?, string?]
        return decision(reply, limit.requests, windowMs)
      },
      () => this.#fallback.consume(key, limit),
    )
  }

  /** Windows expire on their own in Redis; the memory fallback forgets at once. */
  retain(keys: ReadonlySet<string>): void {
    this.#fallback.retain(keys)
  }
}

function decision(
  [allowed, count, oldest, newest, now]: [number, number, string?, string?, string?],
  requests: number,
  windowMs: number,
): RateDecision {
  if (allowed === 1) {
    return {
      allowed: true,
      limit: requests,
      remaining: requests - count - 1,
      resetSeconds: seconds(windowMs),
      retryAfterSeconds: 0,
    }
  }
  const at = Number(now)
  return {
    allowed: false,
    limit: requests,
    remaining: 0,
    resetSeconds: seconds(Number(newest) + windowMs - at),
    retryAfterSeconds: seconds(Number(oldest) + windowMs - at),
  }
}

/** Whole seconds, at least 1, for Retry-After and RateLimit-Reset (as the memory limiter). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
