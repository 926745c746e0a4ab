// The queue's tables as Kysely migrations, for the store's Migrator to run beside its own.
// Portable column types only (text, integer, bigint): SQLite now, PostgreSQL later.
import type { Kysely, Migration } from 'kysely'

export const queueMigrations: Record<string, Migration> = {
  '2026-11-29-01-queue': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('queue_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('output', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('attempt_limit', 'integer', (c) => c.notNull())
        // Times are epoch milliseconds: comparable and sortable the same way on every dialect.
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('lock_token', 'text')
        .addColumn('idempotency_key', 'text')
        .addColumn('correlation_id', 'text')
        .addColumn('last_error_message', 'text')
        .addColumn('last_error_code', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute()
      // NULL keys never collide (SQLite and PostgreSQL agree), so only keyed jobs are deduplicated.
      await db.schema
        .createIndex('queue_jobs_idempotency_key')
        .on('queue_jobs')
        .column('idempotency_key')
        .unique()
        .execute()
      await db.schema
        .createIndex('queue_jobs_state_run_at')
        .on('queue_jobs')
        .columns(['state', 'run_at'])
        .execute()
      await db.schema
        .createIndex('queue_jobs_created_at_id')
        .on('queue_jobs')
        .columns(['created_at', 'id'])
        .execute()
      await db.schema
        .createTable('queue_job_attempts')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('error_code', 'text')
        .addPrimaryKeyConstraint('queue_job_attempts_pk', ['job_id', 'attempt'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('queue_job_attempts').execute()
      await db.schema.dropTable('queue_jobs').execute()
    },
  },
}
