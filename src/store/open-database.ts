// Opens the store's database by dialect, in this one place: SQLite in the home folder today; a
// `postgres://` URL is where Kysely's PostgresDialect over a pg Pool plugs in.
import { ForcebridgeError } from '../util/index.js'
import type { Database, DatabaseTarget } from './database.js'
import { openSqliteDatabase } from './sqlite-database.js'

/** The target a URL names: `postgres://` or `postgresql://`, else a SQLite file path. */
export function databaseTarget(location: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(location)) return { dialect: 'postgres', url: location }
  return { dialect: 'sqlite', file: location.replace(/^sqlite:(\/\/)?/i, '') }
}

/** Opens the database (not yet migrated: see migrateDatabase). */
export function openDatabase(target: DatabaseTarget): Database {
  switch (target.dialect) {
    case 'sqlite':
      return openSqliteDatabase(target.file, target.synchronous ?? 'full')
    case 'postgres':
      throw new ForcebridgeError(
        'STORE_UNAVAILABLE',
        'this forcebridge keeps its store in SQLite only; leave out the postgres:// database URL ' +
          'to use the SQLite file in FORCEBRIDGE_HOME',
      )
  }
}
