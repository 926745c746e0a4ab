// `forcebridge db copy`: moves an embedded SQLite home's store into an empty PostgreSQL
// database. Rows go across as they are (secrets stay sealed under the home's master key), in one
// transaction on the target, after the target got this code's schema; identity columns then
// continue past the copied values.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { ForcebridgeError } from '../util/index.js'
import type { Database } from './database.js'
import { redactDatabaseUrl } from './database-location.js'
import { migrateDatabase } from './migrate-database.js'
import { openDatabase } from './open-database.js'
import { DATABASE_FILE } from './store.js'

/**
 * The tables copied, parents before the tables that reference them. store_revision is not
 * copied: the target has its own row, moved by the copy's writes; nor is cluster_nodes.
 */
export const COPIED_TABLES = [
  'connections',
  'security_definitions',
  'channels',
  'settings',
  'admin_users',
  'audit_log',
  'queue_jobs',
  'queue_job_attempts',
  'scheduler_schedules',
  'bulk_jobs',
  'event_subscriptions',
  'event_dead_letters',
  'service_files',
] as const

/** Every table the store's migrations make, and Kysely's history: any of them means "not empty". */
const FORCEBRIDGE_TABLES = [
  ...COPIED_TABLES,
  // Live nodes' heartbeats: each node registers itself again on the new database.
  'cluster_nodes',
  'store_revision',
  'kysely_migration',
  'kysely_migration_lock',
  'runtime_migration',
] as const

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH_ROWS = 500

type AnyRows = Record<string, Record<string, unknown>>

export interface CopyOptions {
  /** The home whose SQLite store is copied. */
  home: string
  /** The PostgreSQL URL of an empty database. */
  to: string
  /** Called once per table after its rows are written (inside the transaction). */
  onTable?: (table: string, rows: number) => void
  /** Called for things worth knowing that do not stop the copy. */
  warn?: (message: string) => void
}

export interface CopyResult {
  /** The source's database file. */
  from: string
  /** The target URL with its password hidden. */
  to: string
  tables: { table: string; rows: number }[]
  migrations: string[]
}

/**
 * Copies the store of `home` (SQLite) into the empty PostgreSQL database at `to`. Refuses
 * (STORE_COPY_TARGET_NOT_EMPTY, nothing changed) a target that has any forcebridge table; a
 * failure during the copy leaves the target as it was found.
 */
export async function copyStoreDatabase(options: CopyOptions): Promise<CopyResult> {
  const file = join(options.home, DATABASE_FILE)
  const to = redactDatabaseUrl(options.to)
  if (!/^postgres(ql)?:\/\//i.test(options.to)) {
    throw new ForcebridgeError(
      'INVALID_INPUT',
      `--to must be a postgres:// URL (got ${to}); db copy moves a SQLite home into PostgreSQL`,
    )
  }
  if (!existsSync(file)) {
    throw new ForcebridgeError(
      'STORE_UNAVAILABLE',
      `no store to copy in ${options.home} (no ${DATABASE_FILE}); set FORCEBRIDGE_HOME to the home to move`,
    )
  }
  // In WAL mode the -wal file goes when the last connection closes: one still there means a
  // process has the database open (or one was killed), and writes after the copy would be lost.
  if (existsSync(`${file}-wal`)) {
    options.warn?.(
      `${file} looks in use (${DATABASE_FILE}-wal is present): if a forcebridge server runs on ` +
        'this home, stop it first, or writes made after the copy will not be in PostgreSQL',
    )
  }

  const source = await openDatabase({ dialect: 'sqlite', file })
  let target: Database | undefined
  try {
    // The source is brought to this code's schema first, as a start of the server would.
    await migrateDatabase(source.db, 'sqlite', file)
    target = await openDatabase({ dialect: 'postgres', url: options.to })
    const found = await existingTables(target.db)
    if (found.length > 0) {
      throw new ForcebridgeError(
        'STORE_COPY_TARGET_NOT_EMPTY',
        `the database at ${to} already has forcebridge tables (${found.join(', ')}); db copy ` +
          'only fills an empty database: create a new one, or drop those tables if they hold nothing you need',
      )
    }
    const migrations = (await migrateDatabase(target.db, 'postgres', to))
      .filter((r) => r.status === 'Success')
      .map((r) => r.migrationName)
    try {
      const tables = await copyRows(
        source.db as unknown as Kysely<AnyRows>,
        target,
        options.onTable,
      )
      return { from: file, to, tables, migrations }
    } catch (error) {
      // The rows were rolled back; the schema the migrations made goes too, so the target is
      // empty again and the copy can simply be run once more.
      await dropForcebridgeTables(target.db).catch(() => undefined)
      throw error
    }
  } finally {
    await target?.close()
    await source.close()
  }
}

async function copyRows(
  source: Kysely<AnyRows>,
  target: Database,
  onTable: CopyOptions['onTable'],
): Promise<{ table: string; rows: number }[]> {
  const into = target.db as unknown as Kysely<AnyRows>
  // Read under one SQLite transaction: every table as of the same moment.
  return source
    .transaction()
    .setAccessMode('read only')
    .execute((from) =>
      into.transaction().execute(async (trx) => {
        const copied: { table: string; rows: number }[] = []
        for (const table of COPIED_TABLES) {
          // rowid: the order rows were written, which PostgreSQL's queue keeps in its `seq`.
          const rows = await sql<
            Record<string, unknown>
          >`select * from ${sql.table(table)} order by rowid`
            .execute(from)
            .then((r) => r.rows)
          try {
            for (let i = 0; i < rows.length; i += BATCH_ROWS) {
              await trx
                .insertInto(table)
                .values(rows.slice(i, i + BATCH_ROWS))
                .execute()
            }
            await advanceIdentities(trx, table)
          } catch (cause) {
            const why = cause instanceof Error ? `: ${cause.message}` : ''
            throw new ForcebridgeError(
              'STORE_COPY_FAILED',
              `could not copy the rows of ${table}${why}; nothing was copied, and the target ` +
                'was left empty',
              { cause },
            )
          }
          copied.push({ table, rows: rows.length })
          onTable?.(table, rows.length)
        }
        return copied
      }),
    )
}

/** Moves each identity column's sequence past the largest value now in `table`. */
async function advanceIdentities(trx: Kysely<AnyRows>, table: string): Promise<void> {
  const { rows } = await sql<{
    column_name: string
  }>`select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and is_identity = 'YES'`.execute(
    trx,
  )
  for (const { column_name: column } of rows) {
    // setval(…, max, true): the next value is max + 1; an empty table keeps its sequence at 1.
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), max(${sql.ref(column)}))
      from ${sql.table(table)} having max(${sql.ref(column)}) is not null`.execute(trx)
  }
}

async function existingTables<DB>(db: Kysely<DB>): Promise<string[]> {
  const list = sql.join(FORCEBRIDGE_TABLES.map((n) => sql.lit(n)))
  const { rows } = await sql<{
    name: string
  }>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_name in (${list}) order by table_name`.execute(
    db,
  )
  return rows.map((r) => r.name)
}

/** Only after existingTables found none: these are the tables this copy's migrations made. */
async function dropForcebridgeTables<DB>(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of [...FORCEBRIDGE_TABLES].reverse()) {
      await sql`drop table if exists ${sql.table(table)} cascade`.execute(trx)
    }
    await sql`drop function if exists forcebridge_bump_store_revision()`.execute(trx)
  })
}
