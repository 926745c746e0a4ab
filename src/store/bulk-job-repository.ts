// The Bulk journal's table (bulk_jobs): the Bulk ingest calls that async jobs made, each kept
// under `<queue job id>#<n>` so that a re-run after a crash resumes them. Rows in, rows out:
// src/runtime/bulk/ turns them into journal entries and tracked calls.
import type { Kysely } from 'kysely'
import type { DatabaseSchema } from './database-schema.js'
import type { BulkJobRow } from './job-schema.js'

export class BulkJobRepository {
  readonly #db: Kysely<DatabaseSchema>

  constructor(db: Kysely<DatabaseSchema>) {
    this.#db = db
  }

  /** The stored entry (JSON) of a call, if any. */
  async entry(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('bulk_jobs')
      .select('entry')
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.entry
  }

  /** Writes a call's row, keeping its `created_at` when it was there already. */
  async save(row: BulkJobRow): Promise<void> {
    const changes = {
      connection: row.connection,
      object: row.object,
      operation: row.operation,
      job_ids: row.job_ids,
      state: row.state,
      records_processed: row.records_processed,
      records_failed: row.records_failed,
      entry: row.entry,
      updated_at: row.updated_at,
    }
    await this.#db
      .insertInto('bulk_jobs')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet(changes))
      .execute()
  }

  /** Newest first; only one job's calls with `invocationId`. */
  list(options: { limit: number; invocationId?: string }): Promise<BulkJobRow[]> {
    let query = this.#db
      .selectFrom('bulk_jobs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('key', 'desc')
      .limit(options.limit)
    if (options.invocationId !== undefined) {
      query = query.where('invocation_id', '=', options.invocationId)
    }
    return query.execute()
  }

  /** Deletes calls last written before `before`; returns how many. */
  async prune(before: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('bulk_jobs')
      .where('updated_at', '<', before)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
