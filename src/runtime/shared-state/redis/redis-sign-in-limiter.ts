// The SignInLimiter (../sign-in-limiter.ts) in Redis: the failures of a user name or address on
// every node in one sorted set of times each, so a guesser spreading tries over nodes gets no
// more than on one. Same limits and answers as the memory limiter (sign-in-policy.ts).
import { randomBytes } from 'node:crypto'
import type { MemorySignInLimiter } from '../memory-sign-in-limiter.js'
import type { SignInLimiter, SignInLimiterOptions, SignInLockout } from '../sign-in-limiter.js'
import { signInPolicyOf, signInWait, type SignInPolicy } from '../sign-in-policy.js'
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

// KEYS: one set per key. ARGV: now, window ms. Returns count, oldest and newest time per key.
const RECENT = new LuaScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, key in ipairs(KEYS) do
  local oldest = redis.call('ZRANGEBYSCORE', key, '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. (now - window), 'WITHSCORES', 'LIMIT', 0, 1)
  out[#out + 1] = redis.call('ZCOUNT', key, '(' .. (now - window), '+inf')
  out[#out + 1] = oldest[2] or ''
  out[#out + 1] = newest[2] or ''
end
return out
`)

export class RedisSignInLimiter implements SignInLimiter {
  readonly #link: RedisLink
  readonly #fallback: MemorySignInLimiter
  readonly #policy: SignInPolicy
  readonly #now: () => number
  readonly #id = randomBytes(6).toString('base64url')
  #seq = 0

  constructor(link: RedisLink, fallback: MemorySignInLimiter, options: SignInLimiterOptions = {}) {
    this.#link = link
    this.#fallback = fallback
    this.#policy = signInPolicyOf(options)
    this.#now = options.now ?? Date.now
  }

  retryAfter(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0)
    return this.#link.run(
      async (redis) => {
        const waits = await this.#waits(redis, keys)
        return Math.max(0, ...waits.map((w) => w.retryAfter))
      },
      () => this.#fallback.retryAfter(keys),
    )
  }

  lockouts(): Promise<SignInLockout[]> {
    return this.#link.run(
      async (redis) => {
        const prefix = this.#link.key('sign-in', '')
        const found = new Set<string>()
        let cursor = '0'
        do {
          const [next, names] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
          cursor = next
          for (const name of names) found.add(name.slice(prefix.length))
        } while (cursor !== '0')
        const keys = [...found]
        if (keys.length === 0) return []
        const waits = await this.#waits(redis, keys)
        return waits.filter((w) => w.retryAfter > 0).sort((a, b) => b.retryAfter - a.retryAfter)
      },
      () => this.#fallback.lockouts(),
    )
  }

  async #waits(redis: Parameters<Parameters<RedisLink['run']>[0]>[0], keys: readonly string[]) {
    const now = this.#now()
    const reply = (await RECENT.run(redis, this.#keys(keys), [now, this.#policy.windowMs])) as (
      number | string
    )[]
    return keys.map((key, i): SignInLockout => {
      const failures = Number(reply[3 * i])
      const oldest = Number(reply[3 * i + 1] || 0)
      const newest = Number(reply[3 * i + 2] || 0)
      const retryAfter = signInWait(this.#policy, key, failures, oldest, newest, now)
      return { key, failures, retryAfter }
    })
  }

  fail(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve()
    return this.#link.run(
      async (redis) => {
        const member = `${this.#id}:${++this.#seq}`
        await FAIL.run(redis, this.#keys(keys), [this.#now(), this.#policy.windowMs, member])
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
