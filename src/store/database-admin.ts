// What `forcebridge db status|migrate` do with a store's database, without opening the store:
// no master key is needed, and status changes nothing (a SQLite home without a database file
// stays without one).
import { existsSync } from 'node:fs'
import type { DatabaseDialect } from './database.js'
import { describeDatabase } from './database-location.js'
import { migrateDatabase, migrationStatus, MIGRATION_NAMES } from './migrate-database.js'
import { openDatabase } from './open-database.js'
import { makeHome, storeTarget, type StoreOptions } from './store.js'

/** Where a store's database stands against this code. */
export interface DatabaseReport {
  dialect: DatabaseDialect
  /** A file path or a redacted PostgreSQL URL. */
  location: string
  applied: { name: string; appliedAt: string }[]
  pending: string[]
  /** Migrations recorded by a newer forcebridge; non-empty means this one refuses to start. */
  unknown: string[]
}

/** Reads where the database stands; changes nothing. */
export async function inspectDatabase(options: StoreOptions): Promise<DatabaseReport> {
  const target = storeTarget(options)
  const location = describeDatabase(target)
  if (target.dialect === 'sqlite' && !existsSync(target.file)) {
    return { dialect: 'sqlite', location, applied: [], pending: [...MIGRATION_NAMES], unknown: [] }
  }
  const database = await openDatabase(target)
  try {
    return {
      dialect: database.dialect,
      location,
      ...(await migrationStatus(database.db, database.dialect)),
    }
  } finally {
    await database.close()
  }
}

/** Applies the pending migrations; returns their names (empty when it was up to date). */
export async function migrateStoreDatabase(
  options: StoreOptions,
): Promise<{ dialect: DatabaseDialect; location: string; applied: string[] }> {
  const target = storeTarget(options)
  if (target.dialect === 'sqlite') makeHome(options.home)
  const location = describeDatabase(target)
  const database = await openDatabase(target)
  try {
    const results = await migrateDatabase(database.db, database.dialect, location)
    return {
      dialect: database.dialect,
      location,
      applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
    }
  } finally {
    await database.close()
  }
}
