// The UsageStore (../usage-store.ts) in Redis: one list of points per connection, fed by the
// clients of every node, so the dashboard on any node shows the same line. Points are JSON; a
// point not newer than the last one is dropped in the script, so the line never goes back.
import type { MemoryUsageStore } from '../memory-usage-store.js'
import type { LimitSample, UsagePoint, UsageStore } from '../usage-store.js'
import { LuaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

/** A series nobody fed for a week is dropped (it is a gap in a chart, nothing more). */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000

// KEYS: the series. ARGV: point JSON, its time (ISO 8601), capacity, keep ms.
const RECORD = new LuaScript(`
local last = redis.call('LINDEX', KEYS[1], -1)
if last and ARGV[2] <= cjson.decode(last).at then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// KEYS: from, to.
const RENAME = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) end
return 1
`)

export class RedisUsageStore implements UsageStore {
  readonly #link: RedisLink
  readonly #fallback: MemoryUsageStore
  readonly #capacity: number

  constructor(link: RedisLink, fallback: MemoryUsageStore, capacity = 288) {
    this.#link = link
    this.#fallback = fallback
    this.#capacity = capacity
  }

  record(connection: string, sample: LimitSample | undefined): Promise<void> {
    if (!sample) return Promise.resolve()
    const point: UsagePoint = { at: sample.at.toISOString(), used: sample.used, max: sample.max }
    return this.#link.run(
      async (redis) => {
        await RECORD.run(
          redis,
          [this.#key(connection)],
          [JSON.stringify(point), point.at, this.#capacity, KEEP_MS],
        )
      },
      () => this.#fallback.record(connection, sample),
    )
  }

  series(connection: string): Promise<UsagePoint[]> {
    return this.#link.run(
      async (redis) =>
        (await redis.lrange(this.#key(connection), 0, -1)).map((p) => JSON.parse(p) as UsagePoint),
      () => this.#fallback.series(connection),
    )
  }

  forget(connection: string): Promise<void> {
    void this.#fallback.forget(connection)
    return this.#link.run(
      async (redis) => {
        await redis.del(this.#key(connection))
      },
      () => Promise.resolve(),
    )
  }

  rename(from: string, to: string): Promise<void> {
    void this.#fallback.rename(from, to)
    return this.#link.run(
      async (redis) => {
        await RENAME.run(redis, [this.#key(from), this.#key(to)], [])
      },
      () => Promise.resolve(),
    )
  }

  #key(connection: string): string {
    return this.#link.key('usage', connection)
  }
}
