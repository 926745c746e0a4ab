// The scheduler's table as Kysely migrations, for the store's Migrator to run beside its own.
// Portable column types only: SQLite now, PostgreSQL later.
import type { Kysely, Migration } from 'kysely'

export const schedulerMigrations: Record<string, Migration> = {
  '2026-11-29-02-scheduler': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('scheduler_schedules')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('missed_run_policy', 'text', (c) => c.notNull())
        .addColumn('max_catch_up', 'integer', (c) => c.notNull())
        // Epoch milliseconds. Runs at or before due_after have been fired or skipped.
        .addColumn('due_after', 'bigint', (c) => c.notNull())
        .addColumn('last_run_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('scheduler_schedules').execute()
    },
  },
}
