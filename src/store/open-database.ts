// Opens the store's database by dialect, in this one place: SQLite in the home folder, or
// PostgreSQL (Kysely's PostgresDialect over a pg Pool) for a `postgres://` URL.
import type { Database, DatabaseTarget, StoreWarn } from './database.js'
import { openSqliteDatabase } from './sqlite-database.js'

/** The target a URL names: `postgres://` or `postgresql://`, else a SQLite file path. */
export function databaseTarget(location: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(location)) return { dialect: 'postgres', url: location }
  return { dialect: 'sqlite', file: location.replace(/^sqlite:(\/\/)?/i, '') }
}

/** Opens the database (not yet migrated: see migrateDatabase); PostgreSQL is checked by a query. */
export async function openDatabase(
  target: DatabaseTarget,
  options: { warn?: StoreWarn } = {},
): Promise<Database> {
  switch (target.dialect) {
    case 'sqlite':
      return openSqliteDatabase(target.file, target.synchronous ?? 'full')
    case 'postgres': {
      // Imported here, not at the top: pg takes about 100 ms to load, which every command on a
      // SQLite store (the default) would pay for nothing.
      const { openPostgresDatabase } = await import('./postgres-database.js')
      return openPostgresDatabase(target.url, {
        ...(target.poolSize === undefined ? {} : { poolSize: target.poolSize }),
        warn: options.warn ?? ((message) => console.warn(`forcebridge store: ${message}`)),
      })
    }
  }
}
