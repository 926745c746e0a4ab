// The client's TokenCache in Redis: one access token per connection for the whole cluster,
// sealed with the master key (never a clear token in Redis) beside a digest of it, so the
// compare-and-delete after a 401 (drop the token only while it is still the one that failed) runs
// in one script without opening anything.
//
// Every token set is also kept in this node's memory: while Redis is away the node goes on with
// the tokens it knew, so an outage costs no login, and a restarted (empty) Redis costs at most one
// per connection, made by whichever node needs a token first.
import { createHash } from 'node:crypto'
import type { MemoryTokenCache, TokenCache, TokenInfo } from '../../../salesforce/index.js'
import type { SharedStateLog } from '../shared-state-log.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'
import type { Sealer } from './sealer.js'
import { tokenKeyDigest } from './token-key.js'

/**
 * A token nobody set again for a day is dropped; Salesforce's sessions end after at most 24 hours
 * of no use, and a stale one costs a 401 and a login anyway.
 */
const KEEP_MS = 24 * 60 * 60 * 1000

// KEYS: the token. ARGV: sealed, digest, keep ms.
const SET = new LuaScript(`
redis.call('HSET', KEYS[1], 'sealed', ARGV[1], 'digest', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

// KEYS: the token. ARGV: the digest of the access token that failed ('' = any).
const DELETE = new LuaScript(`
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'digest') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`)

export class RedisTokenCache implements TokenCache {
  readonly #link: RedisLink
  readonly #memory: MemoryTokenCache
  readonly #sealer: Sealer
  readonly #log: SharedStateLog | undefined
  #warnedUnreadable = false

  constructor(link: RedisLink, memory: MemoryTokenCache, sealer: Sealer, log?: SharedStateLog) {
    this.#link = link
    this.#memory = memory
    this.#sealer = sealer
    this.#log = log
  }

  get(key: string): Promise<TokenInfo | undefined> {
    return this.#link.run(
      async (redis) => {
        const sealed = await redis.hget(this.#key(key), 'sealed')
        return sealed === null ? undefined : this.#open(key, sealed)
      },
      () => this.#memory.get(key),
    )
  }

  async set(key: string, token: TokenInfo): Promise<void> {
    await this.#memory.set(key, token)
    const sealed = this.#sealer.seal(JSON.stringify(token), context(key))
    await this.#link.attempt((redis) =>
      SET.run(redis, [this.#key(key)], [sealed, digestOf(token.accessToken), KEEP_MS]),
    )
  }

  async delete(key: string, ifAccessToken?: string): Promise<boolean> {
    const inMemory = await this.#memory.delete(key, ifAccessToken)
    const answer = await this.#link.attempt(async (redis) =>
      Number(
        await DELETE.run(
          redis,
          [this.#key(key)],
          [ifAccessToken === undefined ? '' : digestOf(ifAccessToken)],
        ),
      ),
    )
    return answer.ok ? answer.value > 0 : inMemory
  }

  /** The token, or undefined (a miss: the caller logs in) when it does not open here. */
  #open(key: string, sealed: string): TokenInfo | undefined {
    try {
      return JSON.parse(this.#sealer.open(sealed, context(key))) as TokenInfo
    } catch (err) {
      if (!this.#warnedUnreadable) {
        this.#warnedUnreadable = true
        this.#log?.warn(
          { backend: 'redis', err: err instanceof Error ? err.message : String(err) },
          'shared state: a token in Redis does not open with this node’s master key; every node of a cluster needs the same FORCEBRIDGE_SECRET_KEY (this node logs in on its own meanwhile)',
        )
      }
      return undefined
    }
  }

  #key(key: string): string {
    return this.#link.key('token', tokenKeyDigest(key))
  }
}

/** Bound into the sealed value: a token copied under another key does not open. */
function context(key: string): string {
  return `redis-token:${tokenKeyDigest(key)}`
}

function digestOf(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url')
}
