// Brings a database up to date with the store's one ordered set of migrations: its own tables,
// then the queue's, the scheduler's and the Bulk journal's, all recorded in one history table.
import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseSchema } from './database-schema.js'
import { jobMigrations } from './job-migrations.js'
import { storeMigrations } from './migrations.js'

/**
 * Every migration, in the order it runs. Kysely runs pending migrations in alphabetical order of
 * their names, so a new one takes a name that sorts after the last (a date prefix later than
 * `2026-11-29-03`); a test holds this list to that.
 */
export const MIGRATIONS: readonly (readonly [string, Migration])[] = [
  ...Object.entries(storeMigrations),
  ...Object.entries(jobMigrations),
]

/** The history tables: Kysely's, and the one the runtime kept for its tables until it moved. */
type HistoryTables = DatabaseSchema & {
  kysely_migration: { name: string; timestamp: string }
  runtime_migration: { name: string; timestamp: string }
}

const LEGACY_HISTORY = 'runtime_migration'

/**
 * Runs the pending migrations. Throws STORE_MIGRATION_FAILED (the database left as it was:
 * each migration runs in a transaction) when one fails or the history names a migration this
 * code does not know, as in a database written by a newer forcebridge.
 */
export async function migrateDatabase(
  db: Kysely<DatabaseSchema>,
  where: string,
): Promise<MigrationResult[]> {
  try {
    await adoptLegacyHistory(db)
  } catch (cause) {
    throw migrationFailed(where, cause)
  }
  const { error, results } = await new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(Object.fromEntries(MIGRATIONS)) },
    // The two histories merged by adoptLegacyHistory interleave in time (a home may have run
    // 0003 after the queue's tables), and Kysely checks order by the time each one ran. Names
    // still run in the order of MIGRATIONS, and an unknown executed name still fails.
    allowUnorderedMigrations: true,
  }).migrateToLatest()
  if (error) throw migrationFailed(where, error)
  return results ?? []
}

function migrationFailed(where: string, cause: unknown): ForcebridgeError {
  return new ForcebridgeError(
    'STORE_MIGRATION_FAILED',
    `could not bring the store in ${where} up to date; it may come from a newer forcebridge`,
    { cause },
  )
}

/**
 * Homes made before the store held every migration kept the queue's, the scheduler's and the
 * Bulk journal's in a history table of their own. Their entries move into Kysely's table, so the
 * tables they created are not created again, and the old table goes.
 */
async function adoptLegacyHistory(db: Kysely<DatabaseSchema>): Promise<void> {
  const history = db.withTables<Omit<HistoryTables, keyof DatabaseSchema>>()
  const hasLegacy = async (on: Kysely<HistoryTables>) =>
    (await on.introspection.getTables()).some((t) => t.name === LEGACY_HISTORY)
  if (!(await hasLegacy(history))) return
  await history.transaction().execute(async (trx) => {
    // Checked again inside: another process opening the same home may have adopted it first.
    if (!(await hasLegacy(trx))) return
    const known = new Set(
      (await trx.selectFrom('kysely_migration').select('name').execute()).map((r) => r.name),
    )
    const legacy = await trx.selectFrom('runtime_migration').select(['name', 'timestamp']).execute()
    const missing = legacy.filter((row) => !known.has(row.name))
    if (missing.length > 0) await trx.insertInto('kysely_migration').values(missing).execute()
    await trx.schema.dropTable(LEGACY_HISTORY).execute()
    await trx.schema.dropTable(`${LEGACY_HISTORY}_lock`).ifExists().execute()
  })
}
