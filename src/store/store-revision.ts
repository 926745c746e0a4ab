// A cheap token that changes whenever the configuration in the store may have changed, so hot
// paths (the channel router, security checks, connection clients) can cache what they read and
// re-read only after a change instead of on every request.
//
// Two sources of change: writes made through this process's repositories (a counter they bump)
// and writes committed by another process sharing the file, such as a CLI command run beside the
// server (SQLite's `PRAGMA data_version` moves then, and only then).

export class StoreRevision {
  readonly #externalVersion: () => number
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

  /** `externalVersion` reports changes committed by other connections to the same database. */
  constructor(externalVersion: () => number) {
    this.#externalVersion = externalVersion
  }

  /** Called by repositories after every write. */
  bump(): void {
    this.#local++
  }

  /** Equal tokens mean nothing changed in between. */
  current(): string {
    if (this.#external === undefined) {
      this.#external = this.#externalVersion()
      setImmediate(this.#forgetExternal)
    }
    return `${this.#external}.${this.#local}`
  }
}
