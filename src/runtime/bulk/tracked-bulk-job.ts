// A tracked Bulk ingest call as the CLI and the admin API show it, and how its overall state
// is summed up from the states of its Salesforce jobs.
import type { BulkJournalEntry } from '../../salesforce/index.js'

export interface TrackedBulkJob {
  /** `<queue job id>#<n>`: the n-th Bulk call of that async invocation. */
  key: string
  /** The async job (queue job id) that made the call. */
  invocationId: string
  connection: string | null
  object: string
  operation: string
  /** Salesforce ingest job ids, in creation order. */
  jobIds: string[]
  /**
   * `Open` while uploading, then Salesforce's state: `UploadComplete`, `InProgress`, and at the
   * end `JobComplete`, or `Failed`/`Aborted` when any of its jobs ended so.
   */
  state: string
  recordsProcessed: number
  recordsFailed: number
  createdAt: Date
  updatedAt: Date
}

const FINAL = ['JobComplete', 'Failed', 'Aborted']

/** One state for a call of several jobs: the least advanced, and a failure over success. */
export function summaryState(entry: BulkJournalEntry): string {
  if (!entry.uploaded || entry.jobs.length === 0) return 'Open'
  const states = entry.jobs.map((j) => j.state ?? 'UploadComplete')
  if (states.every((s) => FINAL.includes(s))) {
    return states.find((s) => s !== 'JobComplete') ?? 'JobComplete'
  }
  return states.includes('InProgress') ? 'InProgress' : 'UploadComplete'
}
