// The tables of durable work: the job queue, cron schedules and the Bulk journal. They were kept
// in a history of their own (runtime_migration) until the store took them over; the names stay
// as they were, so a home migrated by that code is recognised (see migrate-database.ts).
// Portable column types only (text, integer, bigint).
import type { Kysely, Migration } from 'kysely'

export const jobMigrations: Record<string, Migration> = {
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
  '2026-11-29-03-bulk-jobs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('bulk_jobs')
        // `<queue job id>#<n>`: the n-th Bulk call of that job, the same on every attempt.
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('invocation_id', 'text', (c) => c.notNull())
        .addColumn('connection', 'text')
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        // Salesforce job ids, comma-separated, in creation order (for people and queries).
        .addColumn('job_ids', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('records_processed', 'integer', (c) => c.notNull())
        .addColumn('records_failed', 'integer', (c) => c.notNull())
        // The whole journal entry as JSON: what a re-run reads back.
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('bulk_jobs_created_at')
        .on('bulk_jobs')
        .column('created_at')
        .execute()
      await db.schema
        .createIndex('bulk_jobs_invocation_id')
        .on('bulk_jobs')
        .column('invocation_id')
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('bulk_jobs').execute()
    },
  },
}
