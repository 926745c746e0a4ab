// The PostgreSQL store's external version, kept in memory so `current()` stays synchronous: a
// dedicated connection LISTENs for the revision the store_revision triggers announce on every
// commit that touched configuration, and a slow poll covers anything a dropped connection missed.
import pg from 'pg'
import type { StoreWarn } from './database.js'
import { REVISION_CHANNEL } from './revision-migrations.js'

/** The safety net: how often the revision row is read even when notifications arrive. */
const POLL_MS = 5_000
const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 10_000

export interface RevisionWatcherOptions {
  clientConfig: pg.ClientConfig
  /** Reads the revision row through the store's pool. */
  readRevision: () => Promise<number>
  /**
   * Whether a notifying server process is one of this store's own connections: its writes have
   * moved the store's local counter already, and moving the token again would make every cache
   * re-read twice per write.
   */
  isOwnProcess: (processId: number) => boolean
  /** `host:port/database`, for the warning. */
  server: string
  warn: StoreWarn
}

export class PostgresRevisionWatcher {
  readonly #options: RevisionWatcherOptions
  #version = 0
  #listener: () => void = () => undefined
  #client: pg.Client | undefined
  #poll: NodeJS.Timeout | undefined
  #retry: NodeJS.Timeout | undefined
  #retryMs = FIRST_RETRY_MS
  #started = false
  #closed = false
  /** Whether this outage was reported already: one warning per drop, not one per retry. */
  #warned = false

  constructor(options: RevisionWatcherOptions) {
    this.#options = options
  }

  /** The last revision heard of; moves when any process committed a configuration change. */
  get version(): number {
    return this.#version
  }

  /** Reads the revision, then listens; `listener` is called whenever the revision moved. */
  async start(listener: () => void): Promise<void> {
    if (this.#started) return
    this.#started = true
    this.#listener = listener
    this.#version = await this.#options.readRevision()
    await this.#connect().catch((error: unknown) => this.#lost(error))
    // Unref'd, like every timer here: a store that is not closed never keeps Node up.
    this.#poll = setInterval(() => void this.#refresh(), POLL_MS)
    this.#poll.unref()
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#poll)
    clearTimeout(this.#retry)
    const client = this.#client
    this.#client = undefined
    if (!client) return
    // Held again while it closes: awaiting an unref'd socket, a process with nothing else left
    // (a CLI command about to print its result) would exit in the middle of close().
    ;(client as unknown as { ref(): void }).ref()
    await client.end().catch(() => undefined)
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.clientConfig)
    client.on('notification', (message) => {
      const revision = Number(message.payload)
      if (!Number.isFinite(revision) || this.#options.isOwnProcess(message.processId)) return
      this.#advance(revision)
    })
    client.on('error', (error) => this.#lost(error, client))
    client.on('end', () => this.#lost(new Error('connection ended'), client))
    try {
      await client.connect()
      await client.query(`LISTEN ${REVISION_CHANNEL}`)
      // From now on only notifications arrive on it: the socket alone never keeps the process
      // alive (pg's Client has unref(); its types omit it). Not before the LISTEN answered, or a
      // process with nothing else to do would exit while waiting for it.
      ;(client as unknown as { unref(): void }).unref()
    } catch (error) {
      client.removeAllListeners('end')
      await client.end().catch(() => undefined)
      throw error
    }
    if (this.#closed) {
      await client.end().catch(() => undefined)
      return
    }
    this.#client = client
    this.#retryMs = FIRST_RETRY_MS
    this.#warned = false
    // Commits made while this connection was not listening were not announced to it.
    await this.#refresh()
  }

  #lost(error: unknown, client?: pg.Client): void {
    // A connection that is not the current one (it failed while connecting, or was replaced)
    // has been dealt with where it failed.
    if (this.#closed || (client !== undefined && client !== this.#client)) return
    if (client !== undefined) {
      this.#client = undefined
      client.removeAllListeners('end')
      client.end().catch(() => undefined)
    }
    if (!this.#warned) {
      this.#warned = true
      const why = error instanceof Error ? error.message : String(error)
      this.#options.warn(
        `lost the change-notification connection to PostgreSQL at ${this.#options.server} (${why}); ` +
          `reconnecting, and reading changes made elsewhere every ${POLL_MS / 1000} s meanwhile`,
      )
    }
    if (this.#retry !== undefined) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#connect().catch((next: unknown) => this.#lost(next))
    }, this.#retryMs)
    this.#retry.unref()
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS)
  }

  async #refresh(): Promise<void> {
    try {
      this.#advance(await this.#options.readRevision())
    } catch {
      // The pool reports a database that is down on the next real query; the poll just waits.
    }
  }

  #advance(revision: number): void {
    if (this.#closed || revision === this.#version) return
    this.#version = revision
    this.#listener()
  }
}
