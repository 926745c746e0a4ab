// The database under the store, as the store sees it whatever the dialect: the Kysely handle its
// repositories run on, and the few things that differ by dialect. Opened in open-database.ts.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export type DatabaseDialect = 'sqlite' | 'postgres'

/** Where the store's database lives. */
export type DatabaseTarget =
  | { dialect: 'sqlite'; file: string; synchronous?: SqliteSynchronous }
  | {
      dialect: 'postgres'
      url: string
      /** Connections the pool opens at most (default POSTGRES_POOL_SIZE, 10). */
      poolSize?: number
    }

/**
 * When a SQLite commit reaches the disk. `full` (the default) survives power loss. `normal`
 * keeps every commit across a killed process but may lose the last ones on power loss or an
 * OS crash, for commits about fifteen times cheaper. In WAL mode neither corrupts the file.
 */
export type SqliteSynchronous = 'full' | 'normal'

/** An open database: the Kysely handle (for the store's repositories only) and what differs by dialect. */
export interface Database {
  readonly dialect: DatabaseDialect
  readonly db: Kysely<DatabaseSchema>
  /**
   * A number that moves when another connection (another process) committed a change: SQLite's
   * `PRAGMA data_version`; on PostgreSQL, a revision row bumped by each writing transaction.
   */
  externalVersion(): number
  /**
   * Starts hearing of other processes' commits as they happen, calling `listener` after each
   * (PostgreSQL: LISTEN/NOTIFY). Absent where there is no push (SQLite: the version is polled).
   * Called once, after the migrations.
   */
  watchExternalChanges?(listener: () => void): Promise<void>
  close(): Promise<void>
}

/** Where the store reports trouble it recovers from by itself (a dropped LISTEN connection). */
export type StoreWarn = (message: string) => void
