// Bulk ingest calls of async invocations kept in the store's database (table bulk_jobs), as
// the journal the client consults: a re-run of a job after a crash resumes its Bulk calls
// instead of repeating them (src/salesforce/bulk/bulk-journal.ts).
import type { Kysely } from 'kysely'
import {
  BulkJournalScope,
  type BulkJournal,
  type BulkJournalEntry,
} from '../../salesforce/index.js'
import { summaryState, type TrackedBulkJob } from './tracked-bulk-job.js'

interface BulkJobsTable {
  key: string
  invocation_id: string
  connection: string | null
  object: string
  operation: string
  job_ids: string
  state: string
  records_processed: number
  records_failed: number
  entry: string
  created_at: number
  updated_at: number
}

interface Tables {
  bulk_jobs: BulkJobsTable
}

/** How long Salesforce keeps a finished Bulk job and its results. */
export const BULK_JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000

export interface BulkJobStoreOptions {
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number
}

export class BulkJobStore {
  readonly #db: Kysely<Tables>
  readonly #now: () => number

  /** `db` must have run `bulkJobMigrations`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store's DB type does not list this table
  constructor(db: Kysely<any>, options: BulkJobStoreOptions = {}) {
    this.#db = db as Kysely<Tables>
    this.#now = options.now ?? Date.now
  }

  /** The journal scope of one async job: its Bulk calls are keyed `<jobId>#1`, `#2`, ... */
  scopeFor(invocationId: string): BulkJournalScope {
    return new BulkJournalScope(this.#journal(invocationId), invocationId)
  }

  #journal(invocationId: string): BulkJournal {
    return {
      recall: async (key) => {
        const row = await this.#db
          .selectFrom('bulk_jobs')
          .select('entry')
          .where('key', '=', key)
          .executeTakeFirst()
        return row ? (JSON.parse(row.entry) as BulkJournalEntry) : undefined
      },
      record: async (key, entry) => {
        const now = this.#now()
        const columns = {
          connection: entry.connection ?? null,
          object: entry.object,
          operation: entry.operation,
          job_ids: entry.jobs.map((j) => j.id).join(','),
          state: summaryState(entry),
          records_processed: entry.jobs.reduce((n, j) => n + (j.numberRecordsProcessed ?? 0), 0),
          records_failed: entry.jobs.reduce((n, j) => n + (j.numberRecordsFailed ?? 0), 0),
          entry: JSON.stringify(entry),
          updated_at: now,
        }
        await this.#db
          .insertInto('bulk_jobs')
          .values({ key, invocation_id: invocationId, created_at: now, ...columns })
          .onConflict((oc) => oc.column('key').doUpdateSet(columns))
          .execute()
      },
    }
  }

  /**
   * Forgets calls not touched for `olderThanMs` (default 7 days: Salesforce deletes a Bulk job
   * and its results 7 days after it finished, so an older entry can no longer be resumed).
   * Returns how many were removed.
   */
  async prune(olderThanMs = BULK_JOB_RETENTION_MS): Promise<number> {
    const result = await this.#db
      .deleteFrom('bulk_jobs')
      .where('updated_at', '<', this.#now() - olderThanMs)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Tracked calls, newest first. */
  async list(options: { limit?: number; invocationId?: string } = {}): Promise<TrackedBulkJob[]> {
    let q = this.#db
      .selectFrom('bulk_jobs')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('key', 'desc')
      .limit(options.limit ?? 50)
    if (options.invocationId !== undefined) q = q.where('invocation_id', '=', options.invocationId)
    const rows = await q.execute()
    return rows.map((r) => ({
      key: r.key,
      invocationId: r.invocation_id,
      connection: r.connection,
      object: r.object,
      operation: r.operation,
      jobIds: r.job_ids === '' ? [] : r.job_ids.split(','),
      state: r.state,
      recordsProcessed: Number(r.records_processed),
      recordsFailed: Number(r.records_failed),
      // Number() because PostgreSQL drivers return bigint columns as strings.
      createdAt: new Date(Number(r.created_at)),
      updatedAt: new Date(Number(r.updated_at)),
    }))
  }
}
