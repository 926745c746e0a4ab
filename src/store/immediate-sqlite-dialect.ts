// Kysely's SQLite dialect with one change: a transaction that may write starts with
// BEGIN IMMEDIATE, so it takes SQLite's write lock when it begins instead of at its first write.
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely'

/**
 * Why not Kysely's plain BEGIN (DEFERRED): such a transaction reads under a snapshot and asks for
 * the write lock only at its first write. If another process (the server beside a CLI command)
 * committed in between, SQLite cannot upgrade the snapshot and fails at once with SQLITE_BUSY,
 * whatever the busy timeout. IMMEDIATE waits for the lock up front (up to busy_timeout), so a
 * read-then-write transaction such as a claim, a tick or a config import never fails halfway.
 * Readers are not held up: in WAL mode they read beside the writer. A transaction opened with
 * `setAccessMode('read only')` keeps BEGIN DEFERRED.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin deferred' : 'begin immediate'
    await connection.executeQuery(CompiledQuery.raw(begin))
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig

  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
}
