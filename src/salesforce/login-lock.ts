// One login at a time per connection (LoginLock; in memory by default, Redis can implement it
// for a cluster): whoever gets the lock second finds the first one's token in the cache.

/**
 * A lock around logins, per key (the client's `tokenKey`). In memory it orders the clients of
 * one process; a shared one (Redis, `SET key NX PX` with a fencing value) orders every process
 * of a cluster, so a connection costs one login however many nodes need a token at once.
 */
export interface LoginLock {
  /** Runs `fn` once no other holder of `key` is running; the lock is released when it settles. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>
}

/** The default lock: a queue per key in this process. */
export class MemoryLoginLock implements LoginLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key)
    const mine = before ? before.then(fn) : fn()
    const tail = mine.catch(() => undefined)
    this.tails.set(key, tail)
    try {
      return await mine
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
