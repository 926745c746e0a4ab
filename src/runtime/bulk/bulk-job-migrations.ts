// The table of Bulk ingest calls tracked for async invocations, as a runtime migration kept in
// the same history as the queue's and the scheduler's. Portable column types only.
import type { Kysely, Migration } from 'kysely'

export const bulkJobMigrations: Record<string, Migration> = {
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
