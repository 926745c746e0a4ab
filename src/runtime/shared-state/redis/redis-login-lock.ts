// The client's LoginLock across the cluster: one login at a time per connection, whatever node
// needs a token. Inside a node the memory lock queues the node's own clients first, so one of
// them at most asks Redis; across nodes the lock is `SET key <random> NX PX <ttl>`, renewed while
// the login runs and released by compare-and-delete, so a holder that dies frees it by expiry and
// a late release never frees another holder's lock. A waiter polls; when it gets the lock it
// finds the winner's token in the cache (the token manager looks before logging in).
//
// Redis unreachable: the memory lock alone (one login per node at worst). A lock that stays held
// longer than `maxWaitMs` (a holder stuck, not dead) is not waited for beyond that: a second
// login is better than a request that never ends.
import { randomBytes } from 'node:crypto'
import type { LoginLock, MemoryLoginLock } from '../../../salesforce/index.js'
import type { SharedStateLog } from '../shared-state-log.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'
import { tokenKeyDigest } from './token-key.js'

export interface RedisLoginLockOptions {
  /** How long a lock lives unless renewed (its holder may have died). Default 10,000 ms. */
  ttlMs?: number | undefined
  /** Pause between two tries of a waiter. Default 25 ms (and up to as much again, at random). */
  pollMs?: number | undefined
  /** The longest a waiter waits before logging in anyway. Default 30,000 ms. */
  maxWaitMs?: number | undefined
  log?: SharedStateLog | undefined
}

// KEYS: the lock. ARGV: the holder's value.
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// KEYS: the lock. ARGV: the holder's value, ttl ms.
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class RedisLoginLock implements LoginLock {
  readonly #link: RedisLink
  readonly #local: MemoryLoginLock
  readonly #ttlMs: number
  readonly #pollMs: number
  readonly #maxWaitMs: number
  readonly #log: SharedStateLog | undefined

  constructor(link: RedisLink, local: MemoryLoginLock, options: RedisLoginLockOptions = {}) {
    this.#link = link
    this.#local = local
    this.#ttlMs = options.ttlMs ?? 10_000
    this.#pollMs = options.pollMs ?? 25
    this.#maxWaitMs = options.maxWaitMs ?? 30_000
    this.#log = options.log
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#local.run(key, () => this.#runShared(key, fn))
  }

  async #runShared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = this.#link.key('login-lock', tokenKeyDigest(key))
    const holder = randomBytes(16).toString('base64url')
    const started = performance.now()
    for (;;) {
      const taken = await this.#link.attempt((redis) =>
        redis.set(lockKey, holder, 'PX', this.#ttlMs, 'NX'),
      )
      // Redis away: this node's lock is all there is.
      if (!taken.ok) return fn()
      if (taken.value === 'OK') break
      if (performance.now() - started >= this.#maxWaitMs) {
        this.#log?.warn(
          { backend: 'redis', waitedMs: Math.round(performance.now() - started) },
          'shared state: the cluster login lock stayed held; logging in without it',
        )
        return fn()
      }
      await sleep(this.#pollMs + Math.random() * this.#pollMs)
    }
    const renew = setInterval(() => {
      void this.#link.attempt((redis) => RENEW.run(redis, [lockKey], [holder, this.#ttlMs]))
    }, this.#ttlMs / 3).unref()
    try {
      return await fn()
    } finally {
      clearInterval(renew)
      await this.#link.attempt((redis) => RELEASE.run(redis, [lockKey], [holder]))
    }
  }
}
