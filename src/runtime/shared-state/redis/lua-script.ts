// One Lua script run by its SHA-1 (EVALSHA), sent in full only when the server does not know it
// yet (a fresh or restarted Redis answers NOSCRIPT): one round trip per call in the steady state.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export class LuaScript {
  readonly #lua: string
  readonly #sha: string

  constructor(lua: string) {
    this.#lua = lua
    this.#sha = createHash('sha1').update(lua).digest('hex')
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args)
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
      return redis.eval(this.#lua, keys.length, ...keys, ...args)
    }
  }
}
