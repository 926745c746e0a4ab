// The client's LoginCooldown in Redis: after a refused login the whole cluster waits, not each
// node on its own (Salesforce locks a user out after about 3,600 logins an hour). The failure is
// kept as the error's code, message and OAuth fields, and rebuilt as a LoginError with the same
// message; nothing in it is secret. Kept in this node's memory too, for while Redis is away.
import {
  LoginError,
  type AuthFlow,
  type LoginCooldown,
  type LoginFailure,
  type MemoryLoginCooldown,
} from '../../../salesforce/index.js'
import type { RedisLink } from './redis-link.js'
import { tokenKeyDigest } from './token-key.js'

/** After the wait ends, the count of failures in a row is kept this long (it doubles the wait). */
const COUNT_KEPT_MS = 10 * 60_000

interface StoredFailure {
  code: LoginError['code']
  message: string
  connection: string
  flow: AuthFlow
  status?: number | undefined
  error?: string | undefined
  errorDescription?: string | undefined
  until: number
  count: number
}

export class RedisLoginCooldown implements LoginCooldown {
  readonly #link: RedisLink
  readonly #memory: MemoryLoginCooldown
  readonly #now: () => number

  constructor(link: RedisLink, memory: MemoryLoginCooldown, now: () => number = Date.now) {
    this.#link = link
    this.#memory = memory
    this.#now = now
  }

  get(key: string): Promise<LoginFailure | undefined> {
    return this.#link.run(
      async (redis) => {
        const text = await redis.get(this.#key(key))
        return text === null ? undefined : rebuild(JSON.parse(text) as StoredFailure)
      },
      () => this.#memory.get(key),
    )
  }

  async set(key: string, failure: LoginFailure): Promise<void> {
    await this.#memory.set(key, failure)
    const { error } = failure
    const stored: StoredFailure = {
      code: error.code,
      message: error.message,
      connection: error.connection,
      flow: error.flow,
      status: error.status,
      error: error.error,
      errorDescription: error.errorDescription,
      until: failure.until,
      count: failure.count,
    }
    const keepMs = Math.max(1, failure.until - this.#now()) + COUNT_KEPT_MS
    await this.#link.attempt((redis) =>
      redis.set(this.#key(key), JSON.stringify(stored), 'PX', Math.ceil(keepMs)),
    )
  }

  async clear(key: string): Promise<void> {
    await this.#memory.clear(key)
    await this.#link.attempt((redis) => redis.del(this.#key(key)))
  }

  #key(key: string): string {
    return this.#link.key('login-cooldown', tokenKeyDigest(key))
  }
}

/** The LoginError again, with the very message it had (its constructor adds prefix and hint). */
function rebuild(s: StoredFailure): LoginFailure {
  const details = {
    connection: s.connection,
    flow: s.flow,
    ...(s.status !== undefined ? { status: s.status } : {}),
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.errorDescription !== undefined ? { errorDescription: s.errorDescription } : {}),
  }
  const probe = new LoginError(s.code, '', details)
  const head = `connection '${s.connection}': `
  const tail = `; ${probe.hint}`
  const what =
    s.message.startsWith(head) && s.message.endsWith(tail)
      ? s.message.slice(head.length, s.message.length - tail.length)
      : s.message
  return { error: new LoginError(s.code, what, details), until: s.until, count: s.count }
}
