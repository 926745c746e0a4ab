// The SignInLimiter (../sign-in-limiter.ts) in Redis: the failures of a user name or address on
// every node in one sorted set of times each, so a guesser spreading tries over nodes gets no
// more than on one. Same limits and answers as the memory limiter.
import { randomBytes } from 'node:crypto'
import type { MemorySignInLimiter } from '../memory-sign-in-limiter.js'
import type { SignInLimiter, SignInLimiterOptions } from '../sign-in-limiter.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

// KEYS: one set per key. ARGV: now, window ms, member. A failure counts while now - t < window.
const FAIL = new LuaScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 1
`)

// KEYS: one set per key. ARGV: now, window ms. Returns count and oldest time per key.
const RECENT = new LuaScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, key in ipairs(KEYS) do
  local recent = redis.call('ZRANGEBYSCORE', key, '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  out[#out + 1] = redis.call('ZCOUNT', key, '(' .. (now - window), '+inf')
  out[#out + 1] = recent[2] or ''
end
return out
`)

export class RedisSignInLimiter implements SignInLimiter {
  readonly #link: RedisLink
  readonly #fallback: MemorySignInLimiter
  readonly #max: number
  readonly #maxPerAddress: number
  readonly #windowMs: number
  readonly #now: () => number
  readonly #id = randomBytes(6).toString('base64url')
  #seq = 0

  constructor(link: RedisLink, fallback: MemorySignInLimiter, options: SignInLimiterOptions = {}) {
    this.#link = link
    this.#fallback = fallback
    this.#max = options.maxFailures ?? 5
    this.#maxPerAddress = options.maxFailuresPerAddress ?? 20
    this.#windowMs = options.windowMs ?? 15 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  retryAfter(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0)
    return this.#link.run(
      async (redis) => {
        const now = this.#now()
        const reply = (await RECENT.run(redis, this.#keys(keys), [now, this.#windowMs])) as (
          number | string
        )[]
        let wait = 0
        keys.forEach((key, i) => {
          const count = Number(reply[2 * i])
          const oldest = reply[2 * i + 1]
          const max = key.startsWith('ip:') ? this.#maxPerAddress : this.#max
          if (count >= max && oldest !== undefined && oldest !== '') {
            wait = Math.max(wait, Math.ceil((Number(oldest) + this.#windowMs - now) / 1000))
          }
        })
        return wait
      },
      () => this.#fallback.retryAfter(keys),
    )
  }

  fail(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve()
    return this.#link.run(
      async (redis) => {
        const member = `${this.#id}:${++this.#seq}`
        await FAIL.run(redis, this.#keys(keys), [this.#now(), this.#windowMs, member])
      },
      () => this.#fallback.fail(keys),
    )
  }

  succeed(key: string): Promise<void> {
    return this.#link.run(
      async (redis) => {
        await redis.del(this.#keys([key])[0] ?? '')
      },
      () => this.#fallback.succeed(key),
    )
  }

  #keys(keys: readonly string[]): string[] {
    return keys.map((key) => this.#link.key('sign-in', key))
  }
}
