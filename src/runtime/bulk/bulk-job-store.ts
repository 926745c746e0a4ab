// Bulk ingest calls of async invocations kept in the store (its bulk_jobs table), as the journal
// the client consults: a re-run of a job after a crash resumes its Bulk calls instead of
// repeating them (src/salesforce/bulk/bulk-journal.ts).
import {
  BulkJournalScope,
  type BulkJournal,
  type BulkJournalEntry,
} from '../../salesforce/index.js'
import type { BulkJobRepository, StoreScope } from '../../store/index.js'
import { summaryState, type TrackedBulkJob } from './tracked-bulk-job.js'

/** How long Salesforce keeps a finished Bulk job and its results. */
export const BULK_JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000

export interface BulkJobStoreOptions {
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number
}

export class BulkJobStore {
  readonly #rows: BulkJobRepository
  readonly #now: () => number

  constructor(store: StoreScope, options: BulkJobStoreOptions = {}) {
    this.#rows = store.bulkJobs
    this.#now = options.now ?? Date.now
  }

  /** The journal scope of one async job: its Bulk calls are keyed `<jobId>#1`, `#2`, ... */
  scopeFor(invocationId: string): BulkJournalScope {
    return new BulkJournalScope(this.#journal(invocationId), invocationId)
  }

  #journal(invocationId: string): BulkJournal {
    return {
      recall: async (key) => {
        const entry = await this.#rows.entry(key)
        return entry === undefined ? undefined : (JSON.parse(entry) as BulkJournalEntry)
      },
      record: async (key, entry) => {
        const now = this.#now()
        await this.#rows.save({
          key,
          invocation_id: invocationId,
          connection: entry.connection ?? null,
          object: entry.object,
          operation: entry.operation,
          job_ids: entry.jobs.map((j) => j.id).join(','),
          state: summaryState(entry),
          records_processed: entry.jobs.reduce((n, j) => n + (j.numberRecordsProcessed ?? 0), 0),
          records_failed: entry.jobs.reduce((n, j) => n + (j.numberRecordsFailed ?? 0), 0),
          entry: JSON.stringify(entry),
          created_at: now,
          updated_at: now,
        })
      },
    }
  }

  /**
   * Forgets calls not touched for `olderThanMs` (default 7 days: Salesforce deletes a Bulk job
   * and its results 7 days after it finished, so an older entry can no longer be resumed).
   * Returns how many were removed.
   */
  prune(olderThanMs = BULK_JOB_RETENTION_MS): Promise<number> {
    return this.#rows.prune(this.#now() - olderThanMs)
  }

  /** Tracked calls, newest first. */
  async list(options: { limit?: number; invocationId?: string } = {}): Promise<TrackedBulkJob[]> {
    const rows = await this.#rows.list({
      limit: options.limit ?? 50,
      ...(options.invocationId === undefined ? {} : { invocationId: options.invocationId }),
    })
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
