// The SQLite database of a home: one file in WAL mode, shared by the server and CLI commands.
import { closeSync, openSync } from 'node:fs'
import SqliteDatabase from 'better-sqlite3'
import { Kysely } from 'kysely'
import type { Database, SqliteSynchronous } from './database.js'
import type { DatabaseSchema } from './database-schema.js'
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js'

export function openSqliteDatabase(file: string, synchronous: SqliteSynchronous): Database {
  // Created owner-only before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600))
  const sqlite = new SqliteDatabase(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
  sqlite.pragma('foreign_keys = ON')
  // Several processes (the server and a CLI command) may share the file.
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<DatabaseSchema>({
    dialect: new ImmediateSqliteDialect({ database: sqlite }),
  })
  // Prepared once: the hot paths ask for the revision on every request (~0.3 µs, not ~6 µs).
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck()
  return {
    dialect: 'sqlite',
    db,
    externalVersion: () => dataVersion.get() as number,
    close: () => db.destroy(),
  }
}
