// The database under the store, as the store sees it whatever the dialect: the Kysely handle its
// repositories run on, and the few things that differ by dialect. Opened in open-database.ts.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'

export type DatabaseDialect = 'sqlite' | 'postgres'

/** Where the store's database lives. */
export type DatabaseTarget =
  { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string }

/** An open database: the Kysely handle (for the store's repositories only) and what differs by dialect. */
export interface Database {
  readonly dialect: DatabaseDialect
  readonly db: Kysely<DatabaseSchema>
  /**
   * A number that moves when another connection (another process) committed a change: SQLite's
   * `PRAGMA data_version`; on PostgreSQL, a revision row bumped by each writing transaction.
   */
  externalVersion(): number
  close(): Promise<void>
}
