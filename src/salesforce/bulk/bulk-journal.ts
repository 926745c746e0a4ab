// A durable memory of Bulk ingest calls, so that a process killed in the middle of one can
// resume it on a re-run instead of losing or repeating it. The client only sees this
// interface; the runtime keeps the entries in its store (src/runtime/bulk).

import { AsyncLocalStorage } from 'node:async_hooks'
import type { JobState } from './bulk-jobs.js'

/** One ingest job of a call, as far as the call got with it. */
export interface BulkJournalJob {
  id: string
  /** Rows uploaded to it; set once its upload finished, before it is closed. */
  rows?: number
  /** UploadComplete was sent: Salesforce processes its rows whatever happens to this process. */
  closed: boolean
  state?: JobState
  numberRecordsProcessed?: number
  numberRecordsFailed?: number
}

/** What one ingest call did so far. */
export interface BulkJournalEntry {
  object: string
  operation: string
  externalIdFieldName?: string
  /** The client's connection name, when it has one. */
  connection?: string
  /** In creation order; only the last one can be unclosed. */
  jobs: BulkJournalJob[]
  /** Every row was uploaded and every job closed: a re-run only polls and reads results. */
  uploaded: boolean
}

/**
 * Where ingest calls are remembered. `record` replaces the entry of `key`. Keys are opaque to
 * the journal; the same call on a re-run must get the same key (see BulkJournalScope).
 */
export interface BulkJournal {
  recall(key: string): Promise<BulkJournalEntry | undefined>
  record(key: string, entry: BulkJournalEntry): Promise<void>
}

/** A journal and the key of one ingest call in it. */
export interface BulkJournalSlot {
  journal: BulkJournal
  key: string
}

/**
 * The journal of one run of some unit of work that may be re-run after a crash (an async job):
 * its ingest calls are keyed `<prefix>#1`, `#2`, ... in the order they start, which is the
 * same on a re-run of the same code with the same input.
 */
export class BulkJournalScope {
  #calls = 0

  constructor(
    readonly journal: BulkJournal,
    readonly prefix: string,
  ) {}

  nextSlot(): BulkJournalSlot {
    this.#calls += 1
    return { journal: this.journal, key: `${this.prefix}#${this.#calls}` }
  }
}

// The scope travels with the async call tree rather than on a client: clients are shared by
// every invocation on a connection (one token, one pool), while a scope belongs to one run.
const active = new AsyncLocalStorage<BulkJournalScope>()

/**
 * Runs `fn` with `scope` as the journal of every ingest call made inside it (also through
 * insertMany and the other write-many helpers), unless a call passes its own `journal`.
 * @example await runWithBulkJournal(new BulkJournalScope(journal, jobId), () => service(ctx))
 */
export function runWithBulkJournal<T>(scope: BulkJournalScope, fn: () => T): T {
  return active.run(scope, fn)
}

/** The scope set by the nearest enclosing runWithBulkJournal, if any. */
export function currentBulkJournalScope(): BulkJournalScope | undefined {
  return active.getStore()
}
