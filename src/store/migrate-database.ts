// Brings a database up to date with the store's one ordered set of migrations: its own tables,
// then the queue's, the scheduler's and the Bulk journal's, then the revision row, all recorded
// in one history table, on SQLite and PostgreSQL alike. Also reports where a database stands.
import { Migrator, sql, type Kysely, type Migration, type MigrationResult } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { DatabaseDialect } from './database.js'
import type { DatabaseSchema } from './database-schema.js'
import { clusterMigrations } from './cluster-migrations.js'
import { jobMigrations } from './job-migrations.js'
import { storeMigrations } from './migrations.js'
import { revisionMigrations } from './revision-migrations.js'
import { subscriptionMigrations } from './subscription-migrations.js'

/**
 * Every migration for `dialect`, in the order it runs. Kysely runs pending migrations in
 * alphabetical order of their names, so a new one takes a name that sorts after the last (a
 * date prefix later than the last one's); a test holds the list to that.
 */
export function migrationsFor(dialect: DatabaseDialect): readonly (readonly [string, Migration])[] {
  return [
    ...Object.entries(storeMigrations(dialect)),
    ...Object.entries(jobMigrations),
    ...Object.entries(revisionMigrations(dialect)),
    ...Object.entries(subscriptionMigrations),
    ...Object.entries(clusterMigrations(dialect)),
  ]
}

/** The names of every migration this code knows, in order (the same for every dialect). */
export const MIGRATION_NAMES: readonly string[] = migrationsFor('sqlite').map(([name]) => name)

/** The history tables: Kysely's, and the one the runtime kept for its tables until it moved. */
type HistoryTables = DatabaseSchema & {
  kysely_migration: { name: string; timestamp: string }
  runtime_migration: { name: string; timestamp: string }
}

const HISTORY = 'kysely_migration'
const LEGACY_HISTORY = 'runtime_migration'

/** Where a database's schema stands against this code. */
export interface MigrationStatus {
  /** Migrations recorded in the database's history that this code knows, in order. */
  applied: { name: string; appliedAt: string }[]
  /** Migrations this code would apply. */
  pending: string[]
  /** Migrations in the history that this code does not know: written by a newer forcebridge. */
  unknown: string[]
}

/**
 * Which of `names` are tables of the store's schema: one small query (Kysely's introspection
 * reads every column of every table, and on PostgreSQL every schema's).
 */
async function existingTables<DB>(
  db: Kysely<DB>,
  dialect: DatabaseDialect,
  names: readonly string[],
): Promise<Set<string>> {
  const list = sql.join(names.map((n) => sql.lit(n)))
  const query =
    dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_name in (${list})`
      : sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name in (${list})`
  return new Set((await query.execute(db)).rows.map((r) => r.name))
}

/** Reads the history without changing anything (the legacy history counts as applied). */
export async function migrationStatus(
  db: Kysely<DatabaseSchema>,
  dialect: DatabaseDialect,
): Promise<MigrationStatus> {
  const history = db.withTables<Omit<HistoryTables, keyof DatabaseSchema>>()
  const tables = await existingTables(db, dialect, [HISTORY, LEGACY_HISTORY])
  const rows: { name: string; timestamp: string }[] = []
  for (const table of [HISTORY, LEGACY_HISTORY] as const) {
    if (tables.has(table)) rows.push(...(await history.selectFrom(table).selectAll().execute()))
  }
  const at = new Map(rows.map((r) => [r.name, r.timestamp]))
  const known = new Set(MIGRATION_NAMES)
  return {
    applied: MIGRATION_NAMES.filter((n) => at.has(n)).map((name) => ({
      name,
      appliedAt: at.get(name) ?? '',
    })),
    pending: MIGRATION_NAMES.filter((n) => !at.has(n)),
    unknown: [...at.keys()].filter((n) => !known.has(n)).sort(),
  }
}

/**
 * Runs the pending migrations and returns what ran. Throws STORE_SCHEMA_TOO_NEW (nothing
 * changed) when the history names a migration this code does not know, as in a database written
 * by a newer forcebridge, and STORE_MIGRATION_FAILED (the database left as it was: each
 * migration runs in a transaction) when one fails. `where` names the database in messages.
 */
export async function migrateDatabase(
  db: Kysely<DatabaseSchema>,
  dialect: DatabaseDialect,
  where: string,
): Promise<MigrationResult[]> {
  let status: MigrationStatus
  try {
    status = await migrationStatus(db, dialect)
  } catch (cause) {
    throw migrationFailed(where, cause)
  }
  if (status.unknown.length > 0) throw schemaTooNew(where, status.unknown)
  if (status.pending.length === 0) return []
  try {
    await adoptLegacyHistory(db, dialect)
  } catch (cause) {
    throw migrationFailed(where, cause)
  }
  const { error, results } = await new Migrator({
    db,
    provider: {
      getMigrations: () => Promise.resolve(Object.fromEntries(migrationsFor(dialect))),
    },
    // The two histories merged by adoptLegacyHistory interleave in time (a home may have run
    // 0003 after the queue's tables), and Kysely checks order by the time each one ran. Names
    // still run in the order of the list, and an unknown executed name still fails.
    allowUnorderedMigrations: true,
  }).migrateToLatest()
  if (error) {
    // Another process (a newer one) may have migrated between the check and the run.
    const after = await migrationStatus(db, dialect).catch(() => undefined)
    if (after && after.unknown.length > 0) throw schemaTooNew(where, after.unknown)
    throw migrationFailed(where, error)
  }
  return results ?? []
}

function schemaTooNew(where: string, unknown: string[]): ForcebridgeError {
  return new ForcebridgeError(
    'STORE_SCHEMA_TOO_NEW',
    `the store in ${where} was written by a newer forcebridge (its schema has ` +
      `${unknown.join(', ')}, which this version does not know); run that newer forcebridge ` +
      'with it, or point this one at another database',
  )
}

function migrationFailed(where: string, cause: unknown): ForcebridgeError {
  const why = cause instanceof Error ? `: ${cause.message}` : ''
  return new ForcebridgeError(
    'STORE_MIGRATION_FAILED',
    `could not bring the store in ${where} up to date${why}; nothing was changed by the ` +
      'migration that failed. Check that the database user may create tables there',
    { cause },
  )
}

/**
 * Homes made before the store held every migration kept the queue's, the scheduler's and the
 * Bulk journal's in a history table of their own. Their entries move into Kysely's table, so the
 * tables they created are not created again, and the old table goes.
 */
async function adoptLegacyHistory(
  db: Kysely<DatabaseSchema>,
  dialect: DatabaseDialect,
): Promise<void> {
  const history = db.withTables<Omit<HistoryTables, keyof DatabaseSchema>>()
  const hasLegacy = async (on: Kysely<HistoryTables>) =>
    (await existingTables(on, dialect, [LEGACY_HISTORY])).has(LEGACY_HISTORY)
  if (!(await hasLegacy(history))) return
  await history.transaction().execute(async (trx) => {
    // Checked again inside: another process opening the same home may have adopted it first.
    if (!(await hasLegacy(trx))) return
    const known = new Set(
      (await trx.selectFrom(HISTORY).select('name').execute()).map((r) => r.name),
    )
    const legacy = await trx.selectFrom(LEGACY_HISTORY).select(['name', 'timestamp']).execute()
    const missing = legacy.filter((row) => !known.has(row.name))
    if (missing.length > 0) await trx.insertInto(HISTORY).values(missing).execute()
    await trx.schema.dropTable(LEGACY_HISTORY).execute()
    await trx.schema.dropTable(`${LEGACY_HISTORY}_lock`).ifExists().execute()
  })
}
