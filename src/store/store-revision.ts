// A cheap token that changes whenever the configuration in the store may have changed, so hot
// paths (the channel router, security checks, connection clients) can cache what they read and
// re-read only after a change instead of on every request. The ChangeNotifier of both dialects.
//
// Two sources of change: writes made through this process's repositories (a counter they bump)
// and writes committed by another process sharing the database, such as a CLI command run beside
// the server: SQLite's `PRAGMA data_version` moves then, and only then; on PostgreSQL the
// store_revision row, kept in memory by a LISTEN connection (postgres-revision-watcher.ts).
import type { ChangeNotifier } from './change-notifier.js'

/** How often `data_version` is polled for subscribers (SQLite has no push). */
export const DEFAULT_CHANGE_POLL_MS = 1000

export class StoreRevision implements ChangeNotifier {
  readonly #externalVersion: () => number
  readonly #pollMs: number
  #local = 0
  /**
   * The external version, read at most once per event-loop turn: asking SQLite takes a read lock
   * (a few µs, tens under load) and the request path asks several times per request. Writes made
   * through this process's repositories are seen at once (the counter); another process's commit
   * from the next turn on (a request that comes after it arrives in a later turn anyway).
   */
  #external: number | undefined
  readonly #forgetExternal = () => {
    this.#external = undefined
  }
  readonly #listeners = new Set<(revision: string) => void>()
  #notified: string | undefined
  #notifyQueued = false
  #poll: NodeJS.Timeout | undefined

  /**
   * `externalVersion` reports changes committed by other connections to the same database;
   * `pollMs` is how often it is asked while someone subscribes.
   */
  constructor(externalVersion: () => number, pollMs = DEFAULT_CHANGE_POLL_MS) {
    this.#externalVersion = externalVersion
    this.#pollMs = pollMs
  }

  /** Called by repositories after every write. */
  bump(): void {
    this.#local++
    if (this.#listeners.size > 0) this.#queueNotify()
  }

  /**
   * Called by a database that pushes news of other processes' commits (PostgreSQL's LISTEN):
   * the next `current()` reads the external version again, and subscribers hear of it now
   * rather than at the next poll.
   */
  externalChanged(): void {
    this.#external = undefined
    if (this.#listeners.size > 0) this.#queueNotify()
  }

  /** Equal tokens mean nothing changed in between. */
  current(): string {
    if (this.#external === undefined) {
      this.#external = this.#externalVersion()
      setImmediate(this.#forgetExternal)
    }
    return `${this.#external}.${this.#local}`
  }

  subscribe(listener: (revision: string) => void): () => void {
    if (this.#listeners.size === 0) {
      this.#notified = this.current()
      // Other processes' commits are only seen by asking; unref'd so it never keeps Node up.
      this.#poll = setInterval(() => this.#notify(), this.#pollMs)
      this.#poll.unref()
    }
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0) this.close()
    }
  }

  /** Stops polling (the store is closing); subscribers hear nothing more. */
  close(): void {
    clearInterval(this.#poll)
    this.#poll = undefined
    this.#listeners.clear()
  }

  /** One notification for all the writes of this turn, after the writer has gone on. */
  #queueNotify(): void {
    if (this.#notifyQueued) return
    this.#notifyQueued = true
    queueMicrotask(() => {
      this.#notifyQueued = false
      this.#notify()
    })
  }

  #notify(): void {
    if (this.#listeners.size === 0) return
    const now = this.current()
    if (now === this.#notified) return
    this.#notified = now
    for (const listener of this.#listeners) listener(now)
  }
}
