// The SessionStore (../session-store.ts) in Redis: a session made on one node works on every
// other. Each session is a hash under a digest of its id (the id is the cookie: Redis never sees
// it), expiring with PEXPIRE at whichever of the absolute and idle lifetimes ends first; a set per
// user lists the user's sessions, so all of them end at once after a password change. Expiry is
// also checked against the store's clock on every read, so Redis's own expiry only collects.
//
// While Redis is down, sessions are made and checked in this node's memory; the ones ended
// meanwhile (sign-outs, a user's sessions revoked) are ended in Redis too when it is back, so a
// revoked session cannot come back to life.
import { createHash, randomBytes } from 'node:crypto'
import type { MemorySessionStore } from '../memory-session-store.js'
import type { AdminSession, SessionStore, SessionStoreOptions } from '../session-store.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

/** Added to every expiry: the clock check decides, Redis only drops what nobody will read. */
const SLACK_MS = 60_000

// KEYS: session, user's set. ARGV: user, csrf, now, pexpire, set pexpire, id digest.
const CREATE = new LuaScript(`
redis.call('HSET', KEYS[1], 'user', ARGV[1], 'csrf', ARGV[2], 'created', ARGV[3], 'seen', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[6])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
return 1
`)

// KEYS: session. ARGV: now, ttl, idle, touch (1/0), slack. Returns {user, csrf, created, seen}.
const READ = new LuaScript(`
local s = redis.call('HMGET', KEYS[1], 'user', 'csrf', 'created', 'seen')
if not s[1] then return false end
local now, ttl, idle = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local created, seen = tonumber(s[3]), tonumber(s[4])
if now - created >= ttl or now - seen >= idle then
  redis.call('DEL', KEYS[1])
  return false
end
if ARGV[4] == '1' then
  seen = now
  s[4] = ARGV[1]
  redis.call('HSET', KEYS[1], 'seen', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.min(created + ttl, seen + idle) - now) + tonumber(ARGV[5]))
end
return s
`)

// KEYS: session. ARGV: user-set key prefix, id digest.
const DELETE = new LuaScript(`
local user = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if user then redis.call('SREM', ARGV[1] .. user, ARGV[2]) end
return 1
`)

// KEYS: user's set. ARGV: session key prefix.
const DELETE_USER = new LuaScript(`
for _, digest in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', ARGV[1] .. digest)
end
redis.call('DEL', KEYS[1])
return 1
`)

type Ending = { kind: 'session'; id: string } | { kind: 'user'; user: string }

export class RedisSessionStore implements SessionStore {
  readonly #link: RedisLink
  readonly #fallback: MemorySessionStore
  readonly #ttlMs: number
  readonly #idleMs: number
  readonly #now: () => number
  /** Sign-outs and revocations made while Redis was away, replayed when it answers. */
  #pending: Ending[] = []

  constructor(link: RedisLink, fallback: MemorySessionStore, options: SessionStoreOptions = {}) {
    this.#link = link
    this.#fallback = fallback
    this.#ttlMs = options.ttlMs ?? 8 * 60 * 60 * 1000
    this.#idleMs = options.idleMs ?? 60 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  get maxAgeSeconds(): number {
    return Math.floor(this.#ttlMs / 1000)
  }

  async create(user: string): Promise<AdminSession> {
    await this.#replay()
    const now = this.#now()
    const session: AdminSession = {
      id: randomBytes(32).toString('base64url'),
      user,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    }
    const digest = digestOf(session.id)
    return this.#link.run(
      async (redis) => {
        await CREATE.run(
          redis,
          [this.#sessionKey(digest), this.#userKey(user)],
          [
            user,
            session.csrfToken,
            now,
            Math.min(this.#ttlMs, this.#idleMs) + SLACK_MS,
            this.#ttlMs + SLACK_MS,
            digest,
          ],
        )
        return session
      },
      () => this.#fallback.create(user),
    )
  }

  get(id: string): Promise<AdminSession | undefined> {
    return this.#read(id, false)
  }

  touch(id: string): Promise<AdminSession | undefined> {
    return this.#read(id, true)
  }

  async delete(id: string): Promise<void> {
    await this.#fallback.delete(id)
    if (!(await this.#end({ kind: 'session', id }))) this.#pending.push({ kind: 'session', id })
  }

  async deleteUser(user: string): Promise<void> {
    await this.#fallback.deleteUser(user)
    if (!(await this.#end({ kind: 'user', user }))) this.#pending.push({ kind: 'user', user })
  }

  async #read(id: string, touch: boolean): Promise<AdminSession | undefined> {
    await this.#replay()
    return this.#link.run(
      async (redis) => {
        const reply = (await READ.run(
          redis,
          [this.#sessionKey(digestOf(id))],
          [this.#now(), this.#ttlMs, this.#idleMs, touch ? '1' : '0', SLACK_MS],
        )) as [string, string, string, string] | null
        if (!reply) return undefined
        const [user, csrfToken, createdAt, lastSeenAt] = reply
        return {
          id,
          user,
          csrfToken,
          createdAt: Number(createdAt),
          lastSeenAt: Number(lastSeenAt),
        }
      },
      () => (touch ? this.#fallback.touch(id) : this.#fallback.get(id)),
    )
  }

  /** Ends in Redis; false when Redis did not answer. */
  async #end(ending: Ending): Promise<boolean> {
    const answer = await this.#link.attempt((redis) =>
      ending.kind === 'session'
        ? DELETE.run(
            redis,
            [this.#sessionKey(digestOf(ending.id))],
            [this.#userKey(''), digestOf(ending.id)],
          )
        : DELETE_USER.run(redis, [this.#userKey(ending.user)], [this.#sessionKey('')]),
    )
    return answer.ok
  }

  /** Ends in Redis what was ended while it was away, before anything is read from it. */
  async #replay(): Promise<void> {
    if (this.#pending.length === 0 || this.#link.degraded) return
    const pending = this.#pending
    this.#pending = []
    for (const [i, ending] of pending.entries()) {
      if (!(await this.#end(ending))) {
        this.#pending.push(...pending.slice(i))
        return
      }
    }
  }

  #sessionKey(digest: string): string {
    return this.#link.key('session', digest)
  }

  #userKey(user: string): string {
    return this.#link.key('user-sessions', user)
  }
}

/** The id as Redis sees it: a digest, so the cookie itself is nowhere in Redis. */
function digestOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url')
}
